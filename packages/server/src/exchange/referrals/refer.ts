/**
 * `POST Patient/[id]/$refer` and `POST Task/[id]/$resend-referral`, the referring side. `$refer`
 * takes `partner` (Reference to a partner Organization), `reason`, `reasonCode`, `specialty`,
 * `priority` (routine|urgent|asap|stat, default routine) and `note`; it checks the patient's
 * consent to treatment-purpose sharing with that partner (403 when denied, audited and recorded
 * as a denied disclosure), creates the ServiceRequest and Task, and sends the package. A failed
 * send is not an error: the answer says `delivered: false` and `$resend-referral` tries again
 * (the receiving side recognises a referral it already has). Both answer Parameters {task,
 * serviceRequest, delivered}.
 */
import type { Resource, Task } from '@medplum/fhirtypes';
import { badRequest, conflict, forbidden, notFound } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import { summaryReader } from '../../portal/record/record-access.ts';
import type { CanSee } from '../../portal/record/record-reader.ts';
import { EXTERNAL_TAG } from '../codes.ts';
import { consentDecision } from '../consent/consent.ts';
import { recordDisclosure } from '../consent/disclosures.ts';
import type { Partner } from '../types.ts';
import { activePartner, clinicianOf, type Clinician } from './callers.ts';
import { parameters } from './parameters.ts';
import { createReferral, deliverReferral, isReferral, PRIORITIES, type Priority } from './referral-package.ts';
import { auditActor } from '../../auth/audit-sink.ts';

const MAX_TEXT = 4000;

async function audit(who: Clinician, patientId: string, outcome: 'success' | 'denied', detail: string, resource?: string): Promise<void> {
  const p = who.principal;
  await who.exchange.audit.record({
    ...auditActor(p),
    action: 'export',
    outcome,
    patients: [patientId],
    ...(resource ? { resource } : {}),
    detail,
  });
}

/** What of the record may go to `partner`: the caller's view less what consent withholds. A denial is audited, recorded and a 403. */
async function consentedView(ctx: ApiContext, who: Clinician, partner: Partner, patientId: string, op: string): Promise<CanSee> {
  const callerSees = await summaryReader(ctx, patientId);
  const decision = await consentDecision(ctx.repo, patientId, partner.organizationId, 'TREAT', new Date(), ctx.exchange?.consentDefault);
  if (!decision.permit) {
    await recordDisclosure(ctx.repo, { patient: patientId, organizationId: partner.organizationId, organizationName: partner.name, purpose: 'TREAT', kind: 'referral', resources: 0, outcome: 'denied' });
    await audit(who, patientId, 'denied', `referral to Organization/${partner.organizationId} for TREAT refused: ${decision.reason}`);
    throw forbidden(`${op}: the patient's consent does not allow sharing their record with ${partner.name} (${decision.reason})`);
  }
  const withheld = new Set(decision.withheldLabels);
  return (r: Resource) => callerSees(r) && !(r.meta?.security ?? []).some((s) => s.code !== undefined && withheld.has(s.code));
}

async function send(ctx: ApiContext, who: Clinician, partner: Partner, task: Task, canSee: CanSee): Promise<FhirResponse> {
  const patientId = task.for!.reference!.split('/')[1]!;
  const onBehalfOf = { fhirUser: who.fhirUser, ...(who.display ? { display: who.display } : {}) };
  const delivery = await deliverReferral({ repo: ctx.repo, baseUrl: ctx.baseUrl, client: who.exchange.client, canSee, onBehalfOf }, partner, task.id!);
  if (delivery.delivered) {
    await audit(who, patientId, 'success', `disclosure to Organization/${partner.organizationId} for TREAT: ${delivery.resources} resources (referral)`, `Task/${task.id!}`);
  }
  return {
    status: 200,
    headers: {},
    body: parameters([
      { name: 'task', valueReference: { reference: `Task/${task.id!}` } },
      { name: 'serviceRequest', valueReference: { reference: task.focus!.reference! } },
      { name: 'delivered', valueBoolean: delivery.delivered },
      ...(delivery.failure ? [{ name: 'detail', valueString: delivery.failure }] : []),
    ]),
  };
}

export async function referOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const OP = '$refer';
  const who = await clinicianOf(ctx, OP);
  const inputs = OperationInputs.read(req, OP, ['partner', 'reason', 'reasonCode', 'specialty', 'priority', 'note']);
  const partnerId = inputs.requiredReference('partner', 'Organization');
  const reason = inputs.requiredString('reason');
  const note = inputs.string('note');
  if (reason.length > MAX_TEXT || (note?.length ?? 0) > MAX_TEXT) throw badRequest(`${OP}: 'reason' and 'note' are at most ${MAX_TEXT} characters`);
  const priority = (inputs.code('priority') ?? 'routine') as Priority;
  if (!PRIORITIES.includes(priority)) throw badRequest(`${OP}: 'priority' must be one of ${PRIORITIES.join(', ')}`);
  const reasonCode = inputs.coding('reasonCode');
  const specialty = inputs.coding('specialty');
  const partner = await activePartner(ctx, who.exchange, partnerId, OP);
  const canSee = await consentedView(ctx, who, partner, patientId, OP);
  const { task } = await createReferral(ctx.repo, {
    patientId,
    partner,
    requester: { reference: who.fhirUser, ...(who.display ? { display: who.display } : {}) },
    reason,
    priority,
    now: new Date(),
    ...(reasonCode ? { reasonCode } : {}),
    ...(specialty ? { specialty } : {}),
    ...(note ? { note } : {}),
  });
  return send(ctx, who, partner, task, canSee);
}

export async function resendReferralOperation(ctx: ApiContext, req: FhirRequest, taskId: string): Promise<FhirResponse> {
  const OP = '$resend-referral';
  const who = await clinicianOf(ctx, OP);
  OperationInputs.read(req, OP, []);
  const task = (await ctx.repo.read('Task', taskId)) as Task;
  const ownerId = task.owner?.reference?.startsWith('Organization/') ? task.owner.reference.slice('Organization/'.length) : undefined;
  const received = task.meta?.tag?.some((t) => t.system === EXTERNAL_TAG.system && t.code === EXTERNAL_TAG.code);
  if (!isReferral(task) || received || !ownerId || !task.for?.reference || !task.focus?.reference) throw notFound(`Task/${taskId} is not a referral this organization sent`);
  if (task.status !== 'requested') throw conflict(`${OP}: the referral is ${task.status}; the partner already has it`);
  const partner = await activePartner(ctx, who.exchange, ownerId, OP);
  const canSee = await consentedView(ctx, who, partner, task.for.reference.split('/')[1]!, OP);
  return send(ctx, who, partner, task, canSee);
}
