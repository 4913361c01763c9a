/**
 * Dose-range checks: the ordered dose in mg worked out from mg, tablets × strength, or mL ×
 * concentration; the daily dose from the timing (frequency per period, or a code such as TID);
 * adult maxima, the older-adult limit of citalopram, and children by weight (mg/kg, capped at the
 * adult maximum or the label's ceiling), with age taken from the birth date at `now`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Dosage, Patient } from '@medplum/fhirtypes';
import type { OrderCheckInput } from '../../src/medications/check-types.ts';
import { runOrderChecks } from '../../src/medications/checks.ts';
import { ageInYears } from '../../src/medications/dose.ts';
import { input, NOW, order } from './fixtures.ts';

const dose = (value: number, unit: string, timing?: Dosage['timing'], route?: string): Dosage[] => [
  { doseAndRate: [{ doseQuantity: { value, unit } }], ...(timing ? { timing } : {}), ...(route ? { route: { text: route } } : {}) },
];
const every = (hours: number): Dosage['timing'] => ({ repeat: { frequency: 1, period: hours, periodUnit: 'h' } });
const perDay = (n: number): Dosage['timing'] => ({ repeat: { frequency: n, period: 1, periodUnit: 'd' } });
const born = (birthDate: string): Patient => ({ resourceType: 'Patient', id: 'p1', birthDate });

function doseChecks(o: ReturnType<typeof order>, over: Partial<OrderCheckInput> = {}) {
  return runOrderChecks(input({ drafts: [{ ...o, status: 'draft' }], ...over })).filter((f) => f.kind === 'dose-single' || f.kind === 'dose-daily');
}

describe('adult dose limits', () => {
  it('flags acetaminophen 1300 mg every 4 hours: above both the 1000 mg dose and the 4000 mg day', () => {
    const f = doseChecks(order({ text: 'acetaminophen', dose: dose(1300, 'mg', every(4)) }));
    assert.deepEqual(f.map((x) => x.kind).sort(), ['dose-daily', 'dose-single']);
    const daily = f.find((x) => x.kind === 'dose-daily')!;
    assert.equal(daily.severity, 'high');
    assert.match(daily.summary, /7800 mg a day is above the maximum of 4000 mg/);
    assert.match(daily.detail, /adult maximum \(age 56\)/);
    assert.ok(daily.references[0]!.label.includes('FDA label'));
  });

  it('works out tablets × strength: metformin 1000 mg tablets, 2 twice daily = 4000 mg/day > 2550', () => {
    const f = doseChecks(order({ code: '861004', dose: dose(2, 'tablet', { code: { coding: [{ code: 'BID' }] } }) }));
    assert.deepEqual(f.map((x) => x.kind), ['dose-daily'], '2000 mg per dose is the extended-release maximum, not above it');
    assert.match(f[0]!.detail, /2 tablet × 1000 mg/);
  });

  it('flags sertraline 3 × 100 mg once daily above 200 mg', () => {
    const f = doseChecks(order({ code: '312938', dose: dose(3, 'TAB', perDay(1)) }));
    assert.deepEqual(f.map((x) => x.kind).sort(), ['dose-daily', 'dose-single']);
  });

  it('accepts usual doses', () => {
    assert.deepEqual(doseChecks(order({ code: '617311', dose: dose(1, 'tablet', perDay(1)) })), [], 'atorvastatin 40 mg daily');
    assert.deepEqual(doseChecks(order({ text: 'ibuprofen', dose: dose(800, 'mg', { code: { coding: [{ code: 'TID' }] } }) })), [], 'ibuprofen 800 mg three times a day');
    assert.deepEqual(doseChecks(order({ text: 'amoxicillin 500 mg capsule', dose: dose(500, 'mg', every(8)) })), []);
  });

  it('checks only the single dose when the timing does not say how often', () => {
    const f = doseChecks(order({ text: 'ibuprofen', dose: dose(1200, 'mg') }));
    assert.deepEqual(f.map((x) => x.kind), ['dose-single']);
  });

  it('converts grams and applies oral-only limits only to oral products', () => {
    const oral = doseChecks(order({ code: '309309', dose: dose(1, 'g', every(12)) }));
    assert.deepEqual(oral.map((x) => x.summary).sort(), ['Ciprofloxacin 1000 mg per dose is above the maximum of 750 mg', 'Ciprofloxacin 2000 mg a day is above the maximum of 1500 mg a day']);
    assert.deepEqual(doseChecks(order({ code: '1665210', dose: dose(800, 'mg', every(12)) })), [], 'intravenous ciprofloxacin is not held to the oral limit');
  });

  it('uses the older-adult limit: citalopram 40 mg at 70 years is above 20 mg', () => {
    const f = doseChecks(order({ code: '309314', dose: dose(1, 'tablet', perDay(1)) }), { patient: born('1956-01-15') });
    assert.equal(f.length, 2);
    assert.match(f[0]!.detail, /age 70/);
    assert.deepEqual(doseChecks(order({ code: '309314', dose: dose(1, 'tablet', perDay(1)) })), [], 'at 56 years 40 mg is allowed');
  });
});

describe('children by weight', () => {
  it('amoxicillin 80 mg/mL, 10 mL three times a day for a 20 kg 5-year-old: 2400 mg/day > 90 mg/kg/day (1800 mg)', () => {
    const f = doseChecks(order({ code: '308189', dose: dose(10, 'mL', perDay(3)) }), { patient: born('2021-03-01'), weight: { kg: 20, date: '2026-11-01' } });
    assert.deepEqual(f.map((x) => x.kind), ['dose-daily'], '800 mg per dose is under 45 mg/kg (900 mg)');
    assert.match(f[0]!.summary, /2400 mg a day is above the maximum of 1800 mg a day/);
    assert.match(f[0]!.detail, /age 5, weight 20 kg/);
    assert.match(f[0]!.detail, /10 mL × 80 mg\/mL/);
  });

  it('caps the weight-based limit at the label ceiling: lisinopril 45 mg for an 80 kg 14-year-old (0.61 mg/kg = 48.8, ceiling 40)', () => {
    const f = doseChecks(order({ text: 'lisinopril', dose: dose(45, 'mg', perDay(1)) }), { patient: born('2012-06-01'), weight: { kg: 80, date: '2026-11-01' } });
    assert.equal(f.length, 2);
    assert.match(f[0]!.summary, /maximum of 40 mg/);
  });

  it('acetaminophen 15 mg/kg per dose: 300 mg is fine for 25 kg, too much for 15 kg', () => {
    const child = { patient: born('2019-01-01') };
    assert.deepEqual(doseChecks(order({ text: 'acetaminophen', dose: dose(300, 'mg', every(6)) }), { ...child, weight: { kg: 25, date: '2026-11-20' } }), []);
    const f = doseChecks(order({ text: 'acetaminophen', dose: dose(300, 'mg', every(6)) }), { ...child, weight: { kg: 15, date: '2026-11-20' } });
    assert.deepEqual(f.map((x) => x.kind).sort(), ['dose-daily', 'dose-single']);
    assert.match(f.find((x) => x.kind === 'dose-single')!.summary, /maximum of 225 mg/);
  });

  it('falls back to the adult maximum when a child has no recorded weight, and says so', () => {
    const f = doseChecks(order({ text: 'acetaminophen', dose: dose(1500, 'mg') }), { patient: born('2019-01-01') });
    assert.equal(f.length, 1);
    assert.match(f[0]!.detail, /weight unknown/);
  });
});

describe('age', () => {
  it('counts whole years at now', () => {
    assert.equal(ageInYears(born('1970-11-27'), NOW), 56);
    assert.equal(ageInYears(born('1970-11-28'), NOW), 55);
    assert.equal(ageInYears(born('2026'), NOW), 0);
    assert.equal(ageInYears({ resourceType: 'Patient' }, NOW), undefined);
  });
});
