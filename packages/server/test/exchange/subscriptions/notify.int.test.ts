/**
 * The receiving side and the partner operations. `POST /exchange/notify` on a real server refuses
 * what is not a signed notification (401/400). With exchange services made here (a partner key
 * generated with jose, a verifier that checks against it: the real ones come from the partners
 * part), a notification signed by the followed partner becomes one inbox Task on the local
 * patient (twice delivered, still one), while a tampered body, another key or another issuer is
 * a 401 and a Subscription not followed here a 404. `$partner-subscribe` is for partners only and
 * `$follow-partner` for clinicians, both 401 without a token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { compactVerify } from 'jose';
import type { Bundle, Task } from '@medplum/fhirtypes';
import { isOutcomeError, SearchParamRegistry } from '@continuum/fhir';
import type { Config } from '../../../src/config.ts';
import { EXCHANGE_NOTICE_CODE, TOPICS } from '../../../src/exchange/codes.ts';
import { registerExchange } from '../../../src/exchange/register.ts';
import { notificationBundle } from '../../../src/exchange/subscriptions/notification.ts';
import { saveFollow } from '../../../src/exchange/subscriptions/outbox.ts';
import { ExchangeError, type ExchangeServices, type Partner } from '../../../src/exchange/types.ts';
import { createIndexer } from '../../../src/store/indexer.ts';
import { buildClinic, userToken, type Clinic } from '../../auth/fixtures.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';
import { testKeys, type TestKeys } from './harness.ts';

const PARTNER_BASE = 'http://127.0.0.1:9/fhir';
let server: TestServer;
let clinic: Clinic;
let partnerKeys: TestKeys;
let receiving: FastifyInstance;
let notifyUrl: string;
let partner: Partner;

function services(keys: TestKeys): ExchangeServices {
  const fail = (): never => {
    throw new ExchangeError('not in this test', '');
  };
  return {
    origin: server.origin,
    consentDefault: 'opt-in',
    audit: { record: async () => undefined },
    client: { call: async () => fail() },
    keys: { sign: async () => fail(), jwks: () => ({ keys: [] }), kid: () => '' },
    // Checks against the partner's key, as the partners part's verifier does with its JWKS.
    verifier: {
      async verify(_p, jws, payload) {
        const [h, , s] = jws.split('.');
        try {
          return (await compactVerify(`${h}.${Buffer.from(payload as Uint8Array).toString('base64url')}.${s}`, keys.publicKey)).payload;
        } catch (err) {
          throw new ExchangeError(err instanceof Error ? err.message : String(err), partner.organizationId);
        }
      },
    },
    partners: () => ({ list: async () => [partner], get: async (id) => (id === partner.organizationId ? partner : undefined), byInboundClient: async () => undefined }),
  };
}

async function post(body: string, signature?: string): Promise<{ status: number; json: { issue?: { diagnostics?: string }[] } }> {
  const res = await fetch(notifyUrl, { method: 'POST', headers: { 'content-type': 'application/fhir+json', ...(signature ? { 'x-continuum-signature': signature } : {}) }, body });
  return { status: res.status, json: (await res.json()) as { issue?: { diagnostics?: string }[] } };
}

function notification(subscriptionId: string, focus: string, type: 'event-notification' | 'handshake' = 'event-notification'): string {
  return JSON.stringify(
    notificationBundle({
      base: PARTNER_BASE,
      subscriptionId,
      topic: TOPICS.newResult,
      status: 'active',
      type,
      eventsSinceStart: 1,
      content: 'id-only',
      ...(type === 'event-notification' ? { event: { number: 1, timestamp: new Date().toISOString(), focus } } : {}),
    }),
  );
}

const tasks = async (): Promise<Task[]> =>
  (((await server.request('GET', `/Task?code=${encodeURIComponent(`${EXCHANGE_NOTICE_CODE.system}|${EXCHANGE_NOTICE_CODE.code}`)}`)).json as Bundle).entry ?? []).map((e) => e.resource as Task);

before(async () => {
  server = await startTestServer({ CONTINUUM_JOBS: '0' });
  clinic = await buildClinic(server);
  partnerKeys = await testKeys(PARTNER_BASE, 'partner-key');
  const org = await server.request('POST', '/Organization', { body: { resourceType: 'Organization', name: 'Hillside Hospital' } });
  partner = { organizationId: String(org.json.id), name: 'Hillside Hospital', endpointId: 'e1', fhirBase: PARTNER_BASE, outboundClientId: 'us', inboundClientId: 'them', jwksUri: 'http://127.0.0.1:9/exchange/jwks.json', active: true };
  receiving = Fastify();
  receiving.setErrorHandler((err, _req, reply) => {
    const status = isOutcomeError(err) ? err.status : 500;
    return reply.code(status).send(isOutcomeError(err) ? err.outcome : { error: String(err) });
  });
  registerExchange(receiving, { db: server.database.db, indexers: { indexerFor: () => createIndexer(SearchParamRegistry.r4()) }, config: { defaultTenant: clinic.tenant } as Config, audit: { record: async () => undefined }, exchange: services(partnerKeys) });
  await receiving.listen({ port: 0, host: '127.0.0.1' });
  notifyUrl = `http://127.0.0.1:${(receiving.server.address() as AddressInfo).port}/exchange/notify`;
});

after(async () => {
  await receiving?.close();
  await server?.close();
});

describe('POST /exchange/notify', () => {
  it('refuses what is not a signed notification, on a real server', async () => {
    const url = `${server.origin}/exchange/notify`;
    const send = (body: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/fhir+json', ...headers }, body });
    const body = notification('s1', 'DiagnosticReport/r1');
    assert.equal((await send(body)).status, 401, 'unsigned');
    assert.equal((await send(body, { 'x-continuum-signature': 'not-a-jws' })).status, 401, 'garbage');
    assert.equal((await send(body, { 'x-continuum-signature': await partnerKeys.sign(body, { detached: true }) })).status, 401, 'from no partner of this server');
    assert.equal((await send('{"resourceType":"Patient"}', { 'x-continuum-signature': await partnerKeys.sign('x', { detached: true }) })).status, 400, 'not a notification');
    assert.equal((await send('{', { 'x-continuum-signature': await partnerKeys.sign('{', { detached: true }) })).status, 400, 'not JSON');
  });

  it("stores a followed partner's signed event as one inbox Task; refuses bad signatures", async () => {
    const remote = `${PARTNER_BASE}/Subscription/s-followed`;
    await saveFollow(server.database.db, { remoteSubscription: remote, tenantId: clinic.tenant, partnerOrg: partner.organizationId, patientId: clinic.patientA, topic: TOPICS.newResult });
    const body = notification('s-followed', 'DiagnosticReport/remote-1');
    const signature = await partnerKeys.sign(body, { detached: true });
    assert.equal((await post(body.replace('remote-1', 'remote-2'), signature)).status, 401, 'tampered body');
    const stranger = await testKeys(PARTNER_BASE, 'partner-key');
    assert.equal((await post(body, await stranger.sign(body, { detached: true }))).status, 401, 'another key');
    const impostor = await testKeys('http://127.0.0.1:10/fhir');
    assert.equal((await post(body, await impostor.sign(body, { detached: true }))).status, 401, 'another issuer');
    assert.equal((await tasks()).length, 0);

    const first = await post(body, signature);
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal((await post(body, signature)).status, 200, 'delivered again');
    const stored = await tasks();
    assert.equal(stored.length, 1, 'one Task for one event');
    const task = stored[0]!;
    assert.equal(task.for?.reference, `Patient/${clinic.patientA}`);
    assert.equal(task.requester?.reference, `Organization/${partner.organizationId}`);
    assert.equal(task.status, 'requested');
    assert.equal(task.input?.[0]?.valueUrl, `${PARTNER_BASE}/DiagnosticReport/remote-1`);
    assert.match(task.description ?? '', /Hillside Hospital: new result \(DiagnosticReport\)/);
  });

  it('acknowledges a handshake, and answers 404 for a Subscription not followed here (the partner retries)', async () => {
    const handshake = notification('s-new', '', 'handshake');
    assert.equal((await post(handshake, await partnerKeys.sign(handshake, { detached: true }))).status, 200);
    const event = notification('s-unknown', 'DiagnosticReport/remote-3');
    assert.equal((await post(event, await partnerKeys.sign(event, { detached: true }))).status, 404);
  });
});

describe('partner operations', () => {
  it('$partner-subscribe: 401 without a token, 403 for anyone but a partner', async () => {
    const body = { resourceType: 'Parameters', parameter: [{ name: 'topic', valueCanonical: TOPICS.newResult }, { name: 'patient', valueString: clinic.patientA }, { name: 'endpoint', valueUrl: 'http://127.0.0.1:9/exchange/notify' }] };
    assert.equal((await server.request('POST', '/Subscription/$partner-subscribe', { body, anonymous: true })).status, 401);
    const system = await server.request('POST', '/Subscription/$partner-subscribe', { body, headers: { 'x-purpose-of-use': 'TREAT' } });
    assert.equal(system.status, 403, system.text);
    assert.equal((await server.request('POST', '/Subscription/$partner-subscribe', { body, token: await userToken(server, clinic, 'dr.okafor') })).status, 403);
  });

  it('$follow-partner: 401 without a token, 403 for the front desk, 400 without inputs, 404 for an unknown partner', async () => {
    const path = `/Patient/${clinic.patientA}/$follow-partner`;
    const body = { resourceType: 'Parameters', parameter: [{ name: 'partner', valueReference: { reference: 'Organization/unknown' } }, { name: 'remotePatient', valueString: 'p-remote' }] };
    assert.equal((await server.request('POST', path, { body, anonymous: true })).status, 401);
    assert.equal((await server.request('POST', path, { body, token: await userToken(server, clinic, 'desk.kim') })).status, 403);
    const physician = await userToken(server, clinic, 'dr.okafor');
    assert.equal((await server.request('POST', path, { body: { resourceType: 'Parameters', parameter: [] }, token: physician })).status, 400);
    const bad = { ...body, parameter: [...body.parameter, { name: 'topic', valueCanonical: 'http://example.org/nope' }] };
    assert.equal((await server.request('POST', path, { body: bad, token: physician })).status, 400);
    const res = await server.request('POST', path, { body, token: physician });
    assert.equal(res.status, 404, res.text);
  });
});
