/**
 * `POST /exchange/notify`: where partners deliver the notifications of the Subscriptions this
 * deployment asked for ($follow-partner). The body is a backport notification Bundle; header
 * `x-continuum-signature` a detached JWS over its exact bytes, whose protected header names the
 * sender's FHIR base (`iss`). The sender is the partner with that base in a tenant's directory
 * (the tenant that followed this Subscription, for an event), and the signature must verify
 * against that partner's keys: otherwise 401. A verified event notification becomes an inbox
 * Task (EXCHANGE_NOTICE_CODE) on the local patient, with the focus URL at the partner as input
 * and no clinical content; the same event delivered twice makes one Task. A handshake (or
 * heartbeat) is acknowledged. A notification of a Subscription not followed here is a 404, so
 * the partner retries it (it may arrive before $follow-partner has recorded the Subscription).
 */
import type { Bundle, Parameters, ParametersParameter, Task } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound, unauthorized } from '@continuum/fhir';
import { Repository } from '../../store/repository.ts';
import { tenantsWithToken } from '../../store/tenants.ts';
import { EXCHANGE_NOTICE_CODE, PARTNER_TAG, TOPICS } from '../codes.ts';
import type { ExchangeHttpDeps } from '../register.ts';
import type { Partner } from '../types.ts';
import { SIGNATURE_HEADER } from './delivery-loop.ts';
import { readFollow } from './outbox.ts';

export const NOTIFY_PATH = '/exchange/notify';
const NOTICE_SYSTEM = 'urn:continuum:notification';
const TOPIC_LABEL: Record<string, string> = { [TOPICS.newResult]: 'new result', [TOPICS.admission]: 'admission', [TOPICS.discharge]: 'discharge' };

export function registerNotifyEndpoint(app: FastifyInstance, deps: ExchangeHttpDeps): void {
  void app.register(async (scope) => {
    // The signature covers the exact bytes: keep them, parse here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(['application/fhir+json', 'application/json'], { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.post(NOTIFY_PATH, async (req, reply) => {
      const { status, body } = await receive(req, deps);
      return reply.code(status).header('content-type', 'application/fhir+json').send(JSON.stringify(body));
    });
  });
}

async function receive(req: FastifyRequest, deps: ExchangeHttpDeps): Promise<{ status: number; body: unknown }> {
  const raw = req.body;
  if (!Buffer.isBuffer(raw)) throw badRequest('The notification must be a FHIR JSON Bundle');
  const signature = req.headers[SIGNATURE_HEADER];
  if (typeof signature !== 'string') throw unauthorized(`A notification must be signed (${SIGNATURE_HEADER})`);
  const iss = issuerOf(signature);
  const status = statusOf(raw);
  const subscriptionUrl = status.parameter?.find((p) => p.name === 'subscription')?.valueReference?.reference;
  const type = status.parameter?.find((p) => p.name === 'type')?.valueCode;
  if (!subscriptionUrl || !type) throw badRequest('The SubscriptionStatus needs subscription and type');
  const isEvent = type === 'event-notification';
  const follow = await readFollow(deps.db, subscriptionUrl);
  const candidates = follow ? await partnerIn(deps, follow.tenantId, iss, follow.partnerOrg) : await partnersWithBase(deps, iss);
  if (candidates.length === 0) throw unauthorized('The notification is not from a known partner');
  let verified: { tenant: string; partner: Partner } | undefined;
  for (const c of candidates) {
    try {
      await deps.exchange.verifier.verify(c.partner, signature, raw);
      verified = c;
      break;
    } catch {
      // Not this partner's keys: try the next tenant's entry for the same base.
    }
  }
  if (!verified) throw unauthorized('The notification signature does not verify');
  if (!isEvent) return { status: 200, body: ok(`${type} acknowledged`) };
  if (!follow) throw notFound('This Subscription is not followed here');
  const event = status.parameter?.find((p) => p.name === 'notification-event');
  const focus = part(event, 'focus')?.valueReference?.reference;
  const number = part(event, 'event-number')?.valueString ?? '';
  const topic = status.parameter?.find((p) => p.name === 'topic')?.valueCanonical ?? follow.topic;
  if (!focus || !focus.startsWith(verified.partner.fhirBase.replace(/\/+$/, '') + '/')) throw badRequest('The notification event needs a focus at the partner');
  const focusType = focus.slice(verified.partner.fhirBase.replace(/\/+$/, '').length + 1).split('/')[0] ?? 'resource';
  const repo = new Repository({ db: deps.db, indexer: await deps.indexers.indexerFor(follow.tenantId) }, follow.tenantId);
  const identifier = `${subscriptionUrl}#${number}`;
  const task: Task = {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ ...EXCHANGE_NOTICE_CODE }] },
    identifier: [{ system: NOTICE_SYSTEM, value: identifier }],
    description: `${verified.partner.name}: ${TOPIC_LABEL[topic] ?? 'notification'} (${focusType})`,
    for: { reference: `Patient/${follow.patientId}` },
    requester: { reference: `Organization/${verified.partner.organizationId}`, display: verified.partner.name },
    authoredOn: new Date().toISOString(),
    input: [{ type: { text: 'focus' }, valueUrl: focus }],
  };
  const { resource, created } = await repo.create(task, { ifNoneExist: `identifier=${encodeURIComponent(`${NOTICE_SYSTEM}|${identifier}`)}` });
  await deps.audit.record({
    tenant: follow.tenantId,
    action: 'create',
    outcome: 'success',
    clientId: 'exchange-notify',
    patients: [follow.patientId],
    resource: `Task/${resource.id}`,
    sourceIp: req.ip,
    detail: `notification from Organization/${verified.partner.organizationId} ${created ? 'stored' : 'already stored'}`,
  });
  return { status: 200, body: ok(`stored as Task/${resource.id}`) };
}

/** The `iss` of a detached compact JWS's protected header (no verification yet). */
function issuerOf(jws: string): string {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts[1] !== '') throw unauthorized('The signature must be a detached compact JWS');
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { iss?: unknown };
    if (typeof header.iss === 'string' && header.iss) return header.iss;
  } catch {
    // fall through
  }
  throw unauthorized('The signature header must name the sender (iss)');
}

function statusOf(raw: Buffer): Parameters {
  let bundle: Bundle;
  try {
    bundle = JSON.parse(raw.toString('utf8')) as Bundle;
  } catch {
    throw badRequest('The notification is not valid JSON');
  }
  const first = bundle?.resourceType === 'Bundle' && bundle.type === 'history' ? bundle.entry?.[0]?.resource : undefined;
  if (first?.resourceType !== 'Parameters') throw badRequest('A notification is a history Bundle whose first entry is the SubscriptionStatus Parameters');
  return first;
}

function part(p: ParametersParameter | undefined, name: string): ParametersParameter | undefined {
  return p?.part?.find((x) => x.name === name);
}

const sameBase = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

async function partnerIn(deps: ExchangeHttpDeps, tenant: string, iss: string, organizationId: string): Promise<{ tenant: string; partner: Partner }[]> {
  const repo = new Repository({ db: deps.db, indexer: await deps.indexers.indexerFor(tenant) }, tenant);
  const partner = await deps.exchange.partners(repo).get(organizationId);
  return partner?.active && sameBase(partner.fhirBase, iss) ? [{ tenant, partner }] : [];
}

/** Every tenant's active partner whose FHIR base is `iss`. */
async function partnersWithBase(deps: ExchangeHttpDeps, iss: string): Promise<{ tenant: string; partner: Partner }[]> {
  const tagged = await tenantsWithToken(deps.db, { resourceType: 'Organization', param: '_tag', system: PARTNER_TAG.system, code: PARTNER_TAG.code });
  const out: { tenant: string; partner: Partner }[] = [];
  for (const tenant of new Set([...tagged, deps.config.defaultTenant])) {
    const repo = new Repository({ db: deps.db, indexer: await deps.indexers.indexerFor(tenant) }, tenant);
    for (const partner of await deps.exchange.partners(repo).list()) if (partner.active && sameBase(partner.fhirBase, iss)) out.push({ tenant, partner });
  }
  return out;
}

function ok(text: string): { resourceType: 'OperationOutcome'; issue: { severity: 'information'; code: 'informational'; diagnostics: string }[] } {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: text }] };
}
