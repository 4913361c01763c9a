/**
 * Latent laboratory values at a moment, consistent with the person's conditions: diabetics have
 * high A1c (higher when poorly controlled), people with CKD a low eGFR with the creatinine that
 * the CKD-EPI 2021 equation implies, hyperlipidemia high LDL until a statin lowers it, infections
 * a raised white count. Reference intervals are typical adult ranges from large US reference
 * labs. It returns numbers only; `labs.ts` makes the FHIR.
 */
import { activeAt } from './conditions.ts';
import type { Profile } from './conditions.ts';
import type { Person } from './person.ts';
import type { Rng } from './prng.ts';
import { YEAR } from './time.ts';

export type Analyte = 'a1c' | 'glucose' | 'bun' | 'creatinine' | 'sodium' | 'potassium' | 'chloride' | 'co2' | 'calcium' | 'egfr'
  | 'albumin' | 'bilirubin' | 'ast' | 'alt' | 'cholesterol' | 'hdl' | 'ldl' | 'triglycerides' | 'wbc' | 'hgb' | 'hct' | 'plt' | 'tsh' | 'uacr';

export interface AnalyteDef {
  loinc: string;
  unit: string;
  digits: number;
  low?: number | ((female: boolean) => number);
  high?: number | ((female: boolean) => number);
}

export const ANALYTES: Record<Analyte, AnalyteDef> = {
  a1c: { loinc: '4548-4', unit: '%', digits: 1, low: 4, high: 5.6 },
  glucose: { loinc: '2345-7', unit: 'mg/dL', digits: 0, low: 70, high: 99 },
  bun: { loinc: '3094-0', unit: 'mg/dL', digits: 0, low: 6, high: 24 },
  creatinine: { loinc: '2160-0', unit: 'mg/dL', digits: 2, low: (f) => (f ? 0.59 : 0.74), high: (f) => (f ? 1.04 : 1.35) },
  sodium: { loinc: '2951-2', unit: 'mmol/L', digits: 0, low: 135, high: 145 },
  potassium: { loinc: '2823-3', unit: 'mmol/L', digits: 1, low: 3.5, high: 5.1 },
  chloride: { loinc: '2075-0', unit: 'mmol/L', digits: 0, low: 98, high: 107 },
  co2: { loinc: '2028-9', unit: 'mmol/L', digits: 0, low: 22, high: 29 },
  calcium: { loinc: '17861-6', unit: 'mg/dL', digits: 1, low: 8.6, high: 10.3 },
  egfr: { loinc: '98979-8', unit: 'mL/min/{1.73_m2}', digits: 0, low: 60 },
  albumin: { loinc: '1751-7', unit: 'g/dL', digits: 1, low: 3.5, high: 5 },
  bilirubin: { loinc: '1975-2', unit: 'mg/dL', digits: 1, low: 0.1, high: 1.2 },
  ast: { loinc: '1920-8', unit: 'U/L', digits: 0, low: 8, high: 40 },
  alt: { loinc: '1742-6', unit: 'U/L', digits: 0, low: 7, high: 56 },
  cholesterol: { loinc: '2093-3', unit: 'mg/dL', digits: 0, high: 199 },
  hdl: { loinc: '2085-9', unit: 'mg/dL', digits: 0, low: (f) => (f ? 50 : 40) },
  ldl: { loinc: '18262-6', unit: 'mg/dL', digits: 0, high: 99 },
  triglycerides: { loinc: '2571-8', unit: 'mg/dL', digits: 0, high: 149 },
  wbc: { loinc: '6690-2', unit: '10*3/uL', digits: 1, low: 4.5, high: 11 },
  hgb: { loinc: '718-7', unit: 'g/dL', digits: 1, low: (f) => (f ? 11.6 : 13.2), high: (f) => (f ? 15 : 16.6) },
  hct: { loinc: '4544-3', unit: '%', digits: 1, low: (f) => (f ? 35.5 : 38.3), high: (f) => (f ? 44.9 : 48.6) },
  plt: { loinc: '777-3', unit: '10*3/uL', digits: 0, low: 150, high: 450 },
  tsh: { loinc: '3016-3', unit: 'm[IU]/L', digits: 2, low: 0.45, high: 4.5 },
  uacr: { loinc: '9318-7', unit: 'mg/g', digits: 0, high: 29 },
};

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Serum creatinine that gives `egfr` under CKD-EPI 2021 (race-free). */
export function creatinineFor(egfr: number, age: number, female: boolean): number {
  const kappa = female ? 0.7 : 0.9;
  const alpha = female ? -0.241 : -0.302;
  const base = 142 * 0.9938 ** age * (female ? 1.012 : 1);
  const ratio = egfr >= base ? (egfr / base) ** (1 / alpha) : (egfr / base) ** (-1 / 1.2);
  return kappa * ratio;
}

export function labValuesAt(rng: Rng, p: Person, profile: Profile, t: number, infection: boolean): Record<Analyte, number> {
  const age = (t - p.birth) / YEAR;
  const female = p.sex === 'female';
  const has = (k: Parameters<typeof activeAt>[1]): boolean => activeAt(profile, k, t);
  const dm = profile.get('t2dm');
  let a1c = rng.normal(5.3, 0.3) + (has('obesity') ? 0.2 : 0);
  if (dm && dm.onset <= t) a1c = rng.normal(6.3 + 3.6 * dm.severity, 0.4);
  else if (dm && dm.onset - t < 3 * YEAR) a1c = rng.normal(5.9, 0.2);
  a1c = clamp(a1c, 4, 14);
  const ckd = profile.get('ckd');
  let egfr = clamp(118 - 0.85 * Math.max(0, age - 25) + rng.normal(0, 8), 62, 130);
  if (ckd && ckd.onset <= t) egfr = ckd.severity > 0.8 ? 15 + 14 * rng.next() : ckd.severity > 0.45 ? 30 + 14 * rng.next() : 45 + 14 * rng.next();
  const hld = profile.get('hld');
  let ldl = rng.normal(105 + 0.4 * Math.max(0, age - 20), 22);
  if (hld && hld.onset <= t) ldl = rng.normal(92 + 45 * hld.severity, 15);
  else if (hld && hld.onset - t < 5 * YEAR) ldl = rng.normal(160, 20);
  ldl = clamp(ldl, 30, 300);
  const hdl = clamp(rng.normal(female ? 60 : 50, 11) - (has('obesity') ? 6 : 0), 20, 110);
  const tg = clamp(rng.normal(115 + (has('obesity') ? 45 : 0) + (has('t2dm') ? 45 : 0), 40), 35, 900);
  const hgb = clamp(rng.normal(female ? 13.4 : 15, 1) - (egfr < 45 ? 1.5 : 0), 7, 19);
  const ckdLift = Math.max(0, 60 - egfr);
  return {
    a1c, glucose: clamp(28.7 * a1c - 46.7 + rng.normal(0, 12), 50, 500), egfr,
    creatinine: clamp(creatinineFor(egfr, Math.max(age, 18), female), 0.3, 12),
    bun: clamp(rng.normal(14, 3.5) + ckdLift * 0.45, 5, 90), sodium: clamp(rng.normal(139.5, 2), 128, 150),
    potassium: clamp(rng.normal(4.2, 0.3) + ckdLift * 0.01, 3, 6.2), chloride: clamp(rng.normal(103, 2.2), 92, 112),
    co2: clamp(rng.normal(25.5, 1.8) - ckdLift * 0.06, 16, 32), calcium: clamp(rng.normal(9.4, 0.3), 8, 11),
    albumin: clamp(rng.normal(4.2, 0.3), 2.8, 5.4), bilirubin: clamp(rng.normal(0.6, 0.25), 0.2, 2.5),
    ast: clamp(rng.normal(22, 6), 8, 120), alt: clamp(rng.normal(22 + (has('obesity') ? 9 : 0), 9), 7, 150),
    ldl, hdl, triglycerides: tg, cholesterol: ldl + hdl + tg / 5,
    wbc: clamp(rng.normal(infection ? 12.5 : 6.8, infection ? 2.5 : 1.5), 2.5, 25), hgb, hct: clamp(hgb * 2.95 + rng.normal(0, 0.8), 21, 57),
    plt: clamp(rng.normal(255, 55), 110, 480), tsh: clamp(Math.exp(rng.normal(Math.log(1.8), 0.45)) * (rng.chance(0.03) ? 4 : 1), 0.05, 40),
    uacr: clamp(Math.exp(rng.normal(Math.log(has('t2dm') || egfr < 60 ? 35 : 8), has('t2dm') ? 0.9 : 0.6)), 2, 3000),
  };
}
