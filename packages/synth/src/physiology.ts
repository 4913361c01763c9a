/**
 * The latent physiology behind vitals: growth (CDC 2000 growth-chart medians, simplified),
 * weight and BMI, blood pressure, heart and respiratory rate, temperature and oxygen saturation
 * at a given moment, shifted by the person's conditions (hypertension raises blood pressure even
 * when treated, obesity BMI and blood pressure, COPD lowers SpO2, infections bring fever). Values
 * are clamped to physiological limits. Lab values live in `lab-values.ts`.
 */
import { activeAt, adultBmi } from './conditions.ts';
import type { Profile } from './conditions.ts';
import type { Person } from './person.ts';
import type { Rng } from './prng.ts';
import { YEAR } from './time.ts';

type Curve = readonly (readonly [number, number])[];

const HEIGHT_M: Curve = [[0, 50], [0.5, 68], [1, 76], [2, 88], [3, 96], [4, 103], [5, 110], [6, 116], [8, 128], [10, 139], [12, 150], [14, 164], [16, 173], [18, 176]];
const HEIGHT_F: Curve = [[0, 49], [0.5, 66], [1, 74], [2, 86], [3, 95], [4, 102], [5, 109], [6, 115], [8, 127], [10, 139], [12, 152], [14, 160], [16, 162.5], [18, 163]];
const INFANT_WEIGHT_M: Curve = [[0, 3.5], [0.25, 6.2], [0.5, 7.9], [1, 9.6], [1.5, 10.9], [2, 12.2]];
const INFANT_WEIGHT_F: Curve = [[0, 3.3], [0.25, 5.7], [0.5, 7.3], [1, 8.9], [1.5, 10.2], [2, 11.5]];
const CHILD_BMI: Curve = [[2, 16.4], [4, 15.6], [6, 15.4], [8, 16], [10, 17], [12, 18.2], [14, 19.5], [16, 20.6], [18, 21.8]];
const HR: Curve = [[0, 135], [1, 118], [3, 102], [6, 90], [12, 80], [18, 73]];
const RR: Curve = [[0, 38], [1, 28], [3, 23], [6, 20], [12, 17], [18, 15]];

export function interpolate(curve: Curve, x: number): number {
  const first = curve[0] as readonly [number, number];
  if (x <= first[0]) return first[1];
  for (let i = 1; i < curve.length; i++) {
    const [x1, y1] = curve[i] as readonly [number, number];
    const [x0, y0] = curve[i - 1] as readonly [number, number];
    if (x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return (curve[curve.length - 1] as readonly [number, number])[1];
}

export interface Vitals {
  age: number;
  heightCm: number;
  weightKg: number;
  bmi?: number;
  sbp?: number;
  dbp?: number;
  hr: number;
  rr: number;
  tempC: number;
  spo2: number;
}

export interface VisitState {
  fever?: boolean;
  lowSpo2?: boolean;
  /** A flare of asthma, COPD or heart failure. */
  flare?: boolean;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

export function heightAt(p: Person, age: number): number {
  const median = interpolate(p.sex === 'male' ? HEIGHT_M : HEIGHT_F, age);
  return median * (1 + 0.04 * p.heightZ) - Math.max(0, age - 65) * 0.1;
}

export function vitalsAt(rng: Rng, p: Person, profile: Profile, t: number, state: VisitState = {}): Vitals {
  const age = (t - p.birth) / YEAR;
  const has = (k: Parameters<typeof activeAt>[1]): boolean => activeAt(profile, k, t);
  const heightCm = round(heightAt(p, age), 1);
  let weightKg: number;
  let bmi: number | undefined;
  if (age < 2) {
    weightKg = interpolate(p.sex === 'male' ? INFANT_WEIGHT_M : INFANT_WEIGHT_F, age) * (1 + 0.09 * p.bmiZ);
  } else {
    const base = age < 18 ? interpolate(CHILD_BMI, age) * Math.exp(0.13 * p.bmiZ) : adultBmi(p, age);
    bmi = clamp(base * (1 + rng.normal(0, 0.015)), 12, 70);
    weightKg = bmi * (heightCm / 100) ** 2;
  }
  weightKg = round(weightKg, 1);
  if (bmi !== undefined) bmi = round(weightKg / (heightCm / 100) ** 2, 1);
  let sbp: number | undefined;
  let dbp: number | undefined;
  if (age >= 3) {
    const htn = profile.get('htn');
    const htnLift = htn && htn.onset <= t ? 10 + 16 * htn.severity : 0;
    const base = age < 18 ? 92 + 1.3 * age : 110 + 0.45 * (age - 18) + (p.sex === 'male' ? 4 : 0);
    const lift = htnLift + (bmi !== undefined && bmi >= 30 ? 4 : 0) + (has('ckd') ? 4 : 0);
    sbp = Math.round(clamp(base + lift + p.sbpOffset + rng.normal(0, 6), 80, 220));
    const dBase = age < 18 ? 52 + 1.1 * age : 72 + 0.1 * (age - 18) - Math.max(0, age - 60) * 0.35;
    dbp = Math.round(clamp(dBase + lift * 0.45 + 0.4 * p.sbpOffset + rng.normal(0, 5), 40, Math.min(130, sbp - 15)));
  }
  const fever = state.fever === true;
  const hr = Math.round(clamp(interpolate(HR, age) + (has('afib') ? rng.normal(10, 14) : 0) + (fever ? 12 : 0) + (state.flare ? 12 : 0) + rng.normal(0, 8), 40, 180));
  const rr = Math.round(clamp(interpolate(RR, age) + (has('copd') ? 3 : 0) + (state.lowSpo2 || state.flare ? 6 : 0) + rng.normal(0, 1.5), 8, 60));
  const tempC = round(clamp(fever ? rng.normal(38.6, 0.5) : rng.normal(36.8, 0.25), 35.5, 41), 1);
  let spo2 = rng.normal(98, 1);
  if (has('copd')) spo2 = rng.normal(93, 2);
  if (state.lowSpo2 || state.flare) spo2 -= rng.normal(5, 2);
  return { age, heightCm, weightKg, bmi, sbp, dbp, hr, rr, tempC, spo2: Math.round(clamp(spo2, 80, 100)) };
}
