/** Building orders from the forms: validation, the FHIR resources, directions, cancelling. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import { buildLabOrder, buildMedicationOrder, cancelOrder, checkLab, checkMedication, emptyLab, emptyMedication, LOINC, RXNORM, sigText } from '../../src/clinician/orders/order-model.ts';

const ctx = { patient: 'Patient/p1', requester: 'Practitioner/doc', encounter: 'Encounter/e1', now: new Date('2026-11-26T12:00:00Z') };

it('refuses a lab order without a test', () => {
  assert.deepEqual(checkLab(emptyLab()), { test: 'Choose the test to order' });
  assert.deepEqual(checkLab({ ...emptyLab(), test: { system: LOINC, code: '4548-4' } }), {});
});

it('builds a lab ServiceRequest: active order, laboratory, LOINC, priority, reasons, requester, encounter, note', () => {
  const sr = buildLabOrder({ test: { system: LOINC, code: '4548-4', display: 'HbA1c' }, priority: 'stat', reasons: [{ reference: 'Condition/c1', display: 'Type 2 diabetes' }], noteToLab: ' fasting ' }, ctx);
  assert.equal(sr.resourceType, 'ServiceRequest');
  assert.deepEqual([sr.status, sr.intent, sr.priority], ['active', 'order', 'stat']);
  assert.deepEqual(sr.category?.[0]?.coding?.[0], { system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' });
  assert.deepEqual(sr.code?.coding?.[0], { system: LOINC, code: '4548-4', display: 'HbA1c' });
  assert.deepEqual([sr.subject.reference, sr.requester?.reference, sr.encounter?.reference, sr.authoredOn], ['Patient/p1', 'Practitioner/doc', 'Encounter/e1', '2026-11-26T12:00:00.000Z']);
  assert.equal(sr.reasonReference?.[0]?.reference, 'Condition/c1');
  assert.equal(sr.note?.[0]?.text, 'fasting');
  const bare = buildLabOrder({ ...emptyLab(), test: { system: LOINC, code: '2345-7' } }, { ...ctx, encounter: undefined } as never);
  assert.equal(bare.encounter, undefined);
  assert.equal(bare.note, undefined);
  assert.equal(bare.reasonReference, undefined);
});

it('checks a medication order: drug, dose, quantity and refills', () => {
  const e = checkMedication({ ...emptyMedication(), dose: '0', quantity: '2.5', refills: '12' });
  assert.deepEqual(Object.keys(e).sort(), ['dose', 'medication', 'quantity', 'refills']);
  assert.deepEqual(checkMedication({ ...emptyMedication(), medication: { code: '861007' } }), {});
  assert.equal(checkMedication({ ...emptyMedication(), medication: { code: '1' }, dose: 'abc' }).dose, 'Enter a dose greater than 0');
});

it('writes the directions from the structured dose', () => {
  const base = { ...emptyMedication(), medication: { code: '1' } };
  assert.equal(sigText({ ...base, frequency: 'BID' }), 'Take 1 tablet by mouth twice daily');
  assert.equal(sigText({ ...base, dose: '2', doseUnit: 'puff', route: 'inhaled', frequency: 'Q4H', asNeeded: true, asNeededFor: 'wheezing' }), 'Inhale 2 puffs by inhalation every 4 hours as needed for wheezing');
  assert.equal(sigText({ ...base, dose: '10', doseUnit: 'unit', route: 'subcutaneous', frequency: 'QHS' }), 'Inject 10 units under the skin at bedtime');
});

it('builds a MedicationRequest with dosage, timing, route, dispense, refills and substitution', () => {
  const mr = buildMedicationOrder({ ...emptyMedication(), medication: { system: RXNORM, code: '861007', display: 'metformin 500 MG' }, frequency: 'BID', quantity: '60', refills: '3', substitutionAllowed: false }, ctx);
  assert.deepEqual([mr.status, mr.intent, mr.requester?.reference, mr.subject.reference], ['active', 'order', 'Practitioner/doc', 'Patient/p1']);
  assert.deepEqual(mr.medicationCodeableConcept?.coding?.[0], { system: RXNORM, code: '861007', display: 'metformin 500 MG' });
  const d = mr.dosageInstruction![0]!;
  assert.equal(d.text, 'Take 1 tablet by mouth twice daily');
  assert.deepEqual(d.timing?.repeat, { frequency: 2, period: 1, periodUnit: 'd' });
  assert.equal(d.route?.coding?.[0]?.code, '26643006');
  assert.deepEqual(d.doseAndRate?.[0]?.doseQuantity, { value: 1, unit: 'tablet' });
  assert.deepEqual([mr.dispenseRequest?.quantity?.value, mr.dispenseRequest?.numberOfRepeatsAllowed, mr.substitution?.allowedBoolean], [60, 3, false]);
  const mg = buildMedicationOrder({ ...emptyMedication(), medication: { code: '1' }, dose: '500', doseUnit: 'mg', asNeeded: true }, ctx);
  assert.deepEqual(mg.dosageInstruction![0]!.doseAndRate?.[0]?.doseQuantity, { value: 500, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' });
  assert.equal(mg.dosageInstruction![0]!.asNeededBoolean, true);
});

it('cancels a lab order as revoked and discontinues a medication as stopped, keeping the reason', () => {
  const sr: ServiceRequest = { resourceType: 'ServiceRequest', id: 's', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' } };
  const revoked = cancelOrder(sr, ' duplicate ', 'Practitioner/doc', ctx.now);
  assert.equal(revoked.status, 'revoked');
  assert.equal(revoked.note?.at(-1)?.text, 'Cancelled: duplicate');
  const mr: MedicationRequest = { resourceType: 'MedicationRequest', id: 'm', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' } };
  const stopped = cancelOrder(mr, 'rash', 'Practitioner/doc', ctx.now);
  assert.deepEqual([stopped.status, stopped.statusReason?.text], ['stopped', 'rash']);
  assert.equal(cancelOrder({ ...mr, status: 'draft' }, 'x', 'Practitioner/doc', ctx.now).status, 'cancelled');
  assert.throws(() => cancelOrder(mr, '  ', 'Practitioner/doc', ctx.now), /reason/);
});
