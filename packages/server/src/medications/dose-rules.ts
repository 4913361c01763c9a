/**
 * Dose limits of `knowledge/dose-limits.json` by ingredient key: the adult maximum single and
 * daily dose in mg, the pediatric limits (mg/kg per dose and per day, an absolute mg ceiling, or
 * both) that apply below `adultFromAge`, and limits for older adults. `limitFor` picks the limit
 * that applies to a patient's age and weight. Pure.
 */
import type { FindingReference } from './check-types.ts';
import { ingredientKey } from './names.ts';

export interface DoseLimitEntry {
  adult: { single?: number; daily?: number };
  child?: { singlePerKg?: number; dailyPerKg?: number; single?: number; daily?: number; cap?: number };
  adultFromAge?: number;
  older?: { fromAge: number; single?: number; daily?: number };
  oralOnly?: boolean;
  note?: string;
  references: FindingReference[];
}

export interface DoseFile {
  limits: Record<string, DoseLimitEntry>;
}

/** The limit that applies, in mg, with the words that explain its basis. */
export interface AppliedLimit {
  single?: number;
  daily?: number;
  basis: string;
  entry: DoseLimitEntry;
}

export interface DoseIndex {
  get(key: string): DoseLimitEntry | undefined;
  keys(): string[];
}

export function buildDoseIndex(file: DoseFile): DoseIndex {
  const byKey = new Map(Object.entries(file.limits).map(([k, v]) => [ingredientKey(k), v]));
  return { get: (k) => byKey.get(k), keys: () => [...byKey.keys()] };
}

const round = (n: number): number => Math.round(n * 10) / 10;

export function limitFor(entry: DoseLimitEntry, ageYears: number | undefined, weightKg: number | undefined): AppliedLimit {
  const adultAge = entry.adultFromAge ?? 18;
  if (ageYears !== undefined && entry.older && ageYears >= entry.older.fromAge) {
    return { ...pick(entry.older.single, entry.older.daily), basis: `age ${ageYears} (limit from age ${entry.older.fromAge})`, entry };
  }
  if (ageYears === undefined || ageYears >= adultAge || !entry.child) {
    const basis = ageYears === undefined ? 'adult maximum (age unknown)' : `adult maximum (age ${ageYears})`;
    return { ...pick(entry.adult.single, entry.adult.daily), basis, entry };
  }
  const c = entry.child;
  const ceiling = (perKg: number | undefined, absolute: number | undefined, adult: number | undefined): number | undefined => {
    const caps = [absolute, c.cap, adult].filter((v): v is number => v !== undefined);
    const byWeight = perKg !== undefined && weightKg !== undefined ? round(perKg * weightKg) : undefined;
    const all = byWeight !== undefined ? [byWeight, ...caps] : caps;
    return all.length ? Math.min(...all) : undefined;
  };
  const hasPerKg = c.singlePerKg !== undefined || c.dailyPerKg !== undefined;
  const single = ceiling(c.singlePerKg, c.single, entry.adult.single);
  const daily = ceiling(c.dailyPerKg, c.daily, entry.adult.daily);
  const parts = [`age ${ageYears}`];
  if (hasPerKg && weightKg !== undefined) {
    parts.push(`weight ${weightKg} kg`);
    if (c.singlePerKg !== undefined) parts.push(`${c.singlePerKg} mg/kg per dose`);
    if (c.dailyPerKg !== undefined) parts.push(`${c.dailyPerKg} mg/kg per day`);
  } else if (hasPerKg) parts.push('weight unknown: adult maximum applies');
  return { ...pick(single, daily), basis: parts.join(', '), entry };
}

function pick(single: number | undefined, daily: number | undefined): { single?: number; daily?: number } {
  return { ...(single !== undefined ? { single } : {}), ...(daily !== undefined ? { daily } : {}) };
}
