/**
 * The code systems Continuum ships starter lists for, and how a request names them: the
 * system's canonical URI, or its implicit value set (`?fhir_vs`, or LOINC's `http://loinc.org/vs`)
 * meaning "every code of the system". Pure data; loading the codes is `shipped.ts`'s job.
 */

export interface CodeSystemInfo {
  /** Short key, also the file name (`<key>.tsv`) and the `table` column of the supplement. */
  key: 'icd10cm' | 'loinc' | 'rxnorm' | 'cvx' | 'hcpcs';
  /** The canonical system URI written in Coding.system. */
  url: string;
  /** The implicit value set holding every code of the system. */
  valueSet: string;
  /** Human name, answered by `$lookup`. */
  name: string;
}

export const CODE_SYSTEMS: readonly CodeSystemInfo[] = [
  { key: 'icd10cm', url: 'http://hl7.org/fhir/sid/icd-10-cm', valueSet: 'http://hl7.org/fhir/sid/icd-10-cm?fhir_vs', name: 'ICD-10-CM' },
  { key: 'loinc', url: 'http://loinc.org', valueSet: 'http://loinc.org/vs', name: 'LOINC' },
  { key: 'rxnorm', url: 'http://www.nlm.nih.gov/research/umls/rxnorm', valueSet: 'http://www.nlm.nih.gov/research/umls/rxnorm?fhir_vs', name: 'RxNorm' },
  { key: 'cvx', url: 'http://hl7.org/fhir/sid/cvx', valueSet: 'http://hl7.org/fhir/sid/cvx?fhir_vs', name: 'CVX' },
  { key: 'hcpcs', url: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', valueSet: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets?fhir_vs', name: 'HCPCS Level II' },
];

/** The code system a value set URL (implicit value set, or the plain system URI) stands for. */
export function systemOfValueSet(url: string): CodeSystemInfo | undefined {
  const plain = url.trim().replace(/\|.*$/, '');
  return CODE_SYSTEMS.find((s) => s.valueSet === plain || s.url === plain || (s.key === 'loinc' && plain === 'http://loinc.org?fhir_vs'));
}

/** The code system a Coding.system URI names. */
export function systemOfUri(uri: string): CodeSystemInfo | undefined {
  const plain = uri.trim().replace(/\|.*$/, '');
  return CODE_SYSTEMS.find((s) => s.url === plain);
}
