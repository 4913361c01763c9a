/**
 * Loading referrals through the FHIR API: the referral Tasks (`Task?code=<exchange>|referral`),
 * of one patient or all, with their ServiceRequests and patients included; one referral's
 * versions for its timeline; the partners a clinician may refer to (`Organization/$partners`);
 * and a returned report's text.
 */
import type { Bundle, DocumentReference, Patient, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/client.ts';
import { humanName } from '../../fhir/format.ts';
import { partnerRows, type PartnerRow } from '../admin/partners-model.ts';
import { REFERRAL_TASK_CODE, token } from './codes.ts';
import { direction, partnerName, referralState, type Direction, type ReferralState } from './referral-model.ts';

export interface ReferralItem {
  task: Task;
  serviceRequest: ServiceRequest | undefined;
  patientId: string | undefined;
  patientName: string | undefined;
  direction: Direction;
  state: ReferralState;
  partner: string;
}

export async function loadPartners(client: FhirClient, signal?: AbortSignal): Promise<PartnerRow[]> {
  return partnerRows(await client.get<Bundle>('Organization/$partners', signal));
}

export async function loadReferrals(client: FhirClient, opts: { patientId?: string; partners?: PartnerRow[] }, signal?: AbortSignal): Promise<ReferralItem[]> {
  const bundle: Bundle = await client.search(
    'Task',
    [['code', token(REFERRAL_TASK_CODE)], ...(opts.patientId ? [['patient', `Patient/${opts.patientId}`] as [string, string]] : []), ['_include', 'Task:focus'], ['_include', 'Task:patient'], ['_sort', '-authored-on'], ['_count', '200']],
    signal,
  );
  const included = new Map<string, Resource>((bundle.entry ?? []).flatMap((e) => (e.resource ? [[`${e.resource.resourceType}/${e.resource.id ?? ''}`, e.resource] as const] : [])));
  const names = (ref: string) => opts.partners?.find((p) => `Organization/${p.organizationId}` === ref)?.name;
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode !== 'include' && e.resource?.resourceType === 'Task')
    .map((e) => {
      const task = e.resource as Task;
      const sr = included.get(task.focus?.reference ?? '');
      const patientRef: string | undefined = task.for?.reference;
      const patient = included.get(patientRef ?? '') as Patient | undefined;
      return {
        task,
        serviceRequest: sr?.resourceType === 'ServiceRequest' ? sr : undefined,
        patientId: patientRef?.startsWith('Patient/') ? patientRef.slice('Patient/'.length) : undefined,
        patientName: patient ? humanName(patient.name) : task.for?.display,
        direction: direction(task),
        state: referralState(task),
        partner: partnerName(task, names),
      };
    });
}

export async function loadVersions(client: FhirClient, taskId: string, signal?: AbortSignal): Promise<Task[]> {
  return client.history('Task', taskId, signal);
}

export interface ReportText {
  title: string;
  text: string | undefined;
  /** A download link when the report is not text. */
  href: string | undefined;
  date: string | undefined;
  author: string | undefined;
}

const decode = (b64: string): string => {
  const bin = atob(b64);
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
};

/** A returned report (DocumentReference, or DiagnosticReport's conclusion) as people read it. */
export async function loadReport(client: FhirClient, reference: string, signal?: AbortSignal): Promise<ReportText> {
  const [type, id = ''] = reference.split('/');
  if (type === 'DiagnosticReport') {
    const r = await client.read('DiagnosticReport', id, signal);
    return { title: r.code.text ?? 'Consult report', text: r.conclusion, href: undefined, date: r.issued ?? r.effectiveDateTime, author: r.performer?.[0]?.display };
  }
  const doc: DocumentReference = await client.read('DocumentReference', id, signal);
  const att = doc.content[0]?.attachment;
  const isText = (att?.contentType ?? 'text/plain').startsWith('text/');
  return {
    title: doc.description ?? att?.title ?? doc.type?.text ?? doc.type?.coding?.[0]?.display ?? 'Consult report',
    text: att?.data && isText ? decode(att.data) : undefined,
    href: att?.data && !isText ? `data:${att.contentType ?? 'application/octet-stream'};base64,${att.data}` : att?.url,
    date: doc.date,
    author: doc.author?.[0]?.display,
  };
}
