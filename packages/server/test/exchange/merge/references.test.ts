/** Rewriting references from one Patient to another and back (pure: no server). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { namesPatient, restoreReferences, rewriteReferences } from '../../../src/exchange/merge/references.ts';

const encounter = {
  resourceType: 'Encounter',
  subject: { reference: 'Patient/src' },
  participant: [{ individual: { reference: 'Practitioner/src' } }],
  extension: [{ url: 'x', valueReference: { reference: 'https://ehr.example/fhir/Patient/src/_history/3', display: 'R. Quill' } }],
  reasonReference: [{ reference: 'Condition/c1' }, { reference: 'Patient/srcx' }],
};

it('knows which reference texts name a patient', () => {
  assert.ok(namesPatient('Patient/src', 'src'));
  assert.ok(namesPatient('http://a/fhir/Patient/src', 'src'));
  assert.ok(namesPatient('Patient/src/_history/2', 'src'));
  assert.ok(!namesPatient('Patient/srcx', 'src'));
  assert.ok(!namesPatient('Practitioner/src', 'src'));
  assert.ok(!namesPatient('#src', 'src'));
});

it('rewrites every reference to the patient, and only those, recording where and what they were', () => {
  const { resource, refs } = rewriteReferences(encounter, 'src', 'tgt');
  assert.equal(resource.subject.reference, 'Patient/tgt');
  assert.equal(resource.extension[0]!.valueReference.reference, 'Patient/tgt');
  assert.equal(resource.extension[0]!.valueReference.display, 'R. Quill', 'display kept');
  assert.equal(resource.participant[0]!.individual.reference, 'Practitioner/src');
  assert.equal(resource.reasonReference[1]!.reference, 'Patient/srcx');
  assert.deepEqual(refs, [
    { path: ['subject'], was: 'Patient/src' },
    { path: ['extension', 0, 'valueReference'], was: 'https://ehr.example/fhir/Patient/src/_history/3' },
  ]);
  assert.equal(encounter.subject.reference, 'Patient/src', 'the input is not changed');
});

it('restores exactly the recorded references, leaving one edited since', () => {
  const { resource, refs } = rewriteReferences(encounter, 'src', 'tgt');
  const edited = structuredClone(resource);
  edited.subject.reference = 'Patient/someone-else';
  const back = restoreReferences(edited, refs, 'tgt');
  assert.equal(back.restored, 1);
  assert.equal(back.resource.subject.reference, 'Patient/someone-else');
  assert.equal(back.resource.extension[0]!.valueReference.reference, 'https://ehr.example/fhir/Patient/src/_history/3');
  assert.deepEqual(restoreReferences(resource, refs, 'tgt').resource, encounter);
});
