/**
 * The lab reports a patient sees: DiagnosticReports, newest first, each with its result
 * Observations (one search, `_include=DiagnosticReport:result`), and the worst flag of each
 * report for the home page's summary.
 */
import type { Bundle, DiagnosticReport, Observation, Resource } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';
import { resultFlag, worstFlag, type ResultFlag } from '../inbox/result-flags.ts';

export interface LabReport {
  report: DiagnosticReport;
  results: Observation[];
  worst: ResultFlag | undefined;
  /** How many results are outside the normal range (any flag). */
  outside: number;
}

export async function loadLabReports(client: FhirClient, patientId: string, count: number, signal?: AbortSignal): Promise<LabReport[]> {
  // With `_include` the Bundle holds Observations beside the reports.
  const bundle: Bundle<Resource> = await client.search('DiagnosticReport', { patient: `Patient/${patientId}`, _sort: '-date', _count: String(count), _include: 'DiagnosticReport:result' }, signal);
  const resources = (bundle.entry ?? []).map((e) => e.resource);
  const observations = new Map(resources.filter((r): r is Observation => r?.resourceType === 'Observation').map((o) => [`Observation/${o.id}`, o]));
  const reports = (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource).filter((r): r is DiagnosticReport => r?.resourceType === 'DiagnosticReport');
  return reports.map((report) => {
    const results = (report.result ?? []).map((r) => observations.get(r.reference ?? '')).filter((o): o is Observation => Boolean(o));
    const flags = results.map(resultFlag);
    return { report, results, worst: worstFlag(flags), outside: flags.filter(Boolean).length };
  });
}

/** The date a report is about: when the specimen was taken, else when it was issued. */
export const reportDate = (r: DiagnosticReport): string | undefined => r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.issued;
