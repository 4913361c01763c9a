/**
 * The prescription model: the sig with a duration, the pharmacy, substitution with its reason and
 * the NCPDP dispense unit on a new order; renew, change and discontinue as the FHIR writes they
 * send (the transaction pinned to the version read); reading an order back into a draft; and the
 * transmission status from the erx-send Task.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MedicationRequest, Task } from '@medplum/fhirtypes';
import { buildMedicationOrder, checkMedication, emptyMedication, RXNORM, sigText, type MedicationDraft } from '../../src/clinician/orders/order-model.ts';
import { changeBundle, checkRenew, discontinuePrescription, draftFromOrder, lastPharmacy, renewBundle, transmission } from '../../src/clinician/prescriptions/prescription-model.ts';

const ctx = { patient: 'Patient/p1', requester: 'Practitioner/dr', now: new Date('2026-11-20T10:00:00Z') };
const draft: MedicationDraft = {
  ...emptyMedication(),
  medication: { system: RXNORM, code: '314076', display: 'lisinopril 10 MG Oral Tablet' },
  frequency: 'BID',
  quantity: '60',
  refills: '2',
  durationDays: '30',
  substitutionAllowed: false,
  substitutionReason: 'Stable on this brand',
  pharmacy: { reference: 'Organization/ph1', display: 'Main Street Pharmacy' },
};
const signed = (): MedicationRequest => ({ ...buildMedicationOrder(draft, ctx), id: 'rx1', meta: { versionId: '3' } });

it('writes the duration into the sig, the dosage bounds and the expected supply, with pharmacy and substitution reason', () => {
  assert.equal(sigText(draft), 'Take 1 tablet by mouth twice daily for 30 days');
  const mr = buildMedicationOrder(draft, ctx);
  assert.deepEqual(mr.dosageInstruction?.[0]?.timing?.repeat?.boundsDuration, { value: 30, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' });
  assert.equal(mr.dispenseRequest?.expectedSupplyDuration?.value, 30);
  assert.deepEqual(mr.dispenseRequest?.performer, { reference: 'Organization/ph1', display: 'Main Street Pharmacy' });
  assert.deepEqual(mr.dispenseRequest?.quantity, { value: 60, unit: 'tablet', system: 'http://ncithesaurus-stage.nci.nih.gov', code: 'C48542' });
  assert.deepEqual(mr.substitution, { allowedBoolean: false, reason: { text: 'Stable on this brand' } });
});

it('asks why when substitution is not allowed, and checks the days', () => {
  assert.deepEqual(Object.keys(checkMedication({ ...draft, substitutionReason: ' ', durationDays: '0' })).sort(), ['durationDays', 'substitutionReason']);
  assert.deepEqual(checkMedication({ ...draft, durationDays: '' }), {});
});

it('reads an order back into the draft it was built from', () => {
  assert.deepEqual(draftFromOrder(buildMedicationOrder(draft, ctx)), draft);
});

it('renews: same sig, fresh date, new quantity and refills, the old order completed, pinned to its version', () => {
  assert.deepEqual(Object.keys(checkRenew({ quantity: '0', refills: '12' })).sort(), ['quantity', 'refills']);
  const later = { ...ctx, now: new Date('2026-12-20T10:00:00Z') };
  const b = renewBundle(signed(), { quantity: '90', refills: '1' }, later);
  assert.equal(b.type, 'transaction');
  const [next, old] = [b.entry![0]!, b.entry![1]!];
  const mr = next.resource as MedicationRequest;
  assert.equal(next.request?.method, 'POST');
  assert.equal(mr.id, undefined);
  assert.equal(mr.priorPrescription?.reference, 'MedicationRequest/rx1');
  assert.equal(mr.authoredOn, '2026-12-20T10:00:00.000Z');
  assert.equal(mr.dosageInstruction?.[0]?.text, 'Take 1 tablet by mouth twice daily for 30 days');
  assert.equal(mr.dispenseRequest?.quantity?.value, 90);
  assert.equal(mr.dispenseRequest?.numberOfRepeatsAllowed, 1);
  assert.equal(mr.dispenseRequest?.performer?.reference, 'Organization/ph1');
  assert.deepEqual(old.request, { method: 'PUT', url: 'MedicationRequest/rx1', ifMatch: 'W/"3"' });
  assert.equal((old.resource as MedicationRequest).status, 'completed');
});

it('changes: the new order from the edited draft, the old one stopped as changed', () => {
  const b = changeBundle(signed(), { ...draft, dose: '2', frequency: 'QD' }, 'BP above target', ctx);
  const mr = b.entry![0]!.resource as MedicationRequest;
  assert.equal(mr.dosageInstruction?.[0]?.text, 'Take 2 tablets by mouth once daily for 30 days');
  assert.equal(mr.priorPrescription?.reference, 'MedicationRequest/rx1');
  const old = b.entry![1]!.resource as MedicationRequest;
  assert.equal(old.status, 'stopped');
  assert.deepEqual(old.statusReason, { coding: [{ system: 'urn:continuum:medication-status-reason', code: 'changed', display: 'Changed' }], text: 'Changed: BP above target' });
});

it('discontinues with a coded reason and a note of who and when; "other" needs words', () => {
  const now = new Date('2026-11-21T09:00:00Z');
  const mr = discontinuePrescription(signed(), 'sintol', 'cough', 'Practitioner/dr', now);
  assert.equal(mr.status, 'stopped');
  assert.deepEqual(mr.statusReason, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason', code: 'sintol', display: 'Suspected intolerance' }], text: 'Suspected intolerance: cough' });
  assert.deepEqual(mr.note?.at(-1), { authorReference: { reference: 'Practitioner/dr' }, time: '2026-11-21T09:00:00.000Z', text: 'Discontinued: Suspected intolerance: cough' });
  assert.throws(() => discontinuePrescription(signed(), 'other', ' ', 'Practitioner/dr', now), /Say why/);
  assert.equal(discontinuePrescription(signed(), 'other', 'Course finished', 'Practitioner/dr', now).statusReason?.coding, undefined);
});

it('tells where the e-prescription stands from its newest Task', () => {
  const mr = signed();
  const task = (status: Task['status'], authoredOn: string, reason?: string): Task => ({ resourceType: 'Task', status, intent: 'order', focus: { reference: 'MedicationRequest/rx1' }, authoredOn, ...(reason ? { statusReason: { text: reason } } : {}) });
  assert.equal(transmission(mr, []).label, 'No e-prescription on record');
  assert.equal(transmission({ ...mr, dispenseRequest: {} }, []).tone, 'none');
  assert.equal(transmission(mr, [task('requested', '2026-11-20T10:00:00Z')]).label, 'Ready to send to Main Street Pharmacy');
  assert.deepEqual(transmission(mr, [task('completed', '2026-11-20T10:00:00Z'), task('failed', '2026-11-19T10:00:00Z', 'old')]).tone, 'sent');
  assert.deepEqual(transmission(mr, [task('failed', '2026-11-20T10:00:00Z', 'Pharmacy not reachable')]), { label: 'Not sent to Main Street Pharmacy', tone: 'failed', detail: 'Pharmacy not reachable' });
});

it('finds the pharmacy of the latest prescription', () => {
  const a = { ...signed(), authoredOn: '2026-01-01T00:00:00Z' };
  const b = { ...signed(), authoredOn: '2026-02-01T00:00:00Z', dispenseRequest: { performer: { reference: 'Organization/ph2', display: 'Oak Park Drugs' } } };
  const c = { ...signed(), authoredOn: '2026-03-01T00:00:00Z', dispenseRequest: {} };
  assert.deepEqual(lastPharmacy([a, b, c]), { reference: 'Organization/ph2', display: 'Oak Park Drugs' });
  assert.equal(lastPharmacy([c]), undefined);
});
