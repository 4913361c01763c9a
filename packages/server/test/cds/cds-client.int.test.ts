/**
 * The CDS client (`/cds-client/*`) with Continuum's own services and two outside services started
 * here as real HTTP servers and registered as FHIR Endpoints: one answers a fixed card (checking
 * the signed JWT and the prefetch it was sent), one never answers and must time out without
 * failing the call. Feedback is forwarded to the service that issued the card.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { cdsEndpoint } from '../../src/cds/client/endpoints.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, userToken, type Clinic } from '../auth/fixtures.ts';
import { cds, draftBundle, medRequest, save } from './fixtures.ts';
import { validateAs } from './json-schema.ts';

const SIMVASTATIN = { code: '198211', display: 'simvastatin 40 MG Oral Tablet' };
const CLARITHROMYCIN = { code: '197517', display: 'clarithromycin 500 MG Oral Tablet' };
const OUTSIDE_CARD = { uuid: '6f1c3a52-1b7e-4c55-9d1e-0a4f2b9c7d10', summary: 'Formulary: simvastatin is tier 1', indicator: 'info', source: { label: 'Acme Formulary' } };

interface Seen {
  path: string;
  auth?: string;
  body: Record<string, unknown>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** A CDS service provider: discovery lists one order-sign service; `hang` makes it never answer hooks. */
async function outsideProvider(id: string, hang: boolean, seen: Seen[]): Promise<{ server: Server; discovery: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/cds-services') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ services: [{ hook: 'order-sign', id, title: `Outside ${id}`, description: 'test service', prefetch: { patient: 'Patient/{{context.patientId}}', meds: 'MedicationRequest?patient={{context.patientId}}&status=active' } }] }));
        return;
      }
      const body = await readBody(req);
      seen.push({ path: req.url ?? '', ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body });
      if (hang) return; // never answers
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url?.endsWith('/feedback') ? {} : { cards: [OUTSIDE_CARD, { summary: 'not a card: no indicator', source: { label: 'x' } }] }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, discovery: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cds-services` };
}

describe('CDS client: one path to every CDS service', () => {
  let server: TestServer;
  let clinic: Clinic;
  let physician: string;
  const seen: Seen[] = [];
  const providers: Server[] = [];
  const discovery = new Map<string, string>();

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    physician = await userToken(server, clinic, 'dr.okafor');
    await save(server, medRequest(clinic.patientA, CLARITHROMYCIN, { status: 'active' }));
    for (const [id, hang] of [['acme-formulary', false], ['slow-service', true]] as const) {
      const p = await outsideProvider(id, hang, seen);
      providers.push(p.server);
      discovery.set(id, p.discovery);
      await save(server, cdsEndpoint(p.discovery, id));
    }
  });
  after(async () => {
    for (const p of providers) p.closeAllConnections();
    for (const p of providers) await new Promise((resolve) => p.close(resolve));
    await server.close();
  });

  const context = () => ({
    userId: `Practitioner/${clinic.practitioner}`,
    patientId: clinic.patientA,
    draftOrders: draftBundle([{ ...medRequest(clinic.patientA, SIMVASTATIN, { id: 'draft-1' }) }]),
  });

  it('gathers cards from Continuum and the outside services; a hanging service times out', async () => {
    const res = await cds(server, 'POST', '/cds-client/order-sign', physician, { context: context() });
    assert.equal(res.status, 200, res.text);
    const statuses = Object.fromEntries(res.json.services.map((s: { id: string; status: string }) => [s.id, s.status]));
    assert.deepEqual(statuses, { 'continuum-order-sign': 'ok', 'acme-formulary': 'ok', 'slow-service': 'timeout' });
    assert.deepEqual(validateAs('response', { cards: res.json.cards.map(({ serviceId: _s, ...c }: { serviceId: string }) => c) }), []);
    const outside = res.json.cards.filter((c: { serviceId: string }) => c.serviceId === 'acme-formulary');
    assert.deepEqual(outside, [{ ...OUTSIDE_CARD, serviceId: 'acme-formulary' }], 'the malformed card is dropped');
    assert.ok(res.json.cards.some((c: { serviceId: string; indicator: string; summary: string }) => c.serviceId === 'continuum-order-sign' && c.indicator === 'critical' && /clarithromycin/i.test(c.summary)));

    // What the outside service got: the hook request, its prefetch filled as the user, a JWT it can verify.
    const call = seen.find((s) => s.path === '/cds-services/acme-formulary')!;
    assert.equal(call.body.hook, 'order-sign');
    assert.equal(call.body.fhirServer, `${server.origin}/fhir`);
    const prefetch = call.body.prefetch as Record<string, { resourceType: string; id?: string; entry?: unknown[] }>;
    assert.equal(prefetch.patient!.id, clinic.patientA);
    assert.equal(prefetch.meds!.entry!.length, 1);
    const jwt = call.auth!.replace(/^Bearer /, '');
    const jwks = createRemoteJWKSet(new URL(`${server.origin}/cds-client/jwks`));
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { audience: `${discovery.get('acme-formulary')}/acme-formulary`, issuer: server.origin, algorithms: ['RS384'] });
    assert.equal(protectedHeader.jku, `${server.origin}/cds-client/jwks`);
    assert.ok(payload.jti && payload.exp! - payload.iat! <= 300);

    // The disclosure to outside services is in the audit trail, under the patient.
    const audit = await server.request('GET', `/AuditEvent?patient=${clinic.patientA}&_count=200`);
    const descs = audit.json.entry.map((e: { resource: { outcomeDesc?: string } }) => e.resource.outcomeDesc ?? '');
    assert.ok(descs.some((d: string) => d.includes('sent to outside services acme-formulary (ok), slow-service (timeout)')), descs.join('\n'));
  });

  it('forwards feedback to the service that issued the card', async () => {
    const res = await cds(server, 'POST', '/cds-client/feedback', physician, { serviceId: 'acme-formulary', feedback: [{ card: OUTSIDE_CARD.uuid, outcome: 'accepted', outcomeTimestamp: new Date().toISOString() }] });
    assert.equal(res.status, 200, res.text);
    const fb = seen.find((s) => s.path === '/cds-services/acme-formulary/feedback');
    assert.ok(fb?.auth?.startsWith('Bearer '));
    assert.deepEqual((fb!.body.feedback as Array<{ card: string }>).map((f) => f.card), [OUTSIDE_CARD.uuid]);
    // Continuum's own: recorded by its feedback endpoint (a card it never issued is a 400).
    const own = await cds(server, 'POST', '/cds-client/feedback', physician, { serviceId: 'continuum-order-sign', feedback: [{ card: OUTSIDE_CARD.uuid, outcome: 'accepted', outcomeTimestamp: new Date().toISOString() }] });
    assert.equal(own.status, 400);
    assert.equal((await cds(server, 'POST', '/cds-client/feedback', physician, { serviceId: 'nobody', feedback: [] })).status, 404);
  });

  it('refuses bad requests: unknown hook, bad context, another user, an unseen patient', async () => {
    assert.equal((await cds(server, 'POST', '/cds-client/no-such-hook', physician, { context: context() })).status, 404);
    assert.equal((await cds(server, 'POST', '/cds-client/order-sign', physician, { context: { ...context(), draftOrders: undefined } })).status, 400);
    assert.equal((await cds(server, 'POST', '/cds-client/order-sign', physician, { hookInstance: 'x', context: context() })).status, 400);
    assert.equal((await cds(server, 'POST', '/cds-client/order-sign', physician, { context: { ...context(), userId: 'Practitioner/someone-else' } })).status, 400);
    assert.equal((await cds(server, 'POST', '/cds-client/order-sign', physician, { context: { ...context(), patientId: 'nobody' } })).status, 404);
  });
});

