/**
 * What the result review screen reads through the FHIR API for one DiagnosticReport: the report
 * with its Observations and patient, the orders it answers (its `basedOn`, or the orders the
 * server matched it to, recorded on its review Tasks), its ImagingStudies, every review Task for it
 * (open ones to acknowledge, completed ones saying who acknowledged and when), and the comments
 * (Communications about it).
 */
import type { Bundle, Communication, DiagnosticReport, ImagingStudy, Observation, Patient, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/client.ts';
import { REVIEW_TOKEN } from '../../inbox/review-task.ts';

export const COMMENT_CATEGORY = { system: 'urn:continuum:communication-category', code: 'result-comment', display: 'Comment on a result' } as const;

export interface ReviewData {
  report: DiagnosticReport;
  patient: Patient | undefined;
  observations: Observation[];
  orders: ServiceRequest[];
  studies: ImagingStudy[];
  tasks: Task[];
  comments: Communication[];
}

const ofType = <T extends Resource>(b: Bundle, type: T['resourceType']): T[] => (b.entry ?? []).flatMap((e) => (e.resource?.resourceType === type ? [e.resource as T] : []));

async function readAll<T extends Resource>(client: FhirClient, type: T['resourceType'], refs: (string | undefined)[], signal?: AbortSignal): Promise<T[]> {
  const ids = [...new Set(refs.filter((r): r is string => Boolean(r?.startsWith(`${type}/`))).map((r) => r.slice(type.length + 1)))];
  if (ids.length === 0) return [];
  return (await client.searchResources(type as 'ServiceRequest', { _id: ids.join(','), _count: '50' }, signal)) as unknown as T[];
}

export async function loadReview(client: FhirClient, id: string, signal?: AbortSignal): Promise<ReviewData> {
  const bundle = await client.search('DiagnosticReport', [['_id', id], ['_include', 'DiagnosticReport:result'], ['_include', 'DiagnosticReport:patient'], ['_include', 'DiagnosticReport:based-on']], signal);
  const report = (bundle.entry ?? []).find((e) => e.search?.mode !== 'include' && e.resource?.resourceType === 'DiagnosticReport')?.resource;
  if (!report) throw new Error('This result does not exist, or you may not see it.');
  const ref = `DiagnosticReport/${id}`;
  const byId = new Map(ofType<Observation>(bundle, 'Observation').map((o) => [`Observation/${o.id}`, o]));
  const observations = (report.result ?? []).flatMap((r) => (r.reference && byId.has(r.reference) ? [byId.get(r.reference)!] : []));
  const [tasks, studies, comments] = await Promise.all([
    client.searchResources('Task', { focus: ref, code: REVIEW_TOKEN, _sort: '-authored-on', _count: '100' }, signal),
    readAll<ImagingStudy>(client, 'ImagingStudy', (report.imagingStudy ?? []).map((r) => r.reference), signal),
    report.subject?.reference
      ? client.searchResources('Communication', { subject: report.subject.reference, category: `${COMMENT_CATEGORY.system}|${COMMENT_CATEGORY.code}`, _sort: 'sent', _count: '100' }, signal)
      : Promise.resolve([] as Communication[]),
  ]);
  let orders = ofType<ServiceRequest>(bundle, 'ServiceRequest');
  if (orders.length === 0) orders = await readAll<ServiceRequest>(client, 'ServiceRequest', tasks.flatMap((t) => (t.basedOn ?? []).map((b) => b.reference)), signal);
  return {
    report,
    patient: ofType<Patient>(bundle, 'Patient')[0],
    observations,
    orders,
    studies,
    tasks,
    comments: comments.filter((c) => (c.about ?? []).some((a) => a.reference === ref)),
  };
}

/** A comment on the report by `me`: a Communication about it, for the patient's record. */
export function commentOn(report: DiagnosticReport, me: string, text: string, now: Date): Communication {
  return {
    resourceType: 'Communication',
    status: 'completed',
    category: [{ coding: [{ ...COMMENT_CATEGORY }], text: 'Result comment' }],
    ...(report.subject?.reference ? { subject: { reference: report.subject.reference } } : {}),
    about: [{ reference: `DiagnosticReport/${report.id}` }],
    sender: { reference: me },
    sent: now.toISOString(),
    payload: [{ contentString: text.trim() }],
  };
}

/** The report's text (a plain-text presentedForm), decoded. */
export function reportText(report: DiagnosticReport): string | undefined {
  const form = (report.presentedForm ?? []).find((f) => f.data && (!f.contentType || f.contentType.startsWith('text/plain')));
  if (!form?.data) return undefined;
  try {
    const bytes = Uint8Array.from(atob(form.data), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}
