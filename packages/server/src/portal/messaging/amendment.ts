/**
 * Amendments (HIPAA, 45 CFR 164.526): a patient asks the clinic to correct their record, and the
 * clinic accepts or denies within 60 days.
 * - `POST /Patient/{id}/$request-amendment`: inputs `text` (required) and `focus` (optional: a
 *   resource of that patient's record) → 201 `amendment-request` Task, requested, owned by the
 *   patient's PCP, due (`restriction.period.end`) 60 days on.
 * - `POST /Task/{id}/$decide-amendment` (staff who may update Tasks): inputs `decision`
 *   (`accepted` | `denied`) and `reason` (required to deny) → the Task `completed` or `rejected`,
 *   with `businessStatus.text` and `statusReason.text`. A decided request is a 409.
 */
import type { Patient, Resource, Task } from '@medplum/fhirtypes';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { callerOf, checkActsFor, checkPermits } from './caller.ts';
import { OperationInputs } from '../operation-inputs.ts';
import { primaryCare } from './recipients.ts';
import { AMENDMENT_REQUEST, hasCode, OPEN_TASK_STATUSES } from './tasks.ts';
import { nameText, ref } from './thread.ts';

const REQUEST = '$request-amendment';
const DECIDE = '$decide-amendment';
export const AMENDMENT_DAYS = 60;
export const MAX_AMENDMENT_CHARS = 5000;

/** The resource `focus` names, when it is in the patient's record; else a 404 that leaks nothing. */
async function recordResource(ctx: ApiContext, patientId: string, focus: { type: string; id: string }): Promise<Resource> {
  const resource = await ctx.repo.read(focus.type, focus.id).catch(() => undefined);
  if (!resource || !ctx.repo.indexer.index(resource).compartments.includes(patientId)) throw notFound(`${REQUEST}: ${focus.type}/${focus.id} is not in this patient's record`);
  return resource;
}

export async function requestAmendmentOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const caller = callerOf(ctx, REQUEST);
  checkActsFor(caller, patientId);
  checkPermits(caller, 'create', 'Task', REQUEST);
  const inputs = OperationInputs.read(req, REQUEST, ['text', 'focus']);
  const text = inputs.requiredString('text');
  if (text.length > MAX_AMENDMENT_CHARS) throw badRequest(`${REQUEST}: 'text' is longer than ${MAX_AMENDMENT_CHARS} characters`);
  const focusRef = inputs.reference('focus', []);
  const focus = focusRef ? await recordResource(ctx, patientId, focusRef) : undefined;
  const patient = (await ctx.repo.read('Patient', patientId)) as Patient;
  const owner = primaryCare(patient);
  const now = new Date();
  const task: Task = {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: AMENDMENT_REQUEST,
    description: 'Request to amend the health record',
    for: ref(`Patient/${patientId}`, nameText(patient.name)),
    ...(focus ? { focus: { reference: `${focus.resourceType}/${focus.id!}` } } : {}),
    requester: { reference: caller.fhirUser },
    ...(owner ? { owner: { reference: owner } } : {}),
    authoredOn: now.toISOString(),
    restriction: { period: { end: new Date(now.getTime() + AMENDMENT_DAYS * 86_400_000).toISOString() } },
    input: [{ type: { text: 'Requested amendment' }, valueString: text }],
  };
  const { resource } = await ctx.repo.create(task);
  return { status: 201, headers: { location: `${ctx.baseUrl}/Task/${resource.id!}/_history/${resource.meta?.versionId ?? '1'}` }, body: resource };
}

export async function decideAmendmentOperation(ctx: ApiContext, req: FhirRequest, taskId: string): Promise<FhirResponse> {
  const caller = callerOf(ctx, DECIDE);
  if (caller.side !== 'staff') throw forbidden(`${DECIDE}: only the clinic decides on an amendment`);
  checkPermits(caller, 'update', 'Task', DECIDE);
  const inputs = OperationInputs.read(req, DECIDE, ['decision', 'reason']);
  const decision = inputs.code('decision');
  if (decision !== 'accepted' && decision !== 'denied') throw badRequest(`${DECIDE}: 'decision' must be accepted or denied`);
  const reason = inputs.string('reason');
  if (decision === 'denied' && !reason) throw badRequest(`${DECIDE}: a denial needs a 'reason' (the patient is told why)`);
  const { resource } = await ctx.repo.patch('Task', taskId, (current) => {
    const task = current as Task;
    if (!hasCode(task.code, AMENDMENT_REQUEST)) throw unprocessable(`${DECIDE}: Task/${taskId} is not an amendment request`);
    if (!(OPEN_TASK_STATUSES as readonly string[]).includes(task.status)) throw conflict(`${DECIDE}: this amendment request was already decided (${task.status})`);
    const now = new Date().toISOString();
    return {
      ...task,
      status: decision === 'accepted' ? 'completed' : 'rejected',
      businessStatus: { text: decision === 'accepted' ? 'Accepted' : 'Denied' },
      statusReason: { text: reason ?? 'Amendment accepted' },
      owner: { reference: caller.fhirUser },
      lastModified: now,
      executionPeriod: { ...task.executionPeriod, end: now },
    };
  });
  return { status: 200, headers: {}, body: resource };
}
