/**
 * How an item of another organization's record is named, dated and attributed, and how its
 * source is told apart from local data (tag, extension, meta.source).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllergyIntolerance, Condition, DocumentReference, Encounter, MedicationStatement, Observation } from '@medplum/fhirtypes';
import { externalSource, isExternal, itemAuthor, itemDate, itemDetail, itemTitle } from '../../src/exchange/external/external-source.ts';
import { EXTERNAL_TAG } from '../../src/exchange/external/codes.ts';
import { external, PARTNER, REMOTE } from './fixtures.ts';

describe('external source', () => {
  it('names the partner from the source extension, with its reference and remote URL', () => {
    const c = external<Condition>({ resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/r1' } });
    assert.equal(isExternal(c), true);
    assert.deepEqual(externalSource(c), { organization: PARTNER.display, reference: PARTNER.reference, url: `${REMOTE}/Condition/c1` });
  });

  it('falls back to the host of meta.source for a tagged copy without the extension', () => {
    const copy: Condition = { resourceType: 'Condition', id: 'local', subject: { reference: 'Patient/p' }, meta: { tag: [{ ...EXTERNAL_TAG }], source: 'https://riverside.example/fhir/Condition/c1' } };
    assert.equal(externalSource(copy)?.organization, 'riverside.example');
    assert.equal(externalSource(copy)?.reference, undefined);
  });

  it('says nothing of local data, even with a meta.source', () => {
    const local: Condition = { resourceType: 'Condition', id: 'l', subject: { reference: 'Patient/p' }, meta: { source: 'https://here.example/fhir' } };
    assert.equal(isExternal(local), false);
    assert.equal(externalSource(local), undefined);
  });

  it('dates, titles and attributes each kind of item', () => {
    const lab: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'Hemoglobin A1c' }, effectiveDateTime: '2025-02-03', valueQuantity: { value: 7.1, unit: '%' }, performer: [{ display: 'Riverside Lab' }] };
    assert.equal(itemTitle(lab), 'Hemoglobin A1c');
    assert.equal(itemDate(lab), '2025-02-03');
    assert.equal(itemDetail(lab), '7.1 %');
    assert.equal(itemAuthor(lab), 'Riverside Lab');

    const med: MedicationStatement = { resourceType: 'MedicationStatement', status: 'active', subject: {}, medicationCodeableConcept: { coding: [{ display: 'Lisinopril 10 MG Oral Tablet' }] }, effectivePeriod: { start: '2024-06-01' }, dosage: [{ text: '1 tablet daily' }], informationSource: { display: 'Dr Ana Ruiz' } };
    assert.deepEqual([itemTitle(med), itemDate(med), itemDetail(med), itemAuthor(med)], ['Lisinopril 10 MG Oral Tablet', '2024-06-01', '1 tablet daily', 'Dr Ana Ruiz']);

    const allergy: AllergyIntolerance = { resourceType: 'AllergyIntolerance', patient: {}, code: { text: 'Penicillin' }, recordedDate: '2020-01-01', recorder: { display: 'Dr Lee' }, reaction: [{ manifestation: [{ text: 'Hives' }] }] };
    assert.deepEqual([itemTitle(allergy), itemDate(allergy), itemDetail(allergy), itemAuthor(allergy)], ['Penicillin', '2020-01-01', 'Reaction: Hives', 'Dr Lee']);

    const visit: Encounter = { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB', display: 'ambulatory' }, period: { start: '2025-01-10T09:00:00Z' }, participant: [{ individual: { display: 'Dr Lee' } }] };
    assert.deepEqual([itemTitle(visit), itemDate(visit), itemAuthor(visit)], ['ambulatory', '2025-01-10T09:00:00Z', 'Dr Lee']);

    const doc: DocumentReference = { resourceType: 'DocumentReference', status: 'current', content: [], description: 'Discharge summary', date: '2025-03-01T10:00:00Z', author: [{ display: 'Riverside Hospital' }] };
    assert.deepEqual([itemTitle(doc), itemDate(doc), itemAuthor(doc)], ['Discharge summary', '2025-03-01T10:00:00Z', 'Riverside Hospital']);
  });

  it('dates an item without a clinical date by its last change', () => {
    const c: Condition = { resourceType: 'Condition', subject: {}, code: { text: 'Asthma' }, meta: { lastUpdated: '2025-05-05T00:00:00Z' } };
    assert.equal(itemDate(c), '2025-05-05T00:00:00Z');
    assert.equal(itemAuthor(c), undefined);
  });
});
