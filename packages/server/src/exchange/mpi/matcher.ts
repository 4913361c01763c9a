/**
 * Probabilistic patient matching (Fellegi–Sunter). Implemented by the mpi part; other parts
 * (referrals: placing an incoming patient; merge: duplicates) use these signatures.
 */
import type { Patient } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';

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

export function scorePair(_a: Patient, _b: Patient): PairScore {
  return { score: 0, grade: 'certainly-not', weight: 0 };
}

/** The candidates in `repo` for `query`, best first (the repository's own access limits apply). */
export async function findMatches(_repo: Repository, _query: Patient, _opts: { count?: number; onlyCertainMatches?: boolean } = {}): Promise<MatchResult[]> {
  return [];
}
