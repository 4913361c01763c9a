/**
 * Population realism over 1,500 synthetic patients, with ranges set from published figures (and
 * wide enough for sampling noise), not from the generator's output:
 * - age and sex: US Census 2020 (22% under 18, 17% 65+, median age 38.8, 50.5% female);
 * - hypertension (diagnosed): NCHS Data Brief 364 / NHANES 2017-18 — low under 40, ~1/3 at
 *   40-59, well over half at 60+;
 * - diabetes (diagnosed): CDC National Diabetes Statistics Report 2020 — 3% at 18-44, 14% at
 *   45-64, 21% at 65+;
 * - current asthma in children: CDC 2019, ~7.5%;
 * - adult obesity (BMI >= 30): NHANES 2017-2020, 41.9%;
 * - immunization: CDC NIS-Child (over 90% for most early-childhood series), FluVaxView 2022-23
 *   (about 70% of 65+ vaccinated each season).
 * Physiological limits and condition-consistency checks (diabetics' A1c, hypertensives' SBP,
 * CKD's eGFR, COPD's SpO2) and prescription-to-problem fit complete the picture.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { patientBundles } from '../src/index.ts';
import { hasPrefix, mean, summarize, values } from './fixtures.ts';
import type { PatientSummary } from './fixtures.ts';

const people: PatientSummary[] = [];
before(() => {
  for (const b of patientBundles({ seed: 'realism', patients: 1500 })) people.push(summarize(b));
});

const inBand = (lo: number, hi: number) => (p: PatientSummary): boolean => p.age >= lo && p.age < hi;
function prevalence(filter: (p: PatientSummary) => boolean, has: (p: PatientSummary) => boolean): number {
  const group = people.filter(filter);
  return group.filter(has).length / group.length;
}
function within(value: number, lo: number, hi: number, what: string): void {
  assert.ok(value >= lo && value <= hi, `${what}: ${value.toFixed(3)} not in [${lo}, ${hi}]`);
}

describe('demographics', () => {
  it('follows a US-like age pyramid and sex ratio', () => {
    within(prevalence(() => true, inBand(0, 18)), 0.17, 0.28, 'share under 18');
    within(prevalence(() => true, inBand(65, 200)), 0.12, 0.23, 'share 65+');
    const ages = people.map((p) => p.age).sort((a, b) => a - b);
    within(ages[Math.floor(ages.length / 2)] ?? 0, 33, 45, 'median age');
    within(prevalence(() => true, (p) => p.patient.gender === 'female'), 0.45, 0.56, 'female share');
    within(prevalence(() => true, (p) => JSON.stringify(p.patient.extension).includes('2135-2')), 0.13, 0.25, 'Hispanic share');
    within(prevalence(() => true, (p) => p.patient.communication?.[0]?.language.coding?.[0]?.code === 'es'), 0.03, 0.15, 'Spanish preferred');
  });
});

describe('condition prevalence', () => {
  const htn = (p: PatientSummary): boolean => p.problems.has('I10');
  const dm = (p: PatientSummary): boolean => hasPrefix(p.problems, 'E11');
  it('hypertension rises with age', () => {
    within(prevalence(inBand(18, 40), htn), 0.03, 0.18, 'HTN 18-39');
    within(prevalence(inBand(40, 60), htn), 0.2, 0.5, 'HTN 40-59');
    within(prevalence(inBand(60, 200), htn), 0.4, 0.8, 'HTN 60+');
  });
  it('type 2 diabetes rises with age', () => {
    const young = prevalence(inBand(18, 45), dm);
    const middle = prevalence(inBand(45, 65), dm);
    const old = prevalence(inBand(65, 200), dm);
    within(young, 0.01, 0.08, 'T2DM 18-44');
    within(middle, 0.07, 0.24, 'T2DM 45-64');
    within(old, 0.13, 0.35, 'T2DM 65+');
    assert.ok(young < middle && middle < old);
  });
  it('asthma is present in children; COPD and CKD only in adults', () => {
    within(prevalence(inBand(2, 18), (p) => hasPrefix(p.problems, 'J45')), 0.04, 0.14, 'childhood asthma');
    assert.equal(prevalence(inBand(0, 30), (p) => p.problems.has('J43.9') || hasPrefix(p.problems, 'N18')), 0);
  });
  it('about two in five adults have a BMI of 30 or more at their last measurement', () => {
    const bmiObese = (p: PatientSummary): boolean => (values(p.observations, '39156-5').at(-1) ?? 0) >= 30;
    within(prevalence((p) => p.age >= 20 && values(p.observations, '39156-5').length > 0, bmiObese), 0.3, 0.52, 'adult obesity');
  });
});

describe('vitals and labs', () => {
  const limits: [string, number, number][] = [
    ['8480-6', 80, 220], ['8462-4', 40, 130], ['8867-4', 40, 180], ['9279-1', 8, 60], ['59408-5', 80, 100], ['8310-5', 35, 41.5],
    ['39156-5', 10, 70], ['8302-2', 40, 210], ['29463-7', 1.5, 250], ['4548-4', 4, 14], ['98979-8', 5, 150], ['2160-0', 0.3, 12],
    ['2345-7', 40, 500], ['2823-3', 2.5, 6.5], ['2951-2', 120, 155], ['18262-6', 20, 300], ['2085-9', 15, 120], ['718-7', 6, 20],
  ];
  it('stay within physiological limits', () => {
    for (const [code, lo, hi] of limits) {
      const all = people.flatMap((p) => values(p.observations, code));
      assert.ok(all.length > 50, `few values for ${code}`);
      for (const v of all) assert.ok(v >= lo && v <= hi, `${code} = ${v}`);
    }
  });
  it('are consistent with conditions', () => {
    const a1c = (f: (p: PatientSummary) => boolean): number => mean(people.filter(f).flatMap((p) => values(p.observations, '4548-4')));
    const dm = (p: PatientSummary): boolean => hasPrefix(p.problems, 'E11');
    assert.ok(a1c(dm) > 6.5 && a1c(dm) - a1c((p) => !dm(p)) > 1, 'diabetics have higher A1c');
    const sbp = (f: (p: PatientSummary) => boolean): number => mean(people.filter((p) => p.age >= 40 && f(p)).flatMap((p) => values(p.observations, '8480-6').slice(-3)));
    assert.ok(sbp((p) => p.problems.has('I10')) - sbp((p) => !p.problems.has('I10')) > 5, 'hypertensives have higher SBP');
    const egfr = (f: (p: PatientSummary) => boolean): number => mean(people.filter(f).flatMap((p) => values(p.observations, '98979-8').slice(-1)));
    const ckd = (p: PatientSummary): boolean => hasPrefix(p.problems, 'N18');
    assert.ok(egfr(ckd) < 60 && egfr((p) => !ckd(p)) > 60, 'CKD lowers eGFR');
    const spo2 = (f: (p: PatientSummary) => boolean): number => mean(people.filter(f).flatMap((p) => values(p.observations, '59408-5')));
    assert.ok(spo2((p) => p.problems.has('J43.9')) < spo2((p) => p.age >= 40 && !p.problems.has('J43.9')) - 2, 'COPD lowers SpO2');
  });
});

/** Which problems each drug ingredient may treat (ICD-10-CM prefixes), from usual indications. */
const INDICATIONS: [RegExp, string[]][] = [
  [/lisinopril|losartan|amlodipine|hydrochlorothiazide/, ['I10']], [/metformin|glipizide|empagliflozin|insulin/, ['E11']],
  [/statin/, ['E78', 'I25']], [/aspirin/, ['I25']], [/metoprolol/, ['I25', 'I48']], [/warfarin|apixaban/, ['I48']],
  [/carvedilol/, ['I50']], [/furosemide/, ['I50', 'N18']], [/albuterol|fluticasone|prednisone/, ['J45', 'J43']],
  [/sertraline|escitalopram|fluoxetine|duloxetine/, ['F32', 'F33', 'F41']], [/tramadol/, ['M17']], [/varenicline|nicotine/, ['F17']],
  [/semaglutide/, ['E66']], [/amoxicillin|azithromycin|clarithromycin|cephalexin|nitrofurantoin|sulfamethoxazole/, ['J02.0', 'H66', 'J01', 'N39', 'J18', 'L03']],
];

describe('medications and immunizations', () => {
  it('every prescription treats a condition of that patient', () => {
    let n = 0;
    for (const p of people) {
      for (const m of p.meds) {
        n++;
        const name = m.medicationCodeableConcept?.coding?.[0]?.display ?? '';
        const reason = p.conditionsById.get(m.reasonReference?.[0]?.reference?.split('/')[1] ?? '');
        const icd = reason?.code?.coding?.[0]?.code ?? '';
        const allowed = INDICATIONS.find(([re]) => re.test(name))?.[1];
        assert.ok(allowed, `no indication known for ${name}`);
        assert.ok(allowed.some((a) => icd.startsWith(a)), `${name} for ${icd}`);
      }
    }
    assert.ok(n > 1000);
  });

  it('includes a few real interacting pairs among active prescriptions', () => {
    const pairs: [RegExp, RegExp][] = [[/simvastatin/, /clarithromycin/], [/warfarin/, /aspirin/], [/sertraline/, /tramadol/]];
    const found = pairs.map(([a, b]) => people.filter((p) => {
      const active = p.meds.filter((m) => m.status === 'active').map((m) => m.medicationCodeableConcept?.coding?.[0]?.display ?? '');
      return active.some((x) => a.test(x)) && active.some((x) => b.test(x));
    }).length);
    assert.ok(found.filter((n) => n > 0).length >= 2 && found.reduce((a, b) => a + b, 0) >= 3, `pairs found: ${found.join(', ')}`);
  });

  it('follows the childhood schedule with gaps, and vaccinates most seniors against flu', () => {
    const done = (p: PatientSummary): string[] => p.immunizations.filter((i) => i.status === 'completed').map((i) => i.vaccineCode.coding?.[0]?.code ?? '');
    const flu = new Set(['140', '150', '135', '197']);
    const toddlers = people.filter(inBand(2, 6)).map((p) => done(p).filter((c) => !flu.has(c)).length).sort((a, b) => a - b);
    within(toddlers[Math.floor(toddlers.length / 2)] ?? 0, 15, 25, 'median routine doses at 2-5');
    within(toddlers.filter((n) => n >= 10).length / toddlers.length, 0.85, 1, 'toddlers with >= 10 doses');
    assert.ok(toddlers.some((n) => n < 19), 'some gaps');
    const seniors = people.filter(inBand(66, 200)).map((p) => done(p).filter((c) => flu.has(c)).length);
    within(mean(seniors), 2.5, 5.5, 'flu shots per senior over 6 seasons');
    within(seniors.filter((n) => n >= 3).length / seniors.length, 0.5, 0.95, 'seniors with >= 3 flu shots');
    const adults = people.filter(inBand(19, 50)).map((p) => done(p).filter((c) => flu.has(c)).length);
    assert.ok(mean(adults) < mean(seniors), 'younger adults vaccinated less');
  });
});
