/**
 * FHIR Subscriptions (R4 backport, rest-hook) against a real server and database, with a local
 * HTTP receiver as the subscriber: who may create a Subscription, the handshake that activates
 * it, signed notifications of the right shape (JWS verified with jose), the patient filter,
 * id-only and full-resource payloads, retries with backoff while the receiver is down, the error
 * status after the last attempt, `$status`, Subscriptions refused with a 4xx, and that a write
 * rolled back records no event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, DiagnosticReport, Parameters, Subscription } from '@medplum/fhirtypes';
import { SearchParamRegistry } from '@continuum/fhir';
import type { Queryable } from '../../../src/db/database.ts';
import { TOPICS } from '../../../src/exchange/codes.ts';
import { FILTER_CRITERIA_EXT, NOTIFICATION_PROFILE, PAYLOAD_CONTENT_EXT, STATUS_PROFILE } from '../../../src/exchange/subscriptions/backport.ts';
import { PARTNER_SUBSCRIBER_EXT, subscriptionCompanions } from '../../../src/exchange/subscriptions/companion.ts';
import type { Partner } from '../../../src/exchange/types.ts';
import type { AuditRecord } from '../../../src/auth/audit-sink.ts';
import type { DeliveryLoop } from '../../../src/exchange/subscriptions/delivery-loop.ts';
import { Companions } from '../../../src/store/companions.ts';
import { createIndexer } from '../../../src/store/indexer.ts';
import { Repository } from '../../../src/store/repository.ts';
import { buildClinic, userToken, type Clinic } from '../../auth/fixtures.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';
import { deliveryLoop, startReceiver, testKeys, until, verifyDetached, type Receiver, type TestKeys } from './harness.ts';

let server: TestServer;
let clinic: Clinic;
let keys: TestKeys;
let loop: DeliveryLoop;
const receivers: Receiver[] = [];
const audit: AuditRecord[] = [];
let partner: Partner;

async function receiver(status = 200): Promise<Receiver> {
  const r = await startReceiver(status);
  receivers.push(r);
  return r;
}

interface SubOptions {
  topic?: string;
  patient?: string;
  content?: string;
  status?: string;
}

function subscription(endpoint: string, opts: SubOptions = {}): Subscription {
  return {
    resourceType: 'Subscription',
    status: (opts.status ?? 'requested') as Subscription['status'],
    reason: 'Test subscriber',
    criteria: opts.topic ?? TOPICS.newResult,
    ...(opts.patient ? { _criteria: { extension: [{ url: FILTER_CRITERIA_EXT, valueString: `DiagnosticReport?patient=Patient/${opts.patient}` }] } } : {}),
    channel: {
      type: 'rest-hook',
      endpoint,
      payload: 'application/fhir+json',
      ...(opts.content ? { _payload: { extension: [{ url: PAYLOAD_CONTENT_EXT, valueCode: opts.content }] } } : {}),
    },
  } as Subscription;
}

/** Creates a Subscription and waits until its handshake made it active. */
async function activeSubscription(r: Receiver, opts: SubOptions = {}): Promise<string> {
  const res = await server.request('POST', '/Subscription', { body: subscription(r.url, opts) });
  assert.equal(res.status, 201, res.text);
  const id = String(res.json.id);
  await until('the Subscription to become active', async () => (await server.request('GET', `/Subscription/${id}`)).json.status === 'active');
  return id;
}

async function report(patient: string, status = 'final'): Promise<string> {
  const dr: DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    status: status as DiagnosticReport['status'],
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '58410-2' }] },
    subject: { reference: `Patient/${patient}` },
  };
  const res = await server.request('POST', '/DiagnosticReport', { body: dr });
  assert.equal(res.status, 201, res.text);
  return String(res.json.id);
}

const notifications = (r: Receiver) =>
  r.received.filter((x) => x.status < 300).map((x) => ({ ...x, bundle: JSON.parse(x.body) as Bundle })).filter((x) => param(x.bundle, 'type') === 'event-notification');

function statusOf(b: Bundle): Parameters {
  return b.entry![0]!.resource as Parameters;
}

function param(b: Bundle | Parameters, name: string): string | undefined {
  const p = (b.resourceType === 'Bundle' ? statusOf(b) : b).parameter!.find((x) => x.name === name);
  return p?.valueCode ?? p?.valueString ?? p?.valueCanonical ?? p?.valueReference?.reference;
}

function focusOf(b: Bundle): string | undefined {
  return statusOf(b).parameter!.find((x) => x.name === 'notification-event')?.part?.find((x) => x.name === 'focus')?.valueReference?.reference;
}

before(async () => {
  server = await startTestServer({ CONTINUUM_JOBS: '0' });
  clinic = await buildClinic(server);
  keys = await testKeys(server.base);
  const org = await server.request('POST', '/Organization', { body: { resourceType: 'Organization', name: 'Hillside Hospital' } });
  partner = { organizationId: String(org.json.id), name: 'Hillside Hospital', endpointId: 'e1', fhirBase: 'http://127.0.0.1:9/fhir', outboundClientId: 'us', inboundClientId: 'them', jwksUri: 'http://127.0.0.1:9/exchange/jwks.json', active: true };
  loop = deliveryLoop(server, keys, {}, [partner], audit);
  loop.start();
});

after(async () => {
  await loop?.close();
  for (const r of receivers) await r.close();
  await server?.close();
});

describe('Subscriptions (R4 backport, rest-hook)', () => {
  it('are written by system clients (and administrators) only', async () => {
    const r = await receiver();
    const body = subscription(r.url);
    assert.equal((await server.request('POST', '/Subscription', { body, anonymous: true })).status, 401);
    for (const user of ['dr.okafor', 'nurse.lee', 'desk.kim']) {
      const res = await server.request('POST', '/Subscription', { body, token: await userToken(server, clinic, user) });
      assert.equal(res.status, 403, `${user}: ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome');
    }
    // Administrators write them through the role table (Subscription is a conformance type; an
    // admin's sign-in needs two-step verification, so the system client stands in here).
    const system = await server.request('POST', '/Subscription', { body });
    assert.equal(system.status, 201, system.text);
    assert.equal(system.json.status, 'requested');
  });

  it('become active after a signed handshake to the endpoint', async () => {
    const r = await receiver();
    const id = await activeSubscription(r);
    const handshake = r.received.find((x) => param(JSON.parse(x.body) as Bundle, 'type') === 'handshake');
    assert.ok(handshake, 'a handshake was sent');
    const b = JSON.parse(handshake.body) as Bundle;
    assert.equal(b.type, 'history');
    assert.equal(param(b, 'subscription'), `${server.base}/Subscription/${id}`);
    assert.equal(param(b, 'topic'), TOPICS.newResult);
    const header = await verifyDetached(String(handshake.headers['x-continuum-signature']), handshake.body, keys.publicKey);
    assert.equal(header.iss, server.base);
    assert.equal(header.kid, keys.kid());
  });

  it('notify of a new final DiagnosticReport with a signed history Bundle (id-only by default)', async () => {
    const r = await receiver();
    const id = await activeSubscription(r);
    const preliminary = await report(clinic.patientA, 'preliminary');
    const dr = await report(clinic.patientA);
    const [n] = await until('a notification', () => (notifications(r).length > 0 ? notifications(r) : undefined));
    const b = n!.bundle;
    assert.equal(b.resourceType, 'Bundle');
    assert.equal(b.type, 'history');
    assert.deepEqual(b.meta?.profile, [NOTIFICATION_PROFILE]);
    const status = statusOf(b);
    assert.deepEqual(status.meta?.profile, [STATUS_PROFILE]);
    assert.equal(b.entry![0]!.request?.url, `${server.base}/Subscription/${id}/$status`);
    assert.equal(param(b, 'status'), 'active');
    assert.equal(param(b, 'events-since-subscription-start'), '1');
    const event = status.parameter!.find((x) => x.name === 'notification-event')!;
    assert.equal(event.part!.find((x) => x.name === 'event-number')?.valueString, '1');
    assert.equal(focusOf(b), `${server.base}/DiagnosticReport/${dr}`);
    assert.equal(b.entry![1]!.fullUrl, `${server.base}/DiagnosticReport/${dr}`);
    assert.equal(b.entry![1]!.resource, undefined, 'id-only carries no resource');
    assert.equal(n!.headers['content-type'], 'application/fhir+json');
    const header = await verifyDetached(String(n!.headers['x-continuum-signature']), n!.body, keys.publicKey);
    assert.equal(header.iss, server.base);
    assert.equal(header.alg, 'ES384');
    // The preliminary report was no result yet; a tampered body does not verify.
    assert.ok(!notifications(r).some((x) => focusOf(x.bundle)?.endsWith(`/${preliminary}`)));
    await assert.rejects(verifyDetached(String(n!.headers['x-continuum-signature']), n!.body.replace('history', 'batch'), keys.publicKey));
  });

  it('full-resource payloads carry the resource as written; re-saving a final report is no new event', async () => {
    const r = await receiver();
    await activeSubscription(r, { content: 'full-resource' });
    const dr = await report(clinic.patientB);
    const [n] = await until('a notification', () => (notifications(r).length > 0 ? notifications(r) : undefined));
    const entry = n!.bundle.entry![1]!;
    assert.equal(entry.resource?.resourceType, 'DiagnosticReport');
    assert.equal(entry.resource?.id, dr);
    assert.equal(entry.request?.method, 'POST');
    const current = (await server.request('GET', `/DiagnosticReport/${dr}`)).json as DiagnosticReport;
    assert.equal((await server.request('PUT', `/DiagnosticReport/${dr}`, { body: { ...current, conclusion: 'Within normal limits' } })).status, 200);
    const amended = await server.request('PUT', `/DiagnosticReport/${dr}`, { body: { ...current, status: 'amended', conclusion: 'Amended' } });
    assert.equal(amended.status, 200);
    await until('the amended report', () => notifications(r).length >= 2);
    await new Promise((res) => setTimeout(res, 500));
    assert.equal(notifications(r).length, 2, 'the re-save made no event, the amendment did');
    assert.equal((notifications(r)[1]!.bundle.entry![1]!.resource as DiagnosticReport).status, 'amended');
  });

  it('filter by patient', async () => {
    const r = await receiver();
    await activeSubscription(r, { patient: clinic.patientA });
    const other = await report(clinic.patientB);
    const mine = await report(clinic.patientA);
    await until('the notification for the patient', () => notifications(r).some((x) => focusOf(x.bundle)?.endsWith(`/${mine}`)));
    await new Promise((res) => setTimeout(res, 300));
    assert.ok(!notifications(r).some((x) => focusOf(x.bundle)?.endsWith(`/${other}`)), 'no notification about another patient');
    const bad = subscription(r.url) as Subscription & { _criteria?: unknown };
    bad._criteria = { extension: [{ url: FILTER_CRITERIA_EXT, valueString: 'DiagnosticReport?code=1234-5' }] };
    assert.equal((await server.request('POST', '/Subscription', { body: bad })).status, 422);
  });

  it('notify of admissions and discharges of the right encounters', async () => {
    const admissions = await receiver();
    const discharges = await receiver();
    await activeSubscription(admissions, { topic: TOPICS.admission });
    await activeSubscription(discharges, { topic: TOPICS.discharge });
    const encounter = (cls: string, status: string) => ({
      resourceType: 'Encounter',
      status,
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: cls },
      subject: { reference: `Patient/${clinic.patientA}` },
    });
    const office = await server.request('POST', '/Encounter', { body: encounter('AMB', 'in-progress') });
    const inpatient = await server.request('POST', '/Encounter', { body: encounter('IMP', 'arrived') });
    assert.equal(inpatient.status, 201);
    const moved = await server.request('PUT', `/Encounter/${inpatient.json.id}`, { body: { ...inpatient.json, status: 'in-progress' } });
    assert.equal(moved.status, 200);
    const finished = await server.request('PUT', `/Encounter/${inpatient.json.id}`, { body: { ...moved.json, status: 'finished' } });
    assert.equal(finished.status, 200);
    await until('the discharge', () => notifications(discharges).length === 1);
    await new Promise((res) => setTimeout(res, 300));
    assert.deepEqual(notifications(admissions).map((x) => focusOf(x.bundle)), [`${server.base}/Encounter/${inpatient.json.id}`], 'one admission (arrived → in-progress is no new one), none for the office visit');
    assert.ok(!notifications(discharges).some((x) => focusOf(x.bundle)?.endsWith(`/${office.json.id}`)));
  });

  it('retry with growing delays while the endpoint is down, and deliver once it is back', async () => {
    const r = await receiver();
    const id = await activeSubscription(r, { patient: clinic.patientB });
    r.answer(503);
    const dr = await report(clinic.patientB);
    await until('two failed attempts', () => r.received.filter((x) => x.status === 503).length >= 2);
    r.answer(200);
    await until('the delivery', () => notifications(r).some((x) => focusOf(x.bundle)?.endsWith(`/${dr}`)));
    const attempts = r.received.filter((x) => focusOf(JSON.parse(x.body) as Bundle)?.endsWith(`/${dr}`));
    assert.ok(attempts.length >= 3, `attempts: ${attempts.length}`);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    assert.ok(gaps[0]! >= 120, `first retry after ${gaps[0]} ms`);
    assert.ok(gaps[1]! > gaps[0]!, `backoff grows: ${gaps.join(', ')} ms`);
    const status = (await server.request('GET', `/Subscription/${id}/$status`)).json as Bundle;
    const p = status.entry![0]!.resource as Parameters;
    assert.equal(param(p, 'type'), 'query-status');
    assert.equal(param(p, 'status'), 'active');
    assert.equal(p.parameter!.find((x) => x.name === 'delivered')?.valueInteger, 1);
  });

  it('put the Subscription in error after the last failed attempt; $status counts', async () => {
    const r = await receiver();
    const id = await activeSubscription(r, { patient: clinic.patientB });
    r.answer(500);
    await report(clinic.patientB);
    await until('the error status', async () => (await server.request('GET', `/Subscription/${id}`)).json.status === 'error');
    assert.equal(r.received.filter((x) => x.status === 500).length, 4, 'four attempts (maxAttempts)');
    const sub = (await server.request('GET', `/Subscription/${id}`)).json as Subscription;
    assert.match(sub.error ?? '', /failed after 4 attempts: endpoint answered 500/);
    await report(clinic.patientB);
    const res = await server.request('GET', `/Subscription/${id}/$status`);
    assert.equal(res.status, 200, res.text);
    const p = (res.json as Bundle).entry![0]!.resource as Parameters;
    assert.equal(param(p, 'status'), 'error');
    assert.equal(param(p, 'events-since-subscription-start'), '1', 'no event is recorded for a Subscription in error');
    assert.equal(p.parameter!.find((x) => x.name === 'failed')?.valueInteger, 1);
    assert.equal(p.parameter!.find((x) => x.name === 'delivered')?.valueInteger, 0);
    // Set back to requested by an administrator: a new handshake makes it active again.
    r.answer(200);
    assert.equal((await server.request('PUT', `/Subscription/${id}`, { body: { ...sub, status: 'requested', error: undefined } })).status, 200);
    await until('reactivation', async () => (await server.request('GET', `/Subscription/${id}`)).json.status === 'active');
  });

  it('$status is read access: 401 without a token, 403 for the front desk, 404 for an unknown one', async () => {
    const r = await receiver();
    const id = String((await server.request('POST', '/Subscription', { body: subscription(r.url) })).json.id);
    assert.equal((await server.request('GET', `/Subscription/${id}/$status`, { anonymous: true })).status, 401);
    assert.equal((await server.request('GET', `/Subscription/${id}/$status`, { token: await userToken(server, clinic, 'desk.kim') })).status, 403);
    const physician = await server.request('GET', `/Subscription/${id}/$status`, { token: await userToken(server, clinic, 'dr.okafor') });
    assert.equal(physician.status, 200, physician.text);
    assert.equal((await server.request('GET', '/Subscription/nope/$status')).status, 404);
  });

  it('refuse Subscriptions this server cannot serve with a 4xx OperationOutcome', async () => {
    const r = await receiver();
    const cases: [string, Subscription][] = [
      ['unknown topic', { ...subscription(r.url), criteria: 'http://example.org/SubscriptionTopic/unknown' }],
      ['search criteria', { ...subscription(r.url), criteria: 'Observation?code=1234-5' }],
      ['not http', subscription('ftp://example.org/hook')],
      ['mailto', subscription('mailto:someone@example.org')],
      ['websocket', { ...subscription(r.url), channel: { type: 'websocket' } }],
      ['other payload', { ...subscription(r.url), channel: { ...subscription(r.url).channel, payload: 'application/xml' } }],
      ['bad content', subscription(r.url, { content: 'everything' })],
      ['active at once', subscription(r.url, { status: 'active' })],
    ];
    for (const [what, body] of cases) {
      const res = await server.request('POST', '/Subscription', { body });
      assert.ok(res.status === 400 || res.status === 422, `${what}: ${res.status} ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome', what);
    }
    const ok = await server.request('POST', '/Subscription', { body: subscription(r.url) });
    const put = await server.request('PUT', `/Subscription/${ok.json.id}`, { body: { ...ok.json, channel: { ...ok.json.channel, endpoint: 'javascript:alert(1)' } } });
    assert.equal(put.status, 422, put.text);
  });

  it('record no event for a write that rolls back', async () => {
    const r = await receiver();
    const id = await activeSubscription(r, { patient: clinic.patientA });
    const repo = new Repository({ db: server.database.db, indexer: createIndexer(SearchParamRegistry.r4()), companions: new Companions(subscriptionCompanions()) }, clinic.tenant);
    const count = async (q: Queryable = server.database.db) => Number((await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM subscription_delivery WHERE subscription_id = $1 AND kind = 'event-notification'`, [id])).rows[0]!.n);
    const dr: DiagnosticReport = { resourceType: 'DiagnosticReport', status: 'final', code: { text: 'Lipid panel' }, subject: { reference: `Patient/${clinic.patientA}` } };
    await assert.rejects(
      repo.inTransaction(async (tx) => {
        await tx.create(dr);
        assert.equal(await count(tx.queryable), 1, 'the event is recorded inside the write transaction');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await count(), 0);
    await repo.create(dr);
    assert.equal(await count(), 1, 'the same write committed records its event');
  });

  it("check a partner's consent again before each event: withheld, skipped and audited", async () => {
    const r = await receiver();
    const body = { ...subscription(r.url, { patient: clinic.patientA }), extension: [{ url: PARTNER_SUBSCRIBER_EXT, valueReference: { reference: `Organization/${partner.organizationId}` } }] };
    const res = await server.request('POST', '/Subscription', { body });
    assert.equal(res.status, 201, res.text);
    const id = String(res.json.id);
    await until('active', async () => (await server.request('GET', `/Subscription/${id}`)).json.status === 'active');
    const dr = await report(clinic.patientA);
    // Without a Consent of the patient nothing goes to a partner (the default is opt-in).
    const denied = await until('the denial in the audit', () => audit.find((a) => a.resource === `Subscription/${id}` && a.outcome === 'denied'));
    assert.equal(denied.action, 'export');
    assert.deepEqual(denied.patients, [clinic.patientA]);
    assert.match(denied.detail ?? '', new RegExp(`Organization/${partner.organizationId}`));
    const p = ((await server.request('GET', `/Subscription/${id}/$status`)).json as Bundle).entry![0]!.resource as Parameters;
    assert.equal(p.parameter!.find((x) => x.name === 'skipped')?.valueInteger, 1);
    assert.ok(!notifications(r).some((x) => focusOf(x.bundle)?.endsWith(`/${dr}`)), 'nothing was sent');
  });

  it('deliver each event once with two loops (two nodes) claiming at the same time', async () => {
    const second = deliveryLoop(server, keys);
    second.start();
    try {
      const r = await receiver();
      await activeSubscription(r, { patient: clinic.patientB });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await report(clinic.patientB));
      await until('six notifications', () => ids.every((id) => notifications(r).some((x) => focusOf(x.bundle)?.endsWith(`/${id}`))), 15_000);
      await new Promise((res) => setTimeout(res, 500));
      const foci = notifications(r).map((x) => focusOf(x.bundle));
      assert.equal(foci.length, 6, `each once: ${foci.join(', ')}`);
      const numbers = notifications(r).map((x) => statusOf(x.bundle).parameter!.find((p) => p.name === 'notification-event')!.part!.find((p) => p.name === 'event-number')!.valueString);
      assert.deepEqual([...numbers].sort((a, b) => Number(a) - Number(b)), ['1', '2', '3', '4', '5', '6'], 'event numbers are unique');
    } finally {
      await second.close();
    }
  });
});
