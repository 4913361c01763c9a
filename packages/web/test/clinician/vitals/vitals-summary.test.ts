/** An encounter's vitals as one line of note text. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EMPTY_VITALS, vitalsObservations } from '../../../src/clinician/vitals/vitals-form.ts';
import { vitalsLine } from '../../../src/clinician/vitals/vitals-summary.ts';

const ctx = (iso: string) => ({ patientId: 'p', encounterId: 'e', performer: { reference: 'Practitioner/x' }, now: new Date(iso) });

it('writes the newest value of each vital sign, in the usual order, with units as people write them', () => {
  const older = vitalsObservations({ ...EMPTY_VITALS, values: { ...EMPTY_VITALS.values, heartRate: '90', systolic: '150', diastolic: '95' } }, ctx('2026-11-26T09:00:00Z'));
  const newer = vitalsObservations({ ...EMPTY_VITALS, values: { ...EMPTY_VITALS.values, systolic: '130', diastolic: '84', heartRate: '76', respRate: '16', temperature: '38', spo2: '97', weight: '72.5', height: '170' } }, ctx('2026-11-26T10:00:00Z'));
  assert.equal(vitalsLine([...older, ...newer]), 'Vitals: BP 130/84 mmHg · HR 76 /min · RR 16 /min · T 38 °C · SpO2 97 % · Wt 72.5 kg · Ht 170 cm · BMI 25.1 kg/m²');
  assert.equal(vitalsLine([]), undefined);
});
