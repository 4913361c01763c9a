/**
 * `POST Task/$referral-update` (partner deployments only): the referring side hears that its
 * referral changed state at the partner (referral-update.ts reads the message). The Task is found
 * by its referral identifier among those this organization sent to that very partner (another
 * partner's referral is a 404). In one transaction: the Task moves (state.ts; a move it refuses is
 * a 409, the same state again is a no-op so a repeated notice is harmless), a returned report is
 * stored as a DocumentReference of the patient marked external with a Provenance naming the
 * partner, and the referring clinician gets an inbox Task (EXCHANGE_NOTICE_CODE) pointing at the
 * report (or at the referral, when it was declined). Answers 200 Parameters {task, status}.
 */
import type { DocumentReference, Patient, Provenance, Reference, Task } from '@medplum/fhirtypes';
import { notFound } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import type { Repository } from '../../store/repository.ts';
import { EXCHANGE_NOTICE_CODE, EXTERNAL_TAG, REFERRAL_ID_SYSTEM } from '../codes.ts';
import { partnerOf } from './callers.ts';
import { parameters } from './parameters.ts';
import { sourceExtension, type Sender } from './placement.ts';
import { CONSULT_NOTE_TYPE } from './referral-codes.ts';
import { businessStatus, businessStatusOf, isReferral } from './referral-package.ts';
import { readUpdate, type ReferralUpdate } from './referral-update.ts';
import { checkMove } from './state.ts';

const OP = '$referral-update';

function sameState(task: Task, u: ReferralUpdate): boolean {
  return task.status === u.status && businessStatusOf(task) === u.businessStatus && (u.status !== 'in-progress' || task.executionPeriod?.start === u.appointmentDate);
}

/** Applies a partner's update to the referral it names (see the header). */
export async function applyReferralUpdate(repo: Repository, u: ReferralUpdate, sender: Sender, now: Date): Promise<{ task: Task; report?: string; changed: boolean }> {
  return repo.inTransaction(async (tx) => {
    const criteria = `identifier=${encodeURIComponent(`${REFERRAL_ID_SYSTEM}|${u.referralId}`)}`;
    const matches = await tx.lockedMatches('Task', criteria, tx.parseCriteria('Task', criteria), 'referral update');
    const task = matches[0] ? (JSON.parse(matches[0].content) as Task) : undefined;
    const external = task?.meta?.tag?.some((t) => t.code === EXTERNAL_TAG.code);
    if (!task || !isReferral(task) || external || task.owner?.reference !== `Organization/${sender.organizationId}`) throw notFound(`No referral ${u.referralId} was sent to this partner`);
    if (sameState(task, u)) return { task, changed: false };
    checkMove(task, u.status);
    const patient = task.for! as Reference<Patient>;
    let reportId: string | undefined;
    if (u.report) {
      const doc: DocumentReference = {
        resourceType: 'DocumentReference',
        meta: { tag: [EXTERNAL_TAG] },
        extension: [sourceExtension(sender)],
        identifier: [{ system: REFERRAL_ID_SYSTEM, value: u.referralId }],
        status: 'current',
        type: u.report.type ?? { coding: [CONSULT_NOTE_TYPE], text: CONSULT_NOTE_TYPE.display },
        subject: patient,
        date: u.report.date ?? now.toISOString(),
        author: [...(u.report.author ?? []).filter((a) => a.display).map((a) => ({ display: a.display! })), { reference: `Organization/${sender.organizationId}`, display: sender.name }],
        description: `Consult report from ${sender.name}`,
        content: u.report.content.map((c) => ({ attachment: c.attachment })),
        context: { related: [{ reference: `Task/${task.id!}` }] },
      };
      reportId = (await tx.create(doc)).resource.id!;
      const provenance: Provenance = {
        resourceType: 'Provenance',
        target: [{ reference: `DocumentReference/${reportId}` }],
        recorded: now.toISOString(),
        activity: { text: 'Consult report returned by a partner organization' },
        agent: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] }, who: { reference: `Organization/${sender.organizationId}`, display: sender.name } }],
        entity: [{ role: 'source', what: { identifier: { system: REFERRAL_ID_SYSTEM, value: u.referralId }, display: `Referral ${u.referralId} at ${sender.name}` } }],
      };
      await tx.create(provenance);
    }
    const { businessStatus: _b, statusReason: _s, executionPeriod: _e, ...rest } = task;
    const next: Task = {
      ...rest,
      status: u.status,
      lastModified: now.toISOString(),
      ...(u.businessStatus ? { businessStatus: businessStatus(u.businessStatus) } : {}),
      ...(u.reason ? { statusReason: { text: u.reason } } : {}),
      ...(u.appointmentDate ? { executionPeriod: { start: u.appointmentDate } } : {}),
      ...(reportId ? { output: [{ type: { coding: [CONSULT_NOTE_TYPE], text: 'Consult report' }, valueReference: { reference: `DocumentReference/${reportId}` } }] } : {}),
    };
    const stored = (await tx.update('Task', task.id!, next)).resource as Task;
    const tell = reportId ?? (u.status === 'rejected' ? `Task/${task.id!}` : undefined);
    if (tell && task.requester?.reference) {
      const notice: Task = {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        code: { coding: [EXCHANGE_NOTICE_CODE], text: EXCHANGE_NOTICE_CODE.display },
        description: reportId ? `Consult report returned by ${sender.name}` : `Referral declined by ${sender.name}`,
        focus: { reference: reportId ? `DocumentReference/${reportId}` : tell },
        for: patient,
        authoredOn: now.toISOString(),
        owner: { reference: task.requester.reference, ...(task.requester.display ? { display: task.requester.display } : {}) },
        requester: { reference: `Organization/${sender.organizationId}`, display: sender.name },
        basedOn: [{ reference: `Task/${task.id!}` }],
      };
      await tx.create(notice);
    }
    return { task: stored, ...(reportId ? { report: reportId } : {}), changed: true };
  });
}

export async function referralUpdateOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const sender = partnerOf(ctx, req, OP);
  const update = readUpdate(req);
  const { task } = await applyReferralUpdate(ctx.repo, update, sender, new Date());
  return { status: 200, headers: {}, body: parameters([{ name: 'task', valueString: task.id! }, { name: 'status', valueCode: task.status }]) };
}
