/**
 * `POST /MedicationRequest/{id}/$request-refill`: asks the prescriber to renew an active
 * medication. Input `note` (optional). Answers 201 with a `refill-request` Task (requested, order)
 * owned by the prescriber, for the patient, focused on the medication. One open request per
 * medication: a second is a 409 (checked under an advisory lock, so two at once cannot both
 * pass); a medication that is not active (stopped, completed, a draft) is a 422.
 */
import type { MedicationRequest, Task } from '@medplum/fhirtypes';
import { badRequest, conflict, isOutcomeError, unprocessable } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { callerOf, checkActsFor, checkPermits, idOf, referenceKey } from './caller.ts';
import { OperationInputs } from '../operation-inputs.ts';
import { OPEN_TASK_STATUSES, REFILL_REQUEST, TASK_CODE_SYSTEM } from './tasks.ts';
import { ref } from './thread.ts';

const OP = '$request-refill';
export const MAX_NOTE_CHARS = 2000;

export const medicationName = (mr: MedicationRequest): string =>
  mr.medicationCodeableConcept?.text ?? mr.medicationCodeableConcept?.coding?.[0]?.display ?? mr.medicationReference?.display ?? 'medication';

export async function requestRefillOperation(ctx: ApiContext, req: FhirRequest, id: string): Promise<FhirResponse> {
  const caller = callerOf(ctx, OP);
  const inputs = OperationInputs.read(req, OP, ['note']);
  const note = inputs.string('note');
  if (note && note.length > MAX_NOTE_CHARS) throw badRequest(`${OP}: 'note' is longer than ${MAX_NOTE_CHARS} characters`);
  const mr = (await ctx.repo.read('MedicationRequest', id)) as MedicationRequest;
  const patientId = idOf(mr.subject, 'Patient');
  if (!patientId) throw unprocessable(`${OP}: this medication is not a patient's prescription`);
  checkActsFor(caller, patientId);
  checkPermits(caller, 'create', 'Task', OP);
  if (mr.status !== 'active') throw unprocessable(`${OP}: only an active medication can be refilled (this one is ${mr.status})`);
  const prescriber = referenceKey(mr.requester);
  if (!prescriber || !/^(Practitioner|PractitionerRole)\//.test(prescriber)) throw unprocessable(`${OP}: this medication has no prescriber on record; please call the clinic`);
  const name = medicationName(mr);
  const task: Task = {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: REFILL_REQUEST,
    description: `Refill request: ${name}`,
    focus: ref(`MedicationRequest/${id}`, name),
    for: ref(`Patient/${patientId}`, mr.subject?.display),
    requester: { reference: caller.fhirUser },
    owner: ref(prescriber, mr.requester?.display),
    authoredOn: new Date().toISOString(),
    ...(note ? { note: [{ text: note, authorReference: { reference: caller.fhirUser } }] } : {}),
  };
  const criteria = `focus=MedicationRequest/${id}&code=${TASK_CODE_SYSTEM}|refill-request&status=${OPEN_TASK_STATUSES.join(',')}`;
  const created = await ctx.repo.inTransaction(async (repo) => {
    // Several open ones (a 412 from the lock) are as much a conflict as one.
    const open = await repo.lockedMatches('Task', criteria, repo.parseCriteria('Task', criteria), 'refill request').catch((err: unknown) => {
      if (isOutcomeError(err) && err.status === 412) return [err];
      throw err;
    });
    if (open.length > 0) throw conflict(`${OP}: a refill of ${name} is already requested and awaits the prescriber`);
    return (await repo.create(task)).resource;
  });
  return { status: 201, headers: { location: `${ctx.baseUrl}/Task/${created.id!}/_history/${created.meta?.versionId ?? '1'}` }, body: created };
}
