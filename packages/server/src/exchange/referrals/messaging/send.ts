/**
 * `POST Communication/$send-to-partner`: a physician or nurse writes to a partner organization.
 * Inputs `partner` (Reference to a partner Organization), `patient` (Reference, optional: the
 * local patient it is about), `topic`, `text`, `attachment`* (PDF, PNG, JPEG or plain text, at
 * most 5 MB each: portal/messaging/attachments.ts) and `inResponseTo` (the shared identifier value
 * of the message answered). A message about a patient needs the patient's consent to share with
 * that partner (403 otherwise, audited and recorded as a denied disclosure). The local
 * Communication (category PARTNER_MESSAGE, identifier `urn:continuum:message|<uuid>`) is stored
 * first, then sent; it ends `completed` when the partner took it and `not-done` (statusReason
 * "not delivered") when not. Answers 201 Parameters {communication, identifier, delivered}.
 */
import { randomUUID } from 'node:crypto';
import type { Communication, Patient } from '@medplum/fhirtypes';
import { badRequest, forbidden } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../../api/types.ts';
import { checkAttachments } from '../../../portal/messaging/attachments.ts';
import { OperationInputs } from '../../../portal/operation-inputs.ts';
import { summaryReader } from '../../../portal/record/record-access.ts';
import type { Repository } from '../../../store/repository.ts';
import { consentDecision } from '../../consent/consent.ts';
import { recordDisclosure } from '../../consent/disclosures.ts';
import { ExchangeError, type Partner } from '../../types.ts';
import { activePartner, clinicianOf, type Clinician } from '../callers.ts';
import { parameters } from '../parameters.ts';
import { MESSAGE_ID_SYSTEM, PARTNER_MESSAGE } from '../referral-codes.ts';
import { MAX_TEXT, MAX_TOPIC, messageParameters } from './partner-message.ts';
import { auditActor } from '../../../auth/audit-sink.ts';

const OP = '$send-to-partner';

/** The local message answered, by its shared identifier (400 when there is none). */
async function answered(repo: Repository, messageId: string): Promise<Communication> {
  const criteria = new URLSearchParams({ identifier: `${MESSAGE_ID_SYSTEM}|${messageId}` }).toString();
  const page = await repo.search(repo.parseCriteria('Communication', criteria), { count: 1 });
  if (!page.matches[0]) throw badRequest(`${OP}: 'inResponseTo' names no message known here`);
  return JSON.parse(page.matches[0].content) as Communication;
}

async function checkConsent(ctx: ApiContext, who: Clinician, partner: Partner, patientId: string): Promise<void> {
  await summaryReader(ctx, patientId);
  const decision = await consentDecision(ctx.repo, patientId, partner.organizationId, 'TREAT', new Date(), ctx.exchange?.consentDefault);
  if (decision.permit) return;
  await recordDisclosure(ctx.repo, { patient: patientId, organizationId: partner.organizationId, organizationName: partner.name, purpose: 'TREAT', kind: 'message', resources: 0, outcome: 'denied' });
  const p = who.principal;
  await who.exchange.audit.record({ ...auditActor(p), action: 'export', outcome: 'denied', patients: [patientId], detail: `message to Organization/${partner.organizationId} for TREAT refused: ${decision.reason}` });
  throw forbidden(`${OP}: the patient's consent does not allow sharing with ${partner.name} (${decision.reason})`);
}

export async function sendToPartnerOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const who = await clinicianOf(ctx, OP);
  const inputs = OperationInputs.read(req, OP, ['partner', 'patient', 'topic', 'text', 'attachment', 'inResponseTo']);
  const partnerId = inputs.requiredReference('partner', 'Organization');
  const patientRef = inputs.reference('patient', ['Patient']);
  const text = inputs.requiredString('text');
  const topic = inputs.string('topic');
  if (text.length > MAX_TEXT) throw badRequest(`${OP}: 'text' is longer than ${MAX_TEXT} characters`);
  if ((topic?.length ?? 0) > MAX_TOPIC) throw badRequest(`${OP}: 'topic' is longer than ${MAX_TOPIC} characters`);
  const attachments = checkAttachments(inputs.attachments('attachment'), OP);
  const inResponseTo = inputs.string('inResponseTo');
  const partner = await activePartner(ctx, who.exchange, partnerId, OP);
  const previous = inResponseTo ? await answered(ctx.repo, inResponseTo) : undefined;
  const patient = patientRef ? ((await ctx.repo.read('Patient', patientRef.id)) as Patient) : undefined;
  if (patient) await checkConsent(ctx, who, partner, patient.id!);
  const messageId = randomUUID();
  const sent = new Date().toISOString();
  const local: Communication = {
    resourceType: 'Communication',
    identifier: [{ system: MESSAGE_ID_SYSTEM, value: messageId }],
    status: 'in-progress',
    category: [{ coding: [PARTNER_MESSAGE], text: PARTNER_MESSAGE.display }],
    ...(patient ? { subject: { reference: `Patient/${patient.id!}` } } : {}),
    ...(topic ? { topic: { text: topic } } : {}),
    sender: { reference: who.fhirUser, ...(who.display ? { display: who.display } : {}) },
    recipient: [{ reference: `Organization/${partner.organizationId}`, display: partner.name }],
    sent,
    payload: [{ contentString: text }, ...attachments.map((contentAttachment) => ({ contentAttachment }))],
    ...(previous ? { inResponseTo: [{ reference: `Communication/${previous.id!}` }] } : {}),
  };
  const stored = (await ctx.repo.create(local)).resource as Communication;
  const body = messageParameters({ messageId, text, attachments, sent, ...(who.display ? { senderDisplay: who.display } : {}), ...(topic ? { topic } : {}), ...(inResponseTo ? { inResponseTo } : {}), ...(patient ? { patient } : {}) });
  let failure: string | undefined;
  try {
    const res = await who.exchange.client.call(partner, { method: 'POST', path: '/Communication/$partner-receive', body, purposeOfUse: 'TREAT', onBehalfOf: { fhirUser: who.fhirUser, ...(who.display ? { display: who.display } : {}) } });
    if (res.status !== 200 && res.status !== 201) failure = `the partner answered ${res.status}`;
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    failure = `the partner could not be reached: ${err.message}`;
  }
  const final = (await ctx.repo.update('Communication', stored.id!, { ...stored, status: failure ? 'not-done' : 'completed', ...(failure ? { statusReason: { text: 'not delivered' } } : {}) })).resource as Communication;
  if (!failure && patient) {
    await recordDisclosure(ctx.repo, { patient: patient.id!, organizationId: partner.organizationId, organizationName: partner.name, purpose: 'TREAT', kind: 'message', resources: 1, outcome: 'disclosed' });
    const p = who.principal;
    await who.exchange.audit.record({ ...auditActor(p), action: 'export', outcome: 'success', patients: [patient.id!], resource: `Communication/${stored.id!}`, detail: `disclosure to Organization/${partner.organizationId} for TREAT: 1 resources (message)` });
  }
  return {
    status: 201,
    headers: {},
    body: parameters([
      { name: 'communication', valueReference: { reference: `Communication/${final.id!}` } },
      { name: 'identifier', valueString: messageId },
      { name: 'delivered', valueBoolean: !failure },
      ...(failure ? [{ name: 'detail', valueString: failure }] : []),
    ]),
  };
}
