/**
 * Reconciliation matching (retrieve/reconcile.ts) on realistic items with the shipped medication
 * knowledge: RxNorm products of one ingredient, a coded item against a text-only one, combination
 * products, allergens by SNOMED, RxNorm and text, problems by SNOMED and ICD-10-CM, timing windows,
 * and entered-in-error local items.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AllergyIntolerance, Condition, MedicationRequest, MedicationStatement, Resource } from '@medplum/fhirtypes';
import { shippedKnowledge } from '../../../src/medications/knowledge.ts';
import { ICD10CM, reconcile, reconcileItem, SNOMED } from '../../../src/exchange/retrieve/reconcile.ts';

const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const k = shippedKnowledge();
const subject = { reference: 'Patient/p' };

const medReq = (id: string, code: string | undefined, text: string, authoredOn?: string): MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject,
  medicationCodeableConcept: { ...(code ? { coding: [{ system: RX, code, display: text }] } : {}), text },
  ...(authoredOn ? { authoredOn } : {}),
});
const medStmt = (id: string, code: string | undefined, text: string, effective?: string): MedicationStatement => ({
  resourceType: 'MedicationStatement',
  id,
  status: 'active',
  subject,
  medicationCodeableConcept: { ...(code ? { coding: [{ system: RX, code, display: text }] } : {}), text },
  ...(effective ? { effectiveDateTime: effective } : {}),
});
const allergy = (id: string, coding: { system: string; code: string; display: string } | undefined, text: string, status?: string): AllergyIntolerance => ({
  resourceType: 'AllergyIntolerance',
  id,
  patient: subject,
  code: { ...(coding ? { coding: [coding] } : {}), text },
  ...(status ? { verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: status }] } } : {}),
});
const condition = (id: string, codings: { system: string; code: string; display: string }[], text: string, onset?: string): Condition => ({
  resourceType: 'Condition',
  id,
  subject,
  code: { coding: codings, text },
  ...(onset ? { onsetDateTime: onset } : {}),
});

const verdict = (incoming: Resource, locals: Resource[]) => reconcileItem(incoming, locals, k)!;

describe('reconciliation matching', () => {
  it('medications: the same RxNorm code within the window is a duplicate', () => {
    const v = verdict(medReq('in', '861007', 'metformin hydrochloride 500 MG Oral Tablet', '2026-03-01'), [medReq('l1', '314076', 'lisinopril 10 MG Oral Tablet', '2026-03-01'), medReq('l2', '861007', 'Metformin 500 mg', '2026-02-10')]);
    assert.equal(v.match, 'duplicate');
    assert.equal(v.local?.id, 'l2');
    assert.match(v.reason, /same RxNorm code 861007/);
  });

  it('medications: another strength of the same ingredient is a duplicate at ingredient level, also against a statement in free text', () => {
    const v = verdict(medReq('in', '861004', 'metformin hydrochloride 1000 MG Oral Tablet', '2026-03-01'), [medStmt('l', undefined, 'Metformin 500mg twice daily', '2026-01-15')]);
    assert.equal(v.match, 'duplicate');
    assert.match(v.reason, /same ingredient \(metformin\)/);
  });

  it('medications: the same drug started years apart is only possible', () => {
    const v = verdict(medReq('in', '314077', 'lisinopril 20 MG Oral Tablet', '2026-03-01'), [medReq('l', '314076', 'lisinopril 10 MG Oral Tablet', '2023-01-10')]);
    assert.equal(v.match, 'possible');
    assert.match(v.reason, /more than 180/);
  });

  it('medications: a combination product sharing one ingredient is possible; an unrelated drug is new', () => {
    const combo = verdict(medReq('in', '1243027', 'linagliptin 2.5 MG / metformin hydrochloride 500 MG Oral Tablet', '2026-03-01'), [medReq('l', '861007', 'metformin hydrochloride 500 MG Oral Tablet', '2026-03-01')]);
    assert.equal(combo.match, 'possible');
    assert.match(combo.reason, /metformin/);
    const unrelated = verdict(medReq('in', '617310', 'atorvastatin 20 MG Oral Tablet', '2026-03-01'), [medReq('l', '861007', 'metformin hydrochloride 500 MG Oral Tablet', '2026-03-01')]);
    assert.equal(unrelated.match, 'new');
    assert.equal(unrelated.local, undefined);
  });

  it('allergies: by SNOMED code, by allergen across code systems and text, and related by class', () => {
    const snomedPen = { system: SNOMED, code: '91936005', display: 'Allergy to penicillin' };
    assert.equal(verdict(allergy('in', snomedPen, 'Penicillin allergy'), [allergy('l', snomedPen, 'PCN')]).match, 'duplicate');
    const amoxRx = verdict(allergy('in', { system: RX, code: '308191', display: 'amoxicillin 500 MG Oral Capsule' }, 'Amoxicillin'), [allergy('l', undefined, 'amoxicillin')]);
    assert.equal(amoxRx.match, 'duplicate');
    assert.match(amoxRx.reason, /same allergen \(amoxicillin\)/);
    const related = verdict(allergy('in', { system: SNOMED, code: '372687004', display: 'Amoxicillin' }, 'Amoxicillin'), [allergy('l', snomedPen, 'Penicillin')]);
    assert.equal(related.match, 'possible');
    assert.match(related.reason, /related allergen/);
  });

  it('allergies: an entered-in-error local record is never matched', () => {
    const snomedPen = { system: SNOMED, code: '91936005', display: 'Allergy to penicillin' };
    assert.equal(verdict(allergy('in', snomedPen, 'Penicillin'), [allergy('l', snomedPen, 'Penicillin', 'entered-in-error')]).match, 'new');
  });

  it('problems: the same SNOMED or ICD-10-CM code is a duplicate; the same ICD-10-CM category is possible; the same name alone counts too', () => {
    const t2dm = { system: SNOMED, code: '44054006', display: 'Diabetes mellitus type 2' };
    const e119 = { system: ICD10CM, code: 'E11.9', display: 'Type 2 diabetes mellitus without complications' };
    const e1165 = { system: ICD10CM, code: 'E11.65', display: 'Type 2 diabetes mellitus with hyperglycemia' };
    assert.equal(verdict(condition('in', [t2dm], 'T2DM', '2020-05-01'), [condition('l', [t2dm, e119], 'Type 2 diabetes', '2020-07-01')]).match, 'duplicate');
    const icd = verdict(condition('in', [e119], 'Diabetes', '2020-05-01'), [condition('l', [e119], 'Type 2 diabetes')]);
    assert.equal(icd.match, 'duplicate');
    assert.match(icd.reason, /ICD-10-CM E11\.9/);
    assert.equal(verdict(condition('in', [e1165], 'Diabetes with hyperglycemia'), [condition('l', [e119], 'Type 2 diabetes')]).match, 'possible');
    const byText = verdict(condition('in', [], 'Essential hypertension'), [condition('l', [], 'essential  hypertension.')]);
    assert.equal(byText.match, 'duplicate');
    assert.match(byText.reason, /same name/);
  });

  it('problems: the same code recorded years apart is possible; lists are compared only within themselves', () => {
    const asthma = { system: SNOMED, code: '195967001', display: 'Asthma' };
    assert.equal(verdict(condition('in', [asthma], 'Asthma', '2026-01-01'), [condition('l', [asthma], 'Asthma', '2010-01-01')]).match, 'possible');
    const out = reconcile(
      [condition('c', [asthma], 'Asthma'), medReq('m', '861007', 'metformin hydrochloride 500 MG Oral Tablet'), { resourceType: 'Observation', status: 'final', code: { text: 'HbA1c' } }],
      [medReq('l', undefined, 'Asthma')],
      k,
    );
    assert.deepEqual(out.map((v) => [v.list, v.match]), [['problems', 'new'], ['medications', 'new']]);
  });
});
