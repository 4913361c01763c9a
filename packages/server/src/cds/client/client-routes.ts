/**
 * Continuum's CDS client, the one path every alert takes to the web app:
 * - `POST /cds-client/{hook}` with `{ hookInstance?, context }`: checks the request and the
 *   caller's right to see the patient, then calls every service for the hook (dispatch.ts) and
 *   answers `{ cards: [card + serviceId], services: [{ id, title, status }] }`;
 * - `POST /cds-client/feedback` with `{ serviceId, feedback }`: forwards the feedback to that
 *   service's feedback endpoint (Continuum's own records it in the audit trail).
 * Continuum's own services are called through `app.inject` with the user's token: the same HTTP
 * contract, authentication and access checks as any client. Outside services get a signed JWT.
 * Each call is audited with the services the patient's data went to. `GET /cds-client/jwks` (public,
 * like any JWKS) publishes the key outside services verify Continuum's JWTs with.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, notFound } from '@continuum/fhir';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JWK } from 'jose';
import type { Principal } from '../../access/policy.ts';
import type { AuditSink } from '../../auth/audit-sink.ts';
import { assertCdsCaller } from '../caller.ts';
import { parseFeedback } from '../feedback.ts';
import type { GatewayFactory } from '../fhir-gateway.ts';
import { parseHookRequest } from '../request.ts';
import { serviceById } from '../services.ts';
import { isHook } from '../types.ts';
import { dispatch, type CallResult } from './dispatch.ts';
import { DiscoveryCache, registeredEndpoints } from './endpoints.ts';
import { CDS_JWKS_PATH, cdsClientJwt, publicJwks } from './jwt.ts';

export interface CdsClientDeps {
  authenticate: (req: FastifyRequest) => Promise<Principal>;
  gateways: GatewayFactory;
  audit: AuditSink;
  origin: (req: FastifyRequest) => string;
  /** Continuum's CDS client signing key (private; its public half is served at /cds-client/jwks). */
  signingKey: () => Promise<JWK>;
  timeoutMs?: number;
  now?: () => Date;
}

const MAX_RESPONSE = 1_000_000;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function postJson(url: string, body: unknown, headers: Record<string, string>, signal: AbortSignal): Promise<CallResult> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body), signal, redirect: 'error' });
  const text = await res.text();
  if (!res.ok || text.length > MAX_RESPONSE) return { status: 'failed' };
  return { status: 'ok', json: text ? JSON.parse(text) : {} };
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(3000), redirect: 'error' });
  if (!res.ok) throw new Error(`discovery answered ${res.status}`);
  return res.json();
}

/**
 * The headers of an in-process call to Continuum's own service: the user's token, and the host it
 * was presented to (a token is bound to the origin that issued it, unless CONTINUUM_BASE_URL is set).
 */
function ownHeaders(req: FastifyRequest): Record<string, string> {
  return { authorization: req.headers.authorization ?? '', 'content-type': 'application/json', ...(req.headers.host ? { host: req.headers.host } : {}) };
}

export function registerCdsClient(app: FastifyInstance, deps: CdsClientDeps): void {
  const now = deps.now ?? (() => new Date());
  const discovery = new DiscoveryCache(getJson);
  const timeoutMs = deps.timeoutMs ?? 3000;

  async function outsideServices(principal: Principal, origin: string) {
    const fhir = await deps.gateways(principal, `${origin}/fhir`);
    const endpoints = await registeredEndpoints(fhir);
    return { fhir, ...(await discovery.services(endpoints, now().getTime())) };
  }

  // Public by nature, like /oauth/jwks: outside services fetch it to verify Continuum's JWTs.
  app.get(CDS_JWKS_PATH, async (_req, reply) => reply.code(200).header('content-type', 'application/json').header('cache-control', 'max-age=300').send(publicJwks(await deps.signingKey())));

  app.post('/cds-client/feedback', async (req, reply) => {
    const principal = await deps.authenticate(req);
    assertCdsCaller(principal);
    const body = req.body;
    if (!isObject(body) || typeof body.serviceId !== 'string' || !Array.isArray(body.feedback)) throw badRequest('The body must be { "serviceId": ..., "feedback": [ ... ] }');
    const payload = { feedback: body.feedback };
    if (serviceById(body.serviceId)) {
      const res = await app.inject({ method: 'POST', url: `/cds-services/${encodeURIComponent(body.serviceId)}/feedback`, headers: ownHeaders(req), payload });
      return reply.code(res.statusCode).header('content-type', res.headers['content-type'] ?? 'application/json').send(res.body);
    }
    const origin = deps.origin(req);
    const { services } = await outsideServices(principal, origin);
    const target = services.find((s) => s.definition.id === body.serviceId);
    if (!target) throw notFound(`No CDS service '${body.serviceId}'`);
    parseFeedback(payload);
    const url = `${target.discovery}/${encodeURIComponent(target.definition.id)}/feedback`;
    const jwt = await cdsClientJwt(await deps.signingKey(), origin, url, now());
    const res = await postJson(url, payload, { authorization: `Bearer ${jwt}` }, AbortSignal.timeout(timeoutMs)).catch((): CallResult => ({ status: 'failed' }));
    return reply.code(res.status === 'ok' ? 200 : 502).header('content-type', 'application/json').send(res.status === 'ok' ? {} : { error: `${body.serviceId} did not accept the feedback` });
  });

  app.post<{ Params: { hook: string } }>('/cds-client/:hook', async (req, reply) => {
    const principal = await deps.authenticate(req);
    assertCdsCaller(principal);
    const hook = req.params.hook;
    if (!isHook(hook)) throw notFound(`No CDS hook '${hook}' (patient-view, order-select, order-sign)`);
    const body = isObject(req.body) ? req.body : {};
    if (body.hookInstance !== undefined && typeof body.hookInstance !== 'string') throw badRequest('hookInstance must be a UUID', ['hookInstance']);
    const request = parseHookRequest({ hook, hookInstance: body.hookInstance ?? randomUUID(), context: body.context }, hook);
    if (principal.fhirUser && request.context.userId !== principal.fhirUser) throw badRequest(`context.userId must be the signed-in user (${principal.fhirUser})`, ['context.userId']);
    const origin = deps.origin(req);
    const { fhir, services, unreachable } = await outsideServices(principal, origin);
    await fhir.get(`Patient/${request.context.patientId}`);
    const headers = ownHeaders(req);
    const result = await dispatch(hook, request, {
      fhir,
      fhirBase: `${origin}/fhir`,
      timeoutMs,
      outside: services,
      unreachable: unreachable.map((e) => ({ id: `Endpoint/${e.id}`, title: e.name ?? e.address ?? 'CDS service' })),
      callOwn: async (id, hookReq) => {
        const res = await app.inject({ method: 'POST', url: `/cds-services/${id}`, headers, payload: hookReq as unknown as Record<string, unknown> });
        return res.statusCode === 200 ? { status: 'ok', json: res.json() } : { status: 'failed' };
      },
      callOutside: async (url, hookReq, signal) => postJson(url, hookReq, { authorization: `Bearer ${await cdsClientJwt(await deps.signingKey(), origin, url, now())}` }, signal),
    });
    const outsideCalled = result.services.filter((s) => !serviceById(s.id)).map((s) => `${s.id} (${s.status})`);
    await deps.audit.record({
      tenant: principal.tenant,
      action: 'operation',
      outcome: 'success',
      ...(principal.userId ? { userId: principal.userId } : {}),
      ...(principal.username ? { username: principal.username } : {}),
      ...(principal.fhirUser ? { fhirUser: principal.fhirUser } : {}),
      ...(principal.roles.length ? { role: principal.roles.join(' ') } : {}),
      clientId: principal.clientId,
      patients: [request.context.patientId],
      resource: `cds-client/${hook}`,
      sourceIp: req.ip,
      detail: `CDS client ${hook}: ${result.cards.length} card(s)${outsideCalled.length ? `; sent to outside services ${outsideCalled.join(', ')}` : ''}`,
    });
    return reply.code(200).header('content-type', 'application/json').send(result);
  });
}
