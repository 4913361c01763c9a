/**
 * Code search over the server's `ValueSet/$expand`, for the pickers: the four code systems the
 * chart codes with, and `expand`, which asks for the codes of one system matching a filter. It
 * goes through the shared FhirClient (the user's token); it knows nothing of React.
 */
import type { Coding, ValueSet } from '@medplum/fhirtypes';
import type { FhirClient } from './client.ts';

export const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const CVX = 'http://hl7.org/fhir/sid/cvx';
export const LOINC = 'http://loinc.org';

export type TerminologySystem = typeof ICD10CM | typeof RXNORM | typeof CVX | typeof LOINC;

/** Each system's implicit value set (every code of the system), and its name for people. */
export const TERMINOLOGY: Readonly<Record<TerminologySystem, { valueSet: string; name: string }>> = {
  [ICD10CM]: { valueSet: `${ICD10CM}?fhir_vs`, name: 'ICD-10-CM' },
  [RXNORM]: { valueSet: `${RXNORM}?fhir_vs`, name: 'RxNorm' },
  [CVX]: { valueSet: `${CVX}?fhir_vs`, name: 'CVX' },
  [LOINC]: { valueSet: 'http://loinc.org/vs', name: 'LOINC' },
};

/** The server answers filters of at least this many letters or digits. */
export const MIN_FILTER_LENGTH = 2;

export interface Expansion {
  /** How many codes match in all. */
  total: number;
  /** The first `count` of them, best first. */
  codings: Coding[];
}

/** Whether `filter` is long enough to send. */
export function searchable(filter: string): boolean {
  return filter.replace(/[^\p{L}\p{N}]/gu, '').length >= MIN_FILTER_LENGTH;
}

export async function expand(client: FhirClient, system: TerminologySystem, filter: string, count = 20, signal?: AbortSignal): Promise<Expansion> {
  const q = new URLSearchParams({ url: TERMINOLOGY[system].valueSet, filter: filter.trim(), count: String(count) });
  const vs = await client.get<ValueSet>(`ValueSet/$expand?${q.toString()}`, signal);
  const codings = (vs.expansion?.contains ?? []).flatMap((c) => (c.code ? [{ system: c.system ?? system, code: c.code, ...(c.display ? { display: c.display } : {}) }] : []));
  return { total: vs.expansion?.total ?? codings.length, codings };
}
