/**
 * The web client's reading of the catalogue, pure: what a clinician types split into name,
 * strength and form, and a server MedicationKnowledge turned into what the picker shows.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { drugOf, parseTyped } from '../../src/fhir/medications.ts';

describe('parseTyped', () => {
  it('splits name, strength (with or without a unit) and form', () => {
    assert.deepEqual(parseTyped('atorvastatin'), { name: 'atorvastatin' });
    assert.deepEqual(parseTyped('atorvastatin 40'), { name: 'atorvastatin', strength: '40' });
    assert.deepEqual(parseTyped('simva 20 mg tab'), { name: 'simva', strength: '20 mg', form: 'tab' });
    assert.deepEqual(parseTyped('amoxicillin 80mg/ml oral susp'), { name: 'amoxicillin', strength: '80 mg/ml', form: 'oral susp' });
    assert.deepEqual(parseTyped('40 atorvastatin'), { name: '40 atorvastatin' }, 'a number first is part of the name');
  });
});

describe('drugOf', () => {
  it('shows ingredients, strengths per unit or per mL, form and classes', () => {
    const UCUM = 'http://unitsofmeasure.org';
    const drug = drugOf({
      resourceType: 'MedicationKnowledge',
      code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '617430', display: 'amoxicillin 80 MG/ML / clavulanate 11.4 MG/ML Oral Suspension' }] },
      doseForm: { text: 'Oral Suspension' },
      ingredient: [
        { itemCodeableConcept: { text: 'amoxicillin' }, strength: { numerator: { value: 80, unit: 'mg', system: UCUM, code: 'mg' }, denominator: { value: 1, unit: 'mL', system: UCUM, code: 'mL' } } },
        { itemCodeableConcept: { text: 'clavulanate' }, strength: { numerator: { value: 11.4, unit: 'mg', system: UCUM, code: 'mg' }, denominator: { value: 1, unit: 'mL', system: UCUM, code: 'mL' } } },
      ],
      medicineClassification: [{ type: { text: 'therapeutic' }, classification: [{ coding: [{ system: 'https://continuum.example/fhir/CodeSystem/drug-class', code: 'penicillins', display: 'Penicillins' }] }] }],
    });
    assert.deepEqual(drug, {
      coding: { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '617430', display: 'amoxicillin 80 MG/ML / clavulanate 11.4 MG/ML Oral Suspension' },
      name: 'amoxicillin / clavulanate',
      strength: '80 mg/mL / 11.4 mg/mL',
      form: 'Oral Suspension',
      classes: ['Penicillins'],
    });
  });
});
