/**
 * The answer of `$external-match` for the screen: the candidates found at partner organizations
 * (the remote Patient, its organization, score and grade), best first, and the partners that
 * could not answer with their reason (entries of search.mode `outcome`). Pure: no I/O.
 */
import type { Bundle, BundleEntry, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { externalSource } from './external-source.ts';
import { MATCH_GRADE_EXT } from './codes.ts';

export type MatchGrade = 'certain' | 'probable' | 'possible' | 'certainly-not';

export interface Candidate {
  /** The remote Patient as the partner sent it. */
  patient: Patient;
  /** Its id at the partner (for `$external-record`). */
  remoteId: string;
  /** `Organization/<id>` of the partner here. */
  partner: string;
  organization: string;
  /** 0..1 */
  score: number | undefined;
  grade: MatchGrade | undefined;
  /** The remote URL (fullUrl). */
  url: string | undefined;
}

export interface PartnerFailure {
  organization: string;
  partner: string | undefined;
  message: string;
}

export const GRADE_LABELS: Record<MatchGrade, string> = {
  certain: 'Certain match',
  probable: 'Probable match',
  possible: 'Possible match',
  'certainly-not': 'Not a match',
};

const GRADE_RANK: Record<MatchGrade, number> = { certain: 0, probable: 1, possible: 2, 'certainly-not': 3 };

function gradeOf(entry: BundleEntry): MatchGrade | undefined {
  const code = entry.search?.extension?.find((x) => x.url === MATCH_GRADE_EXT)?.valueCode;
  return code && code in GRADE_LABELS ? (code as MatchGrade) : undefined;
}

/** The id at the partner: the Patient's id, else the last segment of its remote URL. */
function remoteIdOf(entry: BundleEntry, patient: Patient): string | undefined {
  if (patient.id) return patient.id;
  const m = /\/Patient\/([^/?#]+)/.exec(entry.fullUrl ?? '');
  return m?.[1];
}

function failureOf(entry: BundleEntry): PartnerFailure {
  const outcome = entry.resource as OperationOutcome;
  const source = externalSource(outcome);
  const issue = outcome.issue?.[0];
  const message = issue?.diagnostics ?? issue?.details?.text ?? 'The organization did not answer.';
  let host: string | undefined;
  try {
    host = entry.fullUrl ? new URL(entry.fullUrl).host : undefined;
  } catch {
    host = undefined;
  }
  // Without a source, the server names the partner at the start of the text: "Riverside: timed out".
  const named = source || host ? undefined : /^([^:]{1,80}): (.+)$/s.exec(message);
  if (named) return { organization: named[1]!, partner: undefined, message: named[2]! };
  return { organization: source?.organization ?? host ?? 'A partner organization', partner: source?.reference, message };
}

export interface MatchResult {
  candidates: Candidate[];
  failures: PartnerFailure[];
}

export function readMatches(bundle: Bundle | undefined): MatchResult {
  const candidates: Candidate[] = [];
  const failures: PartnerFailure[] = [];
  for (const entry of bundle?.entry ?? []) {
    const r = entry.resource;
    if (r?.resourceType === 'OperationOutcome') {
      failures.push(failureOf(entry));
      continue;
    }
    if (r?.resourceType !== 'Patient') continue;
    const source = externalSource(r);
    const remoteId = remoteIdOf(entry, r);
    if (!source?.reference || !remoteId) continue;
    candidates.push({ patient: r, remoteId, partner: source.reference, organization: source.organization, score: entry.search?.score, grade: gradeOf(entry), url: entry.fullUrl });
  }
  candidates.sort((a, b) => GRADE_RANK[a.grade ?? 'possible'] - GRADE_RANK[b.grade ?? 'possible'] || (b.score ?? 0) - (a.score ?? 0));
  return { candidates, failures };
}

/** "92%" for a score in 0..1. */
export const scoreText = (score: number | undefined): string => (score === undefined ? '—' : `${Math.round(score * 100)}%`);
