/**
 * Chronic conditions: which ones a person has and since when, with prevalence depending on age,
 * sex and risk factors. Targets are diagnosed prevalence from published US figures: CDC NCHS
 * Data Brief 364 and NHANES 2017-2020 (hypertension, obesity), the CDC National Diabetes
 * Statistics Report 2020 (diagnosed diabetes 3% at 18-44, 14% at 45-64, 21-27% at 65+), CDC
 * asthma surveillance 2019 (current asthma ~7.5-8% in children and adults), BRFSS 2018 (COPD ~6%
 * of adults, rising with age and smoking), the CDC CKD Surveillance System, NIMH (depression),
 * the Framingham/ATRIA cohorts (atrial fibrillation) and CDC arthritis surveillance. Risk
 * multipliers (obesity, smoking, diabetes) are roughly centered so the marginal rates stay close
 * to the targets. It creates no FHIR resources.
 */
import type { Person } from './person.ts';
import type { Rng } from './prng.ts';
import { YEAR } from './time.ts';

export type ChronicKey = 'obesity' | 'smoker' | 'htn' | 't2dm' | 'hld' | 'asthma' | 'copd' | 'ckd' | 'depression' | 'anxiety' | 'afib' | 'cad' | 'hf' | 'oa' | 'rhinitis';

export interface Chronic {
  key: ChronicKey;
  icd: string;
  onset: number;
  /** 0..1 severity / poor control, drives vitals, labs and treatment intensity. */
  severity: number;
}

export type Profile = Map<ChronicKey, Chronic>;

/** Adult BMI from the person's z-score: a log-normal with median 23 at 18 rising to 28.5 by 40 (NHANES 2017-2020: ~40% of adults have BMI >= 30). */
export function adultBmi(p: Person, age: number): number {
  const median = 23 + 5.5 * Math.min(1, Math.max(0, (age - 18) / 22));
  return median * Math.exp(0.19 * p.bmiZ);
}

function band(age: number, table: readonly (readonly [number, number])[]): number {
  let p = 0;
  for (const [from, value] of table) if (age >= from) p = value;
  return p;
}

interface Rule {
  key: ChronicKey;
  /** Probability of having the condition by `age`, given what is already known. */
  p: (age: number, person: Person, has: (k: ChronicKey) => boolean) => number;
  /** Earliest typical onset age. */
  from: number;
  icd: (severity: number, age: number) => string;
}

const f = (p: Person, female: number, male: number): number => (p.sex === 'female' ? female : male);

const RULES: readonly Rule[] = [
  { key: 'obesity', from: 2, icd: (s) => (s > 0.8 ? 'E66.01' : 'E66.9'),
    p: (age, p) => (age < 18 ? (p.bmiZ > 0.84 ? 0.5 : 0) : adultBmi(p, age) >= 30 ? 0.7 : 0) },
  { key: 'smoker', from: 16, icd: () => 'F17.210', p: (_a, p) => (p.smoking === 'current' ? 0.85 : 0) },
  { key: 'htn', from: 12, icd: () => 'I10',
    p: (age, p, has) => band(age, [[12, 0.01], [18, 0.08], [40, 0.3], [60, 0.55], [75, 0.68]])
      * (has('obesity') ? 1.35 : 0.8) * (p.race === 'black' ? 1.3 : 1) },
  { key: 't2dm', from: 10, icd: (s) => (s > 0.6 ? 'E11.65' : 'E11.9'),
    p: (age, _p, has) => band(age, [[10, 0.002], [18, 0.035], [45, 0.14], [65, 0.22]]) * (has('obesity') ? 1.7 : 0.65) },
  { key: 'hld', from: 20, icd: (s) => (s > 0.7 ? 'E78.2' : 'E78.5'),
    p: (age, _p, has) => band(age, [[20, 0.07], [40, 0.28], [60, 0.45]]) * (has('t2dm') ? 1.5 : 0.95) },
  { key: 'asthma', from: 2, icd: (s) => (s > 0.75 ? 'J45.40' : s > 0.45 ? 'J45.30' : s > 0.2 ? 'J45.20' : 'J45.909'),
    p: (age, p) => (age < 2 ? 0 : age < 18 ? 0.08 * f(p, 0.8, 1.2) : 0.08 * f(p, 1.25, 0.75)) },
  { key: 'copd', from: 40, icd: () => 'J43.9',
    p: (age, p) => band(age, [[40, 0.05], [65, 0.11]]) * (p.smoking === 'never' ? 0.3 : 2.5) },
  { key: 'ckd', from: 45, icd: (s) => (s > 0.8 ? 'N18.4' : s > 0.45 ? 'N18.32' : 'N18.31'),
    p: (age, _p, has) => band(age, [[45, 0.03], [65, 0.1], [80, 0.2]]) * (has('t2dm') || has('htn') ? 1.8 : 0.5) },
  { key: 'depression', from: 12, icd: (s) => (s > 0.6 ? 'F33.1' : 'F32.A'),
    p: (age, p) => (age < 18 ? 0.06 : 0.09) * f(p, 1.4, 0.6) },
  { key: 'anxiety', from: 12, icd: () => 'F41.1', p: (_a, p) => 0.06 * f(p, 1.4, 0.6) },
  { key: 'afib', from: 50, icd: () => 'I48.91', p: (age) => band(age, [[50, 0.015], [65, 0.07], [80, 0.12]]) },
  { key: 'cad', from: 45, icd: () => 'I25.10',
    p: (age, p) => band(age, [[45, 0.05], [65, 0.14]]) * f(p, 0.6, 1.4) * (p.smoking === 'never' ? 0.8 : 1.5) },
  { key: 'hf', from: 55, icd: () => 'I50.9',
    p: (age, _p, has) => band(age, [[55, 0.01], [65, 0.04], [80, 0.08]]) * (has('cad') || has('htn') ? 1.6 : 0.5) },
  { key: 'oa', from: 45, icd: () => 'M17.9', p: (age, p) => band(age, [[45, 0.04], [50, 0.1], [65, 0.18]]) * f(p, 1.2, 0.8) },
  { key: 'rhinitis', from: 4, icd: () => 'J30.9', p: () => 0.08 },
];

function onsetAge(rng: Rng, rule: Rule, age: number): number {
  if (rule.key === 'asthma' && rng.chance(0.6)) return Math.min(age, 2 + rng.next() * 10);
  if (rule.key === 'obesity' && age >= 18) return Math.max(18, age - rng.next() * Math.min(20, age - 18));
  // Most chronic diagnoses in a cross-section are recent relative to age: skew toward the present.
  const span = Math.max(0, age - rule.from);
  return age - span * (1 - Math.sqrt(rng.next())) * 0.9;
}

export function sampleProfile(rng: Rng, person: Person, now: number): Profile {
  const profile: Profile = new Map();
  const has = (k: ChronicKey): boolean => profile.has(k);
  for (const rule of RULES) {
    if (person.age < rule.from) continue;
    const p = Math.min(0.95, rule.p(person.age, person, has));
    if (!rng.chance(p)) continue;
    const severity = rng.next();
    const age = onsetAge(rng, rule, person.age);
    profile.set(rule.key, { key: rule.key, icd: rule.icd(severity, age), onset: Math.min(now - YEAR / 52, person.birth + age * YEAR), severity });
  }
  return profile;
}

/** True when `key` is present and began before `at`. */
export function activeAt(profile: Profile, key: ChronicKey, at: number): boolean {
  const c = profile.get(key);
  return c !== undefined && c.onset <= at;
}
