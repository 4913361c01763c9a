/** The vitals form: plausible-range checks with their messages, and the Observations it records. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bmi, EMPTY_VITALS, validateVitals, vitalsBundle, vitalsObservations, type VitalsForm } from '../../../src/clinician/vitals/vitals-form.ts';

const form = (values: Partial<VitalsForm['values']>, units: Partial<Omit<VitalsForm, 'values'>> = {}): VitalsForm => ({ ...EMPTY_VITALS, ...units, values: { ...EMPTY_VITALS.values, ...values } });
const ctx = { patientId: 'pat1', encounterId: 'enc1', performer: { reference: 'Practitioner/p1', display: 'Dr Ada Lee' }, now: new Date('2026-11-26T10:00:00.000Z') };

describe('vitals validation', () => {
  it('accepts a full, plausible set', () => {
    assert.deepEqual(validateVitals(form({ systolic: '128', diastolic: '82', heartRate: '72', respRate: '16', temperature: '37.2', spo2: '98', weight: '70.5', height: '175' })), {});
  });

  it('says what is wrong with each field', () => {
    const errors = validateVitals(form({ systolic: '400', diastolic: '8o', heartRate: '72.5', temperature: '98.6', spo2: '101' }));
    assert.equal(errors.systolic, 'Systolic pressure must be between 40 and 300 mmHg');
    assert.equal(errors.diastolic, 'Diastolic pressure must be a number');
    assert.equal(errors.heartRate, 'Heart rate must be a whole number');
    assert.equal(errors.temperature, 'Temperature must be between 25 and 45 °C', '98.6 is Fahrenheit: the unit is °C');
    assert.equal(errors.spo2, 'Oxygen saturation must be between 50 and 100 %');
    assert.deepEqual(validateVitals(form({ temperature: '98.6' }, { tempUnit: 'F' })), {});
  });

  it('wants both pressures, diastolic below systolic, and at least one value', () => {
    assert.equal(validateVitals(form({ systolic: '120' })).diastolic, 'Enter the diastolic pressure too');
    assert.equal(validateVitals(form({ diastolic: '80' })).systolic, 'Enter the systolic pressure too');
    assert.equal(validateVitals(form({ systolic: '80', diastolic: '90' })).diastolic, 'Diastolic pressure must be lower than systolic');
    assert.equal(validateVitals(form({})).form, 'Enter at least one vital sign');
  });
});

describe('vitals as Observations', () => {
  it('records each value with its LOINC code, UCUM unit, encounter, performer and time', () => {
    const obs = vitalsObservations(form({ systolic: '128', diastolic: '82', heartRate: '72', respRate: '16', temperature: '37.2', spo2: '98', weight: '70', height: '175' }), ctx);
    const byCode = new Map(obs.map((o) => [o.code.coding?.[0]?.code, o]));
    assert.deepEqual([...byCode.keys()], ['85354-9', '8867-4', '9279-1', '8310-5', '2708-6', '29463-7', '8302-2', '39156-5']);
    const bp = byCode.get('85354-9')!;
    assert.equal(bp.valueQuantity, undefined);
    assert.deepEqual(bp.component?.map((c) => [c.code.coding?.[0]?.code, c.valueQuantity?.value, c.valueQuantity?.code, c.valueQuantity?.system]), [
      ['8480-6', 128, 'mm[Hg]', 'http://unitsofmeasure.org'],
      ['8462-4', 82, 'mm[Hg]', 'http://unitsofmeasure.org'],
    ]);
    assert.deepEqual(byCode.get('2708-6')!.code.coding?.map((c) => c.code), ['2708-6', '59408-5'], 'pulse oximetry carries both codes');
    const q = (code: string) => [byCode.get(code)!.valueQuantity?.value, byCode.get(code)!.valueQuantity?.code];
    assert.deepEqual(q('8867-4'), [72, '/min']);
    assert.deepEqual(q('9279-1'), [16, '/min']);
    assert.deepEqual(q('8310-5'), [37.2, 'Cel']);
    assert.deepEqual(q('2708-6'), [98, '%']);
    assert.deepEqual(q('29463-7'), [70, 'kg']);
    assert.deepEqual(q('8302-2'), [175, 'cm']);
    assert.deepEqual(q('39156-5'), [22.9, 'kg/m2'], '70 / 1.75² = 22.857…');
    for (const o of obs) {
      assert.equal(o.status, 'final');
      assert.equal(o.category?.[0]?.coding?.[0]?.code, 'vital-signs');
      assert.deepEqual(o.subject, { reference: 'Patient/pat1' });
      assert.deepEqual(o.encounter, { reference: 'Encounter/enc1' });
      assert.equal(o.effectiveDateTime, '2026-11-26T10:00:00.000Z');
      assert.deepEqual(o.performer, [ctx.performer]);
      assert.match(o.meta?.profile?.[0] ?? '', /^http:\/\/hl7\.org\/fhir\/us\/core\/StructureDefinition\/us-core-/);
    }
  });

  it('stores °F, lb and in as °C, kg and cm, and computes BMI from them', () => {
    const obs = vitalsObservations(form({ temperature: '98.6', weight: '154', height: '69' }, { tempUnit: 'F', weightUnit: 'lb', heightUnit: 'in' }), ctx);
    const v = (code: string) => obs.find((o) => o.code.coding?.[0]?.code === code)?.valueQuantity;
    assert.deepEqual([v('8310-5')?.value, v('8310-5')?.code], [37, 'Cel']);
    assert.deepEqual([v('29463-7')?.value, v('29463-7')?.code], [69.9, 'kg']);
    assert.deepEqual([v('8302-2')?.value, v('8302-2')?.code], [175.3, 'cm']);
    assert.equal(v('39156-5')?.value, 22.7);
    assert.equal(bmi(undefined, 170), undefined);
  });

  it('leaves out what was not measured, and saves all in one transaction', () => {
    const obs = vitalsObservations(form({ heartRate: '60' }), ctx);
    assert.deepEqual(obs.map((o) => o.code.coding?.[0]?.code), ['8867-4']);
    const bundle = vitalsBundle(obs);
    assert.equal(bundle.type, 'transaction');
    assert.deepEqual(bundle.entry?.map((e) => e.request), [{ method: 'POST', url: 'Observation' }]);
  });
});

describe('when the vitals were taken', () => {
  const now = new Date('2026-11-26T10:00:00.000Z');
  it('is when they are saved, unless a time is typed', () => {
    const at = (takenAt: string) => vitalsObservations({ ...form({ heartRate: '60' }), takenAt }, { ...ctx, now })[0]!.effectiveDateTime;
    assert.equal(at(''), '2026-11-26T10:00:00.000Z');
    assert.equal(at('2026-11-26T08:30'), new Date('2026-11-26T08:30').toISOString(), 'a local time');
  });

  it('cannot be in the future or more than a week ago', () => {
    const check = (takenAt: string) => validateVitals({ ...form({ heartRate: '60' }), takenAt }, now).takenAt;
    assert.equal(check(''), undefined);
    assert.equal(check(localMinutes(new Date(now.getTime() - 3600_000))), undefined);
    assert.equal(check(localMinutes(new Date(now.getTime() + 3600_000))), 'The time taken cannot be in the future');
    assert.equal(check(localMinutes(new Date(now.getTime() - 8 * 24 * 3600_000))), 'The time taken must be within the last 7 days');
  });
});

/** A time as a datetime-local input gives it. */
function localMinutes(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
