/**
 * Probabilistic patient matching (Fellegi–Sunter). `scorePair` compares two Patients field by
 * field (compare.ts), sums the log2 likelihood-ratio weights (weights.ts), maps the weight to a
 * 0..1 score (logistic) and grades it. `findMatches` finds the candidates for a query Patient
 * with indexed searches (blocking: identifiers, phone, email, birth date and its day/month swap,
 * family name prefix with the birth year ±1) and scores them.
 *
 * Two rules override the sum, unless a shared person identifier vouches for the pair. The
 * model assumes fields disagree independently, which households break: twins share family,
 * birth date, address and phone, a father and son (Jr / Sr) share names, address and phone. A
 * pair whose given names plainly differ, or whose person identifiers conflict, is never graded
 * above `possible`; one whose birth dates plainly differ, or whose sexes differ while the given names are only
 * alike, is never `certain`.
 *
 * Other parts use these: referrals place an incoming patient (onlyCertainMatches), merge lists
 * duplicates.
 */
import type { Patient } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';
import { compare, type Comparison } from './compare.ts';
import { features } from './features.ts';
import { weigh, type FieldWeights } from './weights.ts';

/** FHIR's match-grade codes (http://terminology.hl7.org/CodeSystem/match-grade). */
export type MatchGrade = 'certain' | 'probable' | 'possible' | 'certainly-not';

export interface PairScore {
  /** 0..1, monotone in the Fellegi–Sunter weight. */
  score: number;
  grade: MatchGrade;
  /** The summed log2 likelihood-ratio weight. */
  weight: number;
}

export interface MatchResult extends PairScore {
  patient: Patient;
}

/**
 * Grade thresholds on the weight, tuned on the generated training set (seed 1 of
 * test/exchange/mpi/generator.ts; the accuracy test runs on other seeds): `certain` is where
 * precision stays above 0.99, `probable` and `possible` leave the rest to a human.
 */
export const THRESHOLDS = { certain: 24, probable: 16, possible: 8 } as const;

/**
 * The logistic's centre and scale: weight 10 → 0.5, `possible` (8) → 0.39, `probable` (16) →
 * 0.8, `certain` (24) → 0.96.
 */
const CENTRE = 10;
const SCALE = 3;

export function scoreOf(weight: number): number {
  return 1 / (1 + Math.pow(2, -(weight - CENTRE) / SCALE));
}

export function gradeOf(weight: number, c: Comparison, t: { certain: number; probable: number; possible: number } = THRESHOLDS): MatchGrade {
  const grade: MatchGrade = weight >= t.certain ? 'certain' : weight >= t.probable ? 'probable' : weight >= t.possible ? 'possible' : 'certainly-not';
  if (c.identifier === 'same') return grade;
  if ((c.given === 'different' || c.identifier === 'conflict') && (grade === 'certain' || grade === 'probable')) return 'possible';
  // Opposite-sex twins with alike names (William / Wilma) look like a typo in both fields.
  const namesOnlyAlike = c.given !== 'exact' && c.given !== 'nickname';
  if ((c.birthDate === 'different' || (c.sex === 'different' && namesOnlyAlike)) && grade === 'certain') return 'probable';
  return grade;
}

/** The comparison, each field's weight and the result: for explanations and tuning. */
export function explainPair(a: Patient, b: Patient): PairScore & { comparison: Comparison; fields: FieldWeights } {
  const comparison = compare(features(a), features(b));
  const { total, fields } = weigh(comparison);
  return { score: scoreOf(total), grade: gradeOf(total, comparison), weight: total, comparison, fields };
}

export function scorePair(a: Patient, b: Patient): PairScore {
  const { score, grade, weight } = explainPair(a, b);
  return { score, grade, weight };
}

/** A merged-away record is no candidate: its survivor is. */
export function mergedAway(p: Patient): boolean {
  return (p.link ?? []).some((l) => l.type === 'replaced-by');
}

const BLOCK_SIZE = 100;

/** The searches that find candidates for `query`, as Patient search query strings. */
export function blockingSearches(query: Patient): string[] {
  const out = new Set<string>();
  const q = (params: Record<string, string>): string => new URLSearchParams(params).toString();
  for (const i of query.identifier ?? []) if (i.system && i.value) out.add(q({ identifier: `${i.system}|${i.value}` }));
  for (const t of query.telecom ?? []) {
    if (!t.value) continue;
    if (t.system === 'phone' || t.system === 'sms') out.add(q({ phone: t.value }));
    if (t.system === 'email') out.add(q({ email: t.value }));
  }
  const f = features(query);
  if (f.birthDate) {
    out.add(q({ birthdate: f.birthDate }));
    const [y, m, d] = f.birthDate.split('-');
    const swapped = `${y}-${d}-${m}`;
    if (swapped !== f.birthDate && !Number.isNaN(Date.parse(swapped)) && new Date(swapped).toISOString().slice(0, 10) === swapped) out.add(q({ birthdate: swapped }));
  }
  const family = f.family[0]?.norm;
  if (family) {
    const prefix = family.slice(0, 4);
    if (f.birthDate) {
      const year = Number(f.birthDate.slice(0, 4));
      const params = new URLSearchParams({ family: prefix });
      params.append('birthdate', `ge${year - 1}-01-01`);
      params.append('birthdate', `le${year + 1}-12-31`);
      out.add(params.toString());
    } else {
      out.add(q({ family: prefix }));
    }
  }
  return [...out];
}

/** The candidates in `repo` for `query`, best first (the repository's own access limits apply). */
export async function findMatches(repo: Repository, query: Patient, opts: { count?: number; onlyCertainMatches?: boolean } = {}): Promise<MatchResult[]> {
  const candidates = new Map<string, Patient>();
  for (const criteria of blockingSearches(query)) {
    const page = await repo.search(repo.parseCriteria('Patient', criteria), { count: BLOCK_SIZE });
    for (const m of page.matches) if (!candidates.has(m.id)) candidates.set(m.id, JSON.parse(m.content) as Patient);
  }
  const results: MatchResult[] = [];
  for (const [id, patient] of candidates) {
    if (query.id !== undefined && id === query.id) continue;
    if (mergedAway(patient)) continue;
    const s = scorePair(query, patient);
    if (s.grade === 'certainly-not') continue;
    if (opts.onlyCertainMatches && s.grade !== 'certain') continue;
    results.push({ ...s, patient });
  }
  results.sort((a, b) => b.weight - a.weight || (a.patient.id ?? '').localeCompare(b.patient.id ?? ''));
  return opts.count !== undefined ? results.slice(0, opts.count) : results;
}
