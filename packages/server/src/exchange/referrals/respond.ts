/**
 * `POST Task/[id]/$referral-respond`, the receiving side's answer to a referral: `action`
 * accept | decline | schedule | complete, with `reason`, `appointmentDate` (valueDateTime, for
 * schedule: kept as Task.executionPeriod.start) and, to complete, the consult report as `report`
 * (the note's text, made into a DocumentReference, LOINC 11488-4) or `reportReference` (a
 * DocumentReference or DiagnosticReport of the patient). The local Task moves first (state.ts: a
 * move the state machine refuses is a 409); then the referring side is told through its
 * `$referral-update`. If that fails the Task keeps a pending mark (UPDATE_PENDING_EXT) and the
 * same action may be sent again to retry the notice without changing anything else. Answers
 * Parameters {task, status, delivered}.
 */
import type { DiagnosticReport, DocumentReference, Patient, Practitioner, Reference, Task } from '@medplum/fhirtypes';
import { badRequest, notFound } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import type { Repository } from '../../store/repository.ts';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG } from '../codes.ts';
import { ExchangeError, type ExchangeClient, type Partner } from '../types.ts';
import { clinicianOf, type Clinician } from './callers.ts';
import { dateTimeParam, parameters } from './parameters.ts';
import { CONSULT_NOTE_TYPE, UPDATE_PENDING_EXT } from './referral-codes.ts';
import { businessStatus, businessStatusOf, isReferral } from './referral-package.ts';
import { updateFromTask, updateParameters } from './referral-update.ts';
import { checkMove, REFERRAL_ACTIONS, targetOf, type ReferralAction } from './state.ts';

const OP = '$referral-respond';
const MAX_REPORT = 100_000;

export interface Response {
  action: ReferralAction;
  reason?: string;
  appointmentDate?: string;
  report?: string;
  reportReference?: { type: string; id: string };
}

function readResponse(req: FhirRequest): Response {
  const inputs = OperationInputs.read(req, OP, ['action', 'reason', 'appointmentDate', 'report', 'reportReference']);
  const action = inputs.requiredString('action') as ReferralAction;
  if (!REFERRAL_ACTIONS.includes(action)) throw badRequest(`${OP}: 'action' must be one of ${REFERRAL_ACTIONS.join(', ')}`);
  const reason = inputs.string('reason');
  const appointmentDate = dateTimeParam(req, OP, 'appointmentDate');
  const report = inputs.string('report');
  const reportReference = inputs.reference('reportReference', ['DocumentReference', 'DiagnosticReport']);
  if (action === 'schedule' && !appointmentDate) throw badRequest(`${OP}: 'schedule' needs an 'appointmentDate'`);
  if (action !== 'schedule' && appointmentDate) throw badRequest(`${OP}: 'appointmentDate' goes with 'schedule' only`);
  if (action === 'complete' && !report === !reportReference) throw badRequest(`${OP}: 'complete' needs the consult report: 'report' (its text) or 'reportReference', one of them`);
  if (action !== 'complete' && (report || reportReference)) throw badRequest(`${OP}: a report goes with 'complete' only`);
  if ((report?.length ?? 0) > MAX_REPORT) throw badRequest(`${OP}: 'report' is longer than ${MAX_REPORT} characters`);
  return { action, ...(reason ? { reason } : {}), ...(appointmentDate ? { appointmentDate } : {}), ...(report ? { report } : {}), ...(reportReference ? { reportReference } : {}) };
}

/** The partner a received referral came from (its source extension). */
export function senderOf(task: Task): string | undefined {
  const ref = task.extension?.find((e) => e.url === EXTERNAL_SOURCE_EXT)?.valueReference?.reference;
  return ref?.startsWith('Organization/') ? ref.slice('Organization/'.length) : undefined;
}

/** The report as a local DocumentReference: made from the text, or the one referenced (a DiagnosticReport is wrapped). */
async function reportDocument(repo: Repository, task: Task, r: Response, author: Reference<Practitioner>, now: Date): Promise<DocumentReference> {
  const subject = task.for! as Reference<Patient>;
  const base = (contentType: string, data: string, title: string): DocumentReference => ({
    resourceType: 'DocumentReference',
    status: 'current',
    type: { coding: [CONSULT_NOTE_TYPE], text: CONSULT_NOTE_TYPE.display },
    subject,
    date: now.toISOString(),
    author: [author],
    description: 'Consult report',
    content: [{ attachment: { contentType, data, title, creation: now.toISOString() } }],
  });
  if (r.report) return (await repo.create(base('text/plain', Buffer.from(r.report).toString('base64'), 'Consult report'))).resource as DocumentReference;
  const { type, id } = r.reportReference!;
  const found = (await repo.read(type, id)) as DocumentReference | DiagnosticReport;
  if (found.subject?.reference !== subject.reference) throw badRequest(`${OP}: 'reportReference' must be about the referred patient`);
  if (found.resourceType === 'DocumentReference') return found;
  const presented = found.presentedForm?.find((a) => typeof a.data === 'string');
  const text = found.conclusion ?? found.code?.text ?? 'Report';
  const doc = presented ? base(presented.contentType ?? 'application/pdf', presented.data!, presented.title ?? 'Consult report') : base('text/plain', Buffer.from(text).toString('base64'), 'Consult report');
  return (await repo.create({ ...doc, context: { related: [{ reference: `DiagnosticReport/${id}` }] } })).resource as DocumentReference;
}

/** The report as it travels: its content, its author's name, no local references. */
function travellingReport(doc: DocumentReference): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    type: doc.type ?? { coding: [CONSULT_NOTE_TYPE] },
    ...(doc.date ? { date: doc.date } : {}),
    author: (doc.author ?? []).filter((a) => a.display).map((a) => ({ display: a.display! })),
    ...(doc.description ? { description: doc.description } : {}),
    content: doc.content.map((c) => ({ attachment: c.attachment })),
  };
}

/** Moves the local Task as `r` says (or leaves it when only a pending notice is retried). */
export async function applyResponse(repo: Repository, taskId: string, r: Response, author: Reference<Practitioner>, now: Date): Promise<{ task: Task; report?: DocumentReference }> {
  return repo.inTransaction(async (tx) => {
    const task = (await tx.read('Task', taskId)) as Task;
    if (!isReferral(task) || !task.meta?.tag?.some((t) => t.code === EXTERNAL_TAG.code) || !senderOf(task)) throw notFound(`Task/${taskId} is not a referral received from a partner`);
    const target = targetOf(r.action);
    const pending = task.extension?.some((e) => e.url === UPDATE_PENDING_EXT && e.valueBoolean === true);
    const output = task.output?.find((o) => o.valueReference?.reference?.startsWith('DocumentReference/'))?.valueReference?.reference;
    if (pending && task.status === target.status && r.action !== 'schedule') {
      const report = output ? ((await tx.read('DocumentReference', output.split('/')[1]!)) as DocumentReference) : undefined;
      return { task, ...(report ? { report } : {}) };
    }
    checkMove(task, target.status);
    const report = r.action === 'complete' ? await reportDocument(tx, task, r, author, now) : undefined;
    const { businessStatus: _b, statusReason: _s, ...rest } = task;
    const next: Task = {
      ...rest,
      status: target.status,
      lastModified: now.toISOString(),
      extension: [...(task.extension ?? []).filter((e) => e.url !== UPDATE_PENDING_EXT), { url: UPDATE_PENDING_EXT, valueBoolean: true }],
      ...(target.businessStatus ? { businessStatus: businessStatus(target.businessStatus) } : {}),
      ...(r.reason ? { statusReason: { text: r.reason } } : {}),
      ...(r.appointmentDate ? { executionPeriod: { start: r.appointmentDate } } : {}),
      ...(report ? { output: [{ type: { coding: [CONSULT_NOTE_TYPE], text: 'Consult report' }, valueReference: { reference: `DocumentReference/${report.id!}` } }] } : {}),
    };
    // Pinned to the version read: of two answers at once, the second is a 412, not a move the state machine never saw.
    const stored = (await tx.update('Task', taskId, next, { ifMatch: Number(task.meta?.versionId) })).resource as Task;
    return { task: stored, ...(report ? { report } : {}) };
  });
}

/** Tells the referring side; clears the pending mark once it has heard. */
export async function notifyReferrer(repo: Repository, client: ExchangeClient, partner: Partner | undefined, task: Task, report: DocumentReference | undefined, onBehalfOf?: { fhirUser?: string; display?: string }): Promise<{ delivered: boolean; failure?: string }> {
  if (!partner?.active) return { delivered: false, failure: 'the referring organization is no longer an active partner' };
  let failure: string | undefined;
  try {
    const body = updateParameters(updateFromTask(task, report ? travellingReport(report) : undefined));
    const res = await client.call(partner, { method: 'POST', path: '/Task/$referral-update', body, purposeOfUse: 'TREAT', ...(onBehalfOf ? { onBehalfOf } : {}) });
    if (res.status !== 200) failure = `the partner answered ${res.status}`;
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    failure = `the partner could not be reached: ${err.message}`;
  }
  if (failure) return { delivered: false, failure };
  await repo.patch('Task', task.id!, (r) => ({ ...r, extension: ((r as Task).extension ?? []).filter((e) => e.url !== UPDATE_PENDING_EXT) }) as Task);
  return { delivered: true };
}

export async function referralRespondOperation(ctx: ApiContext, req: FhirRequest, taskId: string): Promise<FhirResponse> {
  const who: Clinician = await clinicianOf(ctx, OP);
  const response = readResponse(req);
  const { task, report } = await applyResponse(ctx.repo, taskId, response, { reference: who.fhirUser, ...(who.display ? { display: who.display } : {}) }, new Date());
  const partner = await who.exchange.partners(ctx.repo).get(senderOf(task)!);
  const notice = await notifyReferrer(ctx.repo, who.exchange.client, partner, task, report, { fhirUser: who.fhirUser, ...(who.display ? { display: who.display } : {}) });
  return {
    status: 200,
    headers: {},
    body: parameters([
      { name: 'task', valueReference: { reference: `Task/${taskId}` } },
      { name: 'status', valueCode: task.status },
      ...(businessStatusOf(task) ? [{ name: 'businessStatus', valueString: businessStatusOf(task)! }] : []),
      { name: 'delivered', valueBoolean: notice.delivered },
      ...(notice.failure ? [{ name: 'detail', valueString: notice.failure }] : []),
    ]),
  };
}
