/**
 * The results inbox's data: the reports that are new to the signed-in clinician, loaded through
 * the FHIR API with their results and patients, abnormal first, then newest.
 *
 * New to me: a report (final, amended, corrected or preliminary) `based-on` a ServiceRequest I
 * requested, unless I have completed a review Task for it; and any report with an open review
 * Task owned by me (forwarded to me). See `review-task.ts` for why no server hook is needed.
 */
import type { Bundle, DiagnosticReport, Observation, Patient, Resource, Task } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';
import { compareAbnormalFirst, resultFlag, worstFlag, type ResultFlag } from './result-flags.ts';
import { isOpen, REVIEW_TOKEN } from './review-task.ts';

export interface InboxItem {
  report: DiagnosticReport;
  patient: Patient | undefined;
  observations: Observation[];
  flag: ResultFlag | undefined;
  date: string | undefined;
  /** My open review Tasks for it: it was forwarded to me. */
  open: Task[];
  /** When I acknowledged it (in the reviewed list). */
  reviewedAt?: string;
}

export const RESULT_STATUSES = 'final,amended,corrected,preliminary';

const included = <T extends Resource>(bundle: Bundle, type: T['resourceType']): Map<string, T> =>
  new Map(
    (bundle.entry ?? [])
      .map((e) => e.resource)
      .filter((r): r is T => r?.resourceType === type)
      .map((r) => [`${type}/${r.id}`, r]),
  );

const matches = (bundle: Bundle): DiagnosticReport[] =>
  (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include').flatMap((e) => (e.resource?.resourceType === 'DiagnosticReport' ? [e.resource] : []));

const INCLUDES: [string, string][] = [
  ['_include', 'DiagnosticReport:result'],
  ['_include', 'DiagnosticReport:patient'],
];

/** One inbox row from a report and the resources included beside it. */
export function toItem(report: DiagnosticReport, bundle: Bundle, open: Task[]): InboxItem {
  const observations = included<Observation>(bundle, 'Observation');
  const patients = included<Patient>(bundle, 'Patient');
  const results = (report.result ?? []).flatMap((r) => {
    const o = r.reference ? observations.get(r.reference) : undefined;
    return o ? [o] : [];
  });
  return {
    report,
    patient: report.subject?.reference ? patients.get(report.subject.reference) : undefined,
    observations: results,
    flag: worstFlag(results.map(resultFlag)),
    date: report.issued ?? report.effectiveDateTime ?? report.effectivePeriod?.start ?? report.meta?.lastUpdated,
    open,
  };
}

/** The reports new to `me`, abnormal first, then newest. */
export async function loadInbox(client: FhirClient, me: string, signal?: AbortSignal): Promise<InboxItem[]> {
  const [mine, openTasks] = await Promise.all([
    client.search('DiagnosticReport', [['based-on:ServiceRequest.requester', me], ['status', RESULT_STATUSES], ...INCLUDES, ['_sort', '-issued'], ['_count', '100']], signal),
    client.searchResources('Task', { owner: me, code: REVIEW_TOKEN, status: 'requested,received,accepted,in-progress,ready,on-hold', _count: '200' }, signal),
  ]);
  const mineReports = matches(mine);
  const reviewed = new Set<string>();
  if (mineReports.length > 0) {
    const done = await client.searchResources('Task', { owner: me, code: REVIEW_TOKEN, status: 'completed', focus: mineReports.map((r) => `DiagnosticReport/${r.id}`).join(','), _count: '200' }, signal);
    for (const t of done) if (t.focus?.reference) reviewed.add(t.focus.reference);
  }
  const openBy = new Map<string, Task[]>();
  for (const t of openTasks.filter(isOpen)) {
    const ref = t.focus?.reference;
    if (ref?.startsWith('DiagnosticReport/')) openBy.set(ref, [...(openBy.get(ref) ?? []), t]);
  }
  const items = new Map<string, InboxItem>();
  for (const r of mineReports) {
    const ref = `DiagnosticReport/${r.id}`;
    if (!reviewed.has(ref) || openBy.has(ref)) items.set(ref, toItem(r, mine, openBy.get(ref) ?? []));
  }
  const missing = [...openBy.keys()].filter((ref) => !items.has(ref)).map((ref) => ref.slice('DiagnosticReport/'.length));
  if (missing.length > 0) {
    const forwarded = await client.search('DiagnosticReport', [['_id', missing.join(',')], ...INCLUDES, ['_count', '200']], signal);
    for (const r of matches(forwarded)) items.set(`DiagnosticReport/${r.id}`, toItem(r, forwarded, openBy.get(`DiagnosticReport/${r.id}`) ?? []));
  }
  return [...items.values()].sort(compareAbnormalFirst);
}

/** Earlier values of the same test for the same patient, oldest first, for the trend. */
export async function loadTrend(client: FhirClient, o: Observation, signal?: AbortSignal): Promise<Observation[]> {
  const coding = o.code.coding?.find((c) => c.system === 'http://loinc.org') ?? o.code.coding?.[0];
  const patient = o.subject?.reference;
  if (!coding?.code || !patient) return [o];
  const code = coding.system ? `${coding.system}|${coding.code}` : coding.code;
  const list = await client.searchResources('Observation', { subject: patient, code, _sort: '-date', _count: '12' }, signal);
  return list.filter((x) => x.valueQuantity?.value !== undefined).reverse();
}

/** The reports I reviewed most recently (my completed review Tasks), newest review first. */
export async function loadReviewed(client: FhirClient, me: string, signal?: AbortSignal): Promise<InboxItem[]> {
  const done = await client.searchResources('Task', { owner: me, code: REVIEW_TOKEN, status: 'completed', _sort: '-modified', _count: '30' }, signal);
  const when = new Map<string, string>();
  for (const t of done) {
    const ref = t.focus?.reference;
    if (ref?.startsWith('DiagnosticReport/') && !when.has(ref)) when.set(ref, t.executionPeriod?.end ?? t.lastModified ?? t.meta?.lastUpdated ?? '');
  }
  if (when.size === 0) return [];
  const ids = [...when.keys()].map((ref) => ref.slice('DiagnosticReport/'.length));
  const bundle = await client.search('DiagnosticReport', [['_id', ids.join(',')], ...INCLUDES, ['_count', '50']], signal);
  const items = matches(bundle).map((r) => ({ ...toItem(r, bundle, []), reviewedAt: when.get(`DiagnosticReport/${r.id}`) ?? '' }));
  return items.sort((a, b) => Date.parse(b.reviewedAt) - Date.parse(a.reviewedAt));
}
