/** Field-level differences between versions of a list entry, as the History drawer and the conflict dialog show them. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AllergyIntolerance, Condition } from '@medplum/fhirtypes';
import { ALLERGY_FIELDS } from '../../../src/clinician/lists/allergy.ts';
import { PROBLEM_FIELDS, resolveProblem } from '../../../src/clinician/lists/problem.ts';
import { changes, describeChange, versionEntries } from '../../../src/clinician/lists/versions.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';

const v1: AllergyIntolerance = {
  resourceType: 'AllergyIntolerance',
  id: 'a1',
  meta: { versionId: '1', lastUpdated: '2026-11-20T10:00:00Z' },
  patient: { reference: 'Patient/p1' },
  code: { coding: [{ system: RXNORM, code: '70618', display: 'penicillin' }], text: 'penicillin' },
  clinicalStatus: { coding: [{ system: CLINICAL, code: 'active' }] },
  criticality: 'high',
  reaction: [{ manifestation: [{ text: 'Hives' }], severity: 'moderate' }],
};

it('lists only the fields that changed, in words, from one version to the next', () => {
  const v2: AllergyIntolerance = { ...v1, meta: { versionId: '2' }, criticality: 'low', reaction: [{ manifestation: [{ text: 'Rash' }] }], note: [{ text: 'Tolerated cefalexin' }] };
  assert.deepEqual(changes(ALLERGY_FIELDS, v1, v2).map(describeChange), [
    'Criticality: High risk → Low risk',
    'Reaction: Hives → Rash',
    'Severity removed (was Moderate)',
    'Note: Tolerated cefalexin',
  ]);
});

it('describes a first version by every field it sets', () => {
  const described = changes(ALLERGY_FIELDS, undefined, v1).map(describeChange);
  assert.deepEqual(described, ['Substance: penicillin (RxNorm 70618)', 'Clinical status: Active', 'Criticality: High risk', 'Reaction: Hives', 'Severity: Moderate']);
});

it('sees no change when only what the list does not show differs', () => {
  assert.deepEqual(changes(ALLERGY_FIELDS, v1, { ...v1, meta: { versionId: '2' }, recordedDate: '2026-11-21' }), []);
});

it('pairs each version, newest first, with what it changed from the one before', () => {
  const c1: Condition = { resourceType: 'Condition', id: 'c', meta: { versionId: '1', lastUpdated: '2026-01-01T00:00:00Z' }, subject: { reference: 'Patient/p' }, code: { text: 'Asthma' }, clinicalStatus: { coding: [{ code: 'active' }] } };
  const c2: Condition = { ...resolveProblem(c1, '2026-11-02'), meta: { versionId: '2', lastUpdated: '2026-11-02T09:00:00Z' } };
  const entries = versionEntries(PROBLEM_FIELDS, [c2, c1]);
  assert.deepEqual(entries.map((e) => e.versionId), ['2', '1']);
  assert.deepEqual(entries[0]!.changes.map((c) => c.label), ['Clinical status', 'Resolved on']);
  assert.equal(entries[0]!.changes[0]!.before, 'Active');
  assert.equal(entries[0]!.changes[0]!.after, 'Resolved');
  assert.deepEqual(entries[1]!.changes.map((c) => c.label), ['Problem', 'Clinical status']);
});
