/**
 * A remote record grouped for reading: the fixed group order, items newest first, the Patient and
 * bookkeeping resources left out, and unknown clinical types kept under "Other items".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { groupRecord, itemCount } from '../../src/exchange/external/record-groups.ts';
import { external, PARTNER } from './fixtures.ts';

const bundle = (resources: Resource[]): Bundle => ({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });

describe('remote record groups', () => {
  const record = bundle([
    external({ resourceType: 'Patient', id: 'r1' }),
    external({ resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'Glucose' }, effectiveDateTime: '2025-01-01' }),
    external({ resourceType: 'Observation', id: 'o2', status: 'final', code: { text: 'Potassium' }, effectiveDateTime: '2025-03-01' }),
    external({ resourceType: 'Condition', id: 'c1', subject: {}, code: { text: 'Hypertension' }, onsetDateTime: '2019-05-01' }),
    external({ resourceType: 'Provenance', id: 'p1', target: [], recorded: '2025-01-01T00:00:00Z', agent: [] }),
    external({ resourceType: 'Immunization', id: 'i1', status: 'completed', patient: {}, vaccineCode: { text: 'Influenza' }, occurrenceDateTime: '2024-10-01' }),
    external({ resourceType: 'MedicationRequest', id: 'm1', status: 'active', intent: 'order', subject: {}, medicationCodeableConcept: { text: 'Metformin' }, authoredOn: '2024-02-02' }),
    external({ resourceType: 'AllergyIntolerance', id: 'a1', patient: {}, code: { text: 'Peanut' } }),
    external({ resourceType: 'Encounter', id: 'e1', status: 'finished', class: { code: 'AMB' }, type: [{ text: 'Office visit' }] }),
    external({ resourceType: 'DocumentReference', id: 'd1', status: 'current', content: [], description: 'Visit note' }),
    external({ resourceType: 'Procedure', id: 'x1', status: 'completed', subject: {}, code: { text: 'Colonoscopy' } }),
    external({ resourceType: 'Organization', id: 'org' }),
  ]);

  it('groups in the fixed order and leaves out what is not an item', () => {
    const groups = groupRecord(record);
    assert.deepEqual(groups.map((g) => g.title), ['Problems', 'Medications', 'Allergies', 'Labs and observations', 'Immunizations', 'Encounters', 'Documents', 'Other items']);
    assert.equal(itemCount(groups), 9);
    assert.deepEqual(groups.find((g) => g.key === 'other')?.items.map((i) => i.title), ['Colonoscopy']);
  });

  it('lists items newest first, each with its source', () => {
    const labs = groupRecord(record).find((g) => g.key === 'observations')!;
    assert.deepEqual(labs.items.map((i) => i.title), ['Potassium', 'Glucose']);
    assert.ok(labs.items.every((i) => i.source?.organization === PARTNER.display));
    assert.equal(labs.items[0]!.key, 'Observation/o2');
  });

  it('has no groups for an empty or missing record', () => {
    assert.deepEqual(groupRecord(undefined), []);
    assert.deepEqual(groupRecord(bundle([external({ resourceType: 'Patient', id: 'r1' })])), []);
  });
});
