/**
 * Continuum's CDS Hooks 2.0 service endpoints, JSON over HTTP:
 * - `GET /cds-services`: discovery;
 * - `POST /cds-services/{id}`: a hook call (400 for a bad request, 404 for an unknown service);
 * - `POST /cds-services/{id}/feedback`: feedback, recorded in the audit trail.
 * Every route needs a Continuum access token (401) of a clinician or a system client (403). Hook
 * calls read the record through the FHIR API as the caller, are audited (one entry naming the
 * patient) and log their cards (cds_card) so feedback can be tied back. Errors are
 * OperationOutcomes, like every other error this server sends.
 */
import { badRequest, notFound } from '@continuum/fhir';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../access/policy.ts';
import type { AuditRecord } from '../auth/audit-sink.ts';
import type { AuditSink } from '../auth/audit-sink.ts';
import { toOutcomeError } from '../http/app.ts';
import { assertCdsCaller } from './caller.ts';
import type { CardLog } from './card-log.ts';
import { feedbackAudit, parseFeedback } from './feedback.ts';
import type { GatewayFactory } from './fhir-gateway.ts';
import { runOrderService, type OrderChecks, type ServiceRun } from './order-service.ts';
import { runPatientView } from './patient-view.ts';
import { parseHookRequest } from './request.ts';
import { SERVICES, serviceById } from './services.ts';
import type { HookRequest, HookResponse, ServiceDefinition } from './types.ts';

export interface CdsRouteDeps {
  authenticate: (req: FastifyRequest) => Promise<Principal>;
  gateways: GatewayFactory;
  checks: OrderChecks;
  cardLog: CardLog;
  audit: AuditSink;
  /** The public origin (CONTINUUM_BASE_URL), else the request's. */
  origin: (req: FastifyRequest) => string;
  now?: () => Date;
}

function hookAudit(p: Principal, service: ServiceDefinition, req: HookRequest | undefined, status: number, ip: string, cards: number): AuditRecord {
  return {
    tenant: p.tenant,
    action: 'operation',
    outcome: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
    ...(p.userId ? { userId: p.userId } : {}),
    ...(p.username ? { username: p.username } : {}),
    ...(p.fhirUser ? { fhirUser: p.fhirUser } : {}),
    ...(p.roles.length ? { role: p.roles.join(' ') } : {}),
    clientId: p.clientId,
    patients: req ? [req.context.patientId] : [],
    resource: `cds-services/${service.id}`,
    sourceIp: ip,
    detail: status < 400 ? `CDS hook ${service.hook}: ${cards} card(s)` : `CDS hook ${service.hook}: refused (${status})`,
  };
}

export function registerCdsServices(app: FastifyInstance, deps: CdsRouteDeps): void {
  const now = deps.now ?? (() => new Date());

  app.get('/cds-services', async (req, reply) => {
    assertCdsCaller(await deps.authenticate(req));
    return reply.code(200).header('content-type', 'application/json').send({ services: SERVICES });
  });

  app.post<{ Params: { id: string } }>('/cds-services/:id', async (req, reply) => {
    const principal = await deps.authenticate(req);
    assertCdsCaller(principal);
    const service = serviceById(req.params.id);
    if (!service) throw notFound(`No CDS service '${req.params.id}'`);
    let hook: HookRequest | undefined;
    let run: ServiceRun;
    try {
      hook = parseHookRequest(req.body, service.hook);
      const origin = deps.origin(req);
      const fhir = await deps.gateways(principal, `${origin}/fhir`);
      const at = now();
      run = service.hook === 'patient-view'
        ? await runPatientView(service.id, hook, { fhir, now: at, appOrigin: origin })
        : await runOrderService(service.id, hook, { fhir, checks: deps.checks, now: at, appOrigin: origin });
    } catch (err) {
      await deps.audit.record(hookAudit(principal, service, hook, toOutcomeError(err).status, req.ip, 0));
      throw err;
    }
    // Both durable before the answer goes out; independent, so written side by side.
    await Promise.all([deps.cardLog.record(principal.tenant, run.issued, now()), deps.audit.record(hookAudit(principal, service, hook, 200, req.ip, run.cards.length))]);
    const body: HookResponse = { cards: run.cards };
    return reply.code(200).header('content-type', 'application/json').send(body);
  });

  app.post<{ Params: { id: string } }>('/cds-services/:id/feedback', async (req, reply) => {
    const principal = await deps.authenticate(req);
    assertCdsCaller(principal);
    const service = serviceById(req.params.id);
    if (!service) throw notFound(`No CDS service '${req.params.id}'`);
    const feedback = parseFeedback(req.body);
    const cards = await deps.cardLog.find(principal.tenant, feedback.map((f) => f.card));
    const unknown = feedback.find((f) => cards.get(f.card)?.serviceId !== service.id);
    if (unknown) throw badRequest(`Card ${unknown.card} was not issued by ${service.id}`, ['feedback.card']);
    // Feedback names the patient through the card; the caller must still be allowed to see them.
    const fhir = await deps.gateways(principal, `${deps.origin(req)}/fhir`);
    for (const id of new Set([...cards.values()].map((c) => c.patientId))) await fhir.get(`Patient/${id}`);
    for (const f of feedback) await deps.audit.record(feedbackAudit(principal, f, cards.get(f.card)!, req.ip));
    return reply.code(200).header('content-type', 'application/json').send({});
  });
}
