/**
 * `POST /fhir/Subscription/$partner-subscribe` (partner route): a partner deployment asks to be
 * told of a topic's events about one patient here. Parameters: topic (valueCanonical, one of
 * TOPICS), patient (valueString, the id here), endpoint (valueUrl, on the partner's own origin).
 * The purpose-of-use header is required; the patient's consent for the partner is checked (403
 * and audited when it refuses) and checked again before every notification. Creates (or finds)
 * the partner's Subscription: requested, id-only payloads, marked with the partner; its handshake
 * then makes it active. Answers 201 (200 when it existed) Parameters {subscription, status}.
 */
import type { Parameters, Subscription } from '@medplum/fhirtypes';
import { badRequest, forbidden } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import { consentDecision } from '../consent/consent.ts';
import { recordDisclosure } from '../consent/disclosures.ts';
import { PURPOSE_HEADER, type PurposeOfUse } from '../types.ts';
import { FHIR_JSON, FILTER_CRITERIA_EXT, isHttpUrl, PAYLOAD_CONTENT_EXT, TOPIC_RESOURCES } from './backport.ts';
import { PARTNER_SUBSCRIBER_EXT } from './companion.ts';
import { findPartnerTarget } from './outbox.ts';
import { rawValue } from './inputs.ts';

const OP = '$partner-subscribe';
const PURPOSES: readonly PurposeOfUse[] = ['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT', 'PUBHLTH', 'PATRQT', 'COC'];

export async function partnerSubscribe(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const caller = ctx.principal?.partner;
  if (!caller || !ctx.exchange) throw forbidden(`${OP} is for partner organizations`);
  const purpose = req.headers[PURPOSE_HEADER]?.trim() as PurposeOfUse | undefined;
  if (!purpose || !PURPOSES.includes(purpose)) throw badRequest(`${OP} needs the ${PURPOSE_HEADER} header (${PURPOSES.join(', ')})`);
  const inputs = OperationInputs.read(req, OP, ['topic', 'patient', 'endpoint']);
  const topic = rawValue(req, 'topic', ['valueCanonical', 'valueUri', 'valueString']);
  const endpoint = rawValue(req, 'endpoint', ['valueUrl', 'valueUri', 'valueString']);
  const patient = inputs.requiredString('patient').replace(/^Patient\//, '');
  if (!topic || !TOPIC_RESOURCES[topic]) throw badRequest(`${OP}: 'topic' must be one of ${Object.keys(TOPIC_RESOURCES).join(', ')}`);
  const partner = await ctx.exchange.partners(ctx.repo).get(caller.organizationId);
  if (!partner?.active) throw forbidden('This partner is not active here');
  if (!endpoint || !isHttpUrl(endpoint) || new URL(endpoint).origin !== new URL(partner.fhirBase).origin) {
    throw badRequest(`${OP}: 'endpoint' must be an http(s) URL on the partner's own origin (${new URL(partner.fhirBase).origin})`);
  }
  ctx.repo.checkId(patient);
  const audit = (outcome: 'success' | 'denied', detail: string) =>
    ctx.exchange!.audit.record({ tenant: ctx.repo.tenantId, action: 'export', outcome, clientId: ctx.principal!.clientId, patients: [patient], resource: 'Subscription', detail });
  const decision = await consentDecision(ctx.repo, patient, partner.organizationId, purpose, new Date(), ctx.exchange.consentDefault);
  if (!decision.permit) {
    await audit('denied', `notification subscription for Organization/${partner.organizationId} for ${purpose} refused: ${decision.reason}`);
    await recordDisclosure(ctx.repo, { patient, organizationId: partner.organizationId, organizationName: partner.name, purpose, kind: 'notification', resources: 0, outcome: 'denied' });
    throw forbidden(`The patient's consent does not permit notifications to this organization: ${decision.reason}`);
  }
  await ctx.repo.read('Patient', patient);
  const existing = await findPartnerTarget(ctx.repo.queryable, ctx.repo.tenantId, partner.organizationId, topic, patient);
  let id = existing?.subscriptionId;
  let status = existing?.status;
  if (!existing) {
    const sub: Subscription = {
      resourceType: 'Subscription',
      status: 'requested',
      reason: `Notifications for partner organization ${partner.name}`,
      criteria: topic,
      _criteria: { extension: [{ url: FILTER_CRITERIA_EXT, valueString: `${TOPIC_RESOURCES[topic][0]}?patient=Patient/${patient}` }] },
      channel: { type: 'rest-hook', endpoint, payload: FHIR_JSON, _payload: { extension: [{ url: PAYLOAD_CONTENT_EXT, valueCode: 'id-only' }] } },
      extension: [{ url: PARTNER_SUBSCRIBER_EXT, valueReference: { reference: `Organization/${partner.organizationId}`, display: partner.name } }],
    } as Subscription;
    const created = (await ctx.repo.create(sub)).resource as Subscription;
    id = created.id!;
    status = created.status;
  }
  await audit('success', `notification subscription for Organization/${partner.organizationId} for ${purpose}: 0 resources`);
  const out: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'subscription', valueString: id! },
      { name: 'status', valueCode: status! },
    ],
  };
  return { status: existing ? 200 : 201, headers: {}, body: out };
}
