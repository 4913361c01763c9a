/**
 * Blocking in memory: the pairs of a set of Patients worth scoring, for duplicate detection
 * within one organization (and the accuracy test). Two records are a candidate pair when they
 * share a key: a person identifier, a phone, an email, a birth date (or its day/month swap), or
 * a family-name prefix with a birth year at most one apart. The same keys as the indexed
 * searches of `findMatches` (matcher.ts), so both find the same candidates.
 */
import type { Patient } from '@medplum/fhirtypes';
import { features } from './features.ts';

/** The keys a record is filed under, and the keys it looks up (its birth year ±1). */
export function blockingKeys(p: Patient): { filed: string[]; probes: string[] } {
  const f = features(p);
  const filed: string[] = [];
  const probes: string[] = [];
  const both = (k: string): void => {
    filed.push(k);
    probes.push(k);
  };
  for (const i of f.identifiers) both(`id:${i.system}|${i.value}`);
  for (const ph of f.phones) both(`ph:${ph}`);
  for (const e of f.emails) both(`em:${e}`);
  if (f.birthDate) {
    both(`bd:${f.birthDate}`);
    const [y, m, d] = f.birthDate.split('-');
    if (m !== d) probes.push(`bd:${y}-${d}-${m}`);
  }
  const prefix = f.family[0]?.norm.slice(0, 4);
  if (prefix) {
    if (f.birthDate) {
      const year = Number(f.birthDate.slice(0, 4));
      filed.push(`fy:${prefix}|${year}`);
      for (const y of [year - 1, year, year + 1]) probes.push(`fy:${prefix}|${y}`);
    } else {
      both(`f:${prefix}`);
    }
  }
  return { filed, probes };
}

/**
 * Index pairs [i, j] (i < j) of `patients` that share a blocking key. Keys held by more than
 * `maxBlock` records (a clinic's shared fax number, a placeholder birth date) are skipped: they
 * would pair everyone with everyone and say nothing.
 */
export function candidatePairs(patients: readonly Patient[], maxBlock = 200): [number, number][] {
  const byKey = new Map<string, number[]>();
  const keys = patients.map((p) => blockingKeys(p));
  keys.forEach(({ filed }, i) => {
    for (const k of new Set(filed)) {
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    }
  });
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  const n = patients.length;
  keys.forEach(({ probes }, i) => {
    for (const k of new Set(probes)) {
      const list = byKey.get(k);
      if (!list || list.length > maxBlock) continue;
      for (const j of list) {
        if (j <= i) continue;
        const code = i * n + j;
        if (seen.has(code)) continue;
        seen.add(code);
        pairs.push([i, j]);
      }
    }
  });
  return pairs;
}
