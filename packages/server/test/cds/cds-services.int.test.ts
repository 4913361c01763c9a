/**
 * Continuum's CDS Hooks services over real HTTP on a real server and database: discovery, the
 * order hooks (cards, suggestions, override reasons, deterministic uuids, prefetch used when
 * sent), 400s for bad requests, 404 for unknown services and unseen patients, 401/403 on every
 * route, and feedback landing in the audit trail where an auditor reads it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, userToken, type Clinic } from '../auth/fixtures.ts';
import { cds, draftBundle, hookRequest, medRequest, save } from './fixtures.ts';
import { validateAs } from './json-schema.ts';

const SIMVASTATIN = { code: '198211', display: 'simvastatin 40 MG Oral Tablet' };
const CLARITHROMYCIN = { code: '197517', display: 'clarithromycin 500 MG Oral Tablet' };
const AMLODIPINE = { code: '197361', display: 'amlodipine 5 MG Oral Tablet' };

describe('CDS Hooks services', () => {
  let server: TestServer;
  let clinic: Clinic;
  const tokens: Record<string, string> = {};

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    for (const [who, user] of [['physician', 'dr.okafor'], ['nurse', 'nurse.lee'], ['desk', 'desk.kim'], ['auditor', 'audit.ray'], ['patient', 'alice']] as const) {
      tokens[who] = await userToken(server, clinic, user);
    }
    await save(server, medRequest(clinic.patientA, CLARITHROMYCIN, { status: 'active' }));
  });
  after(() => server.close());

  const signContext = (drafts = [medRequest('x', SIMVASTATIN, { id: 'draft-simva' })]) => ({
    userId: `Practitioner/${clinic.practitioner}`,
    patientId: clinic.patientA,
    draftOrders: draftBundle(drafts.map((d) => ({ ...d, subject: { reference: `Patient/${clinic.patientA}` } }))),
  });

  it('lists its three services in a CDS Hooks 2.0 discovery document', async () => {
    const res = await cds(server, 'GET', '/cds-services', tokens.physician);
    assert.equal(res.status, 200);
    assert.deepEqual(validateAs('discovery', res.json), []);
    const byId = Object.fromEntries(res.json.services.map((s: { id: string; hook: string }) => [s.id, s.hook]));
    assert.deepEqual(byId, { 'continuum-patient-view': 'patient-view', 'continuum-order-select': 'order-select', 'continuum-order-sign': 'order-sign' });
    const sign = res.json.services.find((s: { id: string }) => s.id === 'continuum-order-sign');
    assert.equal(sign.prefetch.medications, 'MedicationRequest?patient={{context.patientId}}&status=active,on-hold');
    assert.equal(sign.prefetch.weight, 'Observation?patient={{context.patientId}}&code=http://loinc.org|29463-7&_sort=-date&_count=1');
  });

  it('order-sign: simvastatin with clarithromycin on record gives a critical card with suggestions and override reasons', async () => {
    const body = hookRequest('order-sign', signContext());
    assert.deepEqual(validateAs('request', body), []);
    const res = await cds(server, 'POST', '/cds-services/continuum-order-sign', tokens.physician, body);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(validateAs('response', res.json), []);
    const critical = res.json.cards.filter((c: { indicator: string }) => c.indicator === 'critical');
    assert.equal(critical.length >= 1, true, JSON.stringify(res.json.cards.map((c: { summary: string }) => c.summary)));
    const card = critical.find((c: { summary: string }) => /simvastatin/i.test(c.summary) && /clarithromycin/i.test(c.summary));
    assert.ok(card, 'a card names both drugs');
    assert.equal(card.source.topic.system, 'urn:continuum:cds-rule');
    assert.equal(card.selectionBehavior, 'at-most-one');
    const del = card.suggestions.flatMap((s: { actions: unknown[] }) => s.actions).find((a: { type: string }) => a.type === 'delete');
    assert.deepEqual(del.resourceId, ['MedicationRequest/draft-simva']);
    assert.deepEqual(card.overrideReasons.map((c: { code: string }) => c.code), ['benefit-outweighs-risk', 'patient-tolerating', 'will-monitor', 'not-clinically-relevant']);
    // The same hook call gives the same card uuids.
    const again = await cds(server, 'POST', '/cds-services/continuum-order-sign', tokens.nurse, body);
    assert.deepEqual(again.json.cards.map((c: { uuid: string }) => c.uuid), res.json.cards.map((c: { uuid: string }) => c.uuid));
  });

  it('order-sign uses the prefetch the client sent instead of reading the record', async () => {
    const empty = { resourceType: 'Bundle', type: 'searchset', entry: [] };
    const prefetch = Object.fromEntries(['medications', 'statements', 'allergies', 'weight', 'labOrders', 'labResults'].map((k) => [k, empty]));
    const res = await cds(server, 'POST', '/cds-services/continuum-order-sign', tokens.physician, hookRequest('order-sign', signContext(), { prefetch }));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.cards.some((c: { summary: string }) => /clarithromycin/i.test(c.summary)), false);
  });

  it('order-select reports only findings about the selected drafts', async () => {
    const drafts = [medRequest('x', SIMVASTATIN, { id: 'd-simva' }), medRequest('x', AMLODIPINE, { id: 'd-amlo' })];
    const other = await cds(server, 'POST', '/cds-services/continuum-order-select', tokens.physician, hookRequest('order-select', { ...signContext(drafts), selections: ['MedicationRequest/d-amlo'] }));
    assert.equal(other.status, 200, other.text);
    assert.equal(other.json.cards.some((c: { summary: string }) => /clarithromycin/i.test(c.summary)), false);
    const chosen = await cds(server, 'POST', '/cds-services/continuum-order-select', tokens.physician, hookRequest('order-select', { ...signContext(drafts), selections: ['MedicationRequest/d-simva'] }));
    assert.equal(chosen.status, 200);
    assert.deepEqual(validateAs('response', chosen.json), []);
    assert.equal(chosen.json.cards.some((c: { summary: string; indicator: string }) => /clarithromycin/i.test(c.summary) && c.indicator === 'critical'), true);
  });

  it('answers 400 for bad requests, 404 for an unknown service or an unseen patient', async () => {
    const ok = () => hookRequest('order-sign', signContext());
    const bad: Array<[string, unknown]> = [
      ['wrong hook', { ...ok(), hook: 'patient-view' }],
      ['hookInstance not a uuid', { ...ok(), hookInstance: 'abc' }],
      ['no context', { ...ok(), context: undefined }],
      ['no patientId', { ...ok(), context: { ...signContext(), patientId: undefined } }],
      ['userId not a reference', { ...ok(), context: { ...signContext(), userId: 'bob' } }],
      ['no draftOrders', { ...ok(), context: { ...signContext(), draftOrders: undefined } }],
      ['draft without id', { ...ok(), context: signContext([medRequest('x', SIMVASTATIN)]) }],
      ['draft of another type', { ...ok(), context: { ...signContext(), draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'p' } }] } } }],
      ['prefetch not resources', { ...ok(), prefetch: { medications: 'x' } }],
      ['body an array', []],
    ];
    for (const [name, body] of bad) {
      const res = await cds(server, 'POST', '/cds-services/continuum-order-sign', tokens.physician, body);
      assert.equal(res.status, 400, `${name}: ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome', name);
    }
    const select = hookRequest('order-select', signContext());
    assert.equal((await cds(server, 'POST', '/cds-services/continuum-order-select', tokens.physician, select)).status, 400, 'order-select without selections');
    const stranger = hookRequest('order-select', { ...signContext(), selections: ['MedicationRequest/not-a-draft'] });
    assert.equal((await cds(server, 'POST', '/cds-services/continuum-order-select', tokens.physician, stranger)).status, 400, 'selection not among the drafts');
    assert.equal((await cds(server, 'POST', '/cds-services/no-such-service', tokens.physician, ok())).status, 404);
    assert.equal((await cds(server, 'POST', '/cds-services/continuum-order-sign', tokens.physician, hookRequest('order-sign', { ...signContext(), patientId: 'no-such-patient' }))).status, 404);
  });

  it('refuses the unauthenticated (401) and the wrong role (403) on every route', async () => {
    const sign = hookRequest('order-sign', signContext());
    const routes: Array<[string, string, unknown]> = [
      ['GET', '/cds-services', undefined],
      ['POST', '/cds-services/continuum-order-sign', sign],
      ['POST', '/cds-services/continuum-order-select', { ...sign, hook: 'order-select' }],
      ['POST', '/cds-services/continuum-patient-view', { ...sign, hook: 'patient-view' }],
      ['POST', '/cds-services/continuum-order-sign/feedback', { feedback: [{ card: randomUUID(), outcome: 'accepted', outcomeTimestamp: new Date().toISOString() }] }],
      ['POST', '/cds-client/order-sign', { context: signContext() }],
      ['POST', '/cds-client/patient-view', { context: { userId: `Practitioner/${clinic.practitioner}`, patientId: clinic.patientA } }],
      ['POST', '/cds-client/feedback', { serviceId: 'continuum-order-sign', feedback: [] }],
    ];
    for (const [method, path, body] of routes) {
      const anon = await cds(server, method, path, undefined, body);
      assert.equal(anon.status, 401, `${method} ${path} anonymous`);
      assert.match(anon.headers.get('www-authenticate') ?? '', /Bearer/);
      for (const who of ['desk', 'auditor', 'patient']) {
        const res = await cds(server, method, path, tokens[who], body);
        assert.equal(res.status, 403, `${method} ${path} as ${who}: ${res.text.slice(0, 200)}`);
      }
    }
  });

  it('records feedback (an override with its reason) in the audit trail, readable as AuditEvent', async () => {
    const body = hookRequest('order-sign', signContext());
    const res = await cds(server, 'POST', '/cds-services/continuum-order-sign', tokens.physician, body);
    const card = res.json.cards.find((c: { summary: string }) => /clarithromycin/i.test(c.summary));
    const feedback = {
      feedback: [{
        card: card.uuid,
        outcome: 'overridden',
        overrideReason: { reason: card.overrideReasons[2], userComment: 'CK checked weekly' },
        outcomeTimestamp: new Date().toISOString(),
      }],
    };
    assert.deepEqual(validateAs('feedback', feedback), []);
    const fb = await cds(server, 'POST', '/cds-services/continuum-order-sign/feedback', tokens.physician, feedback);
    assert.equal(fb.status, 200, fb.text);
    const audit = await server.request('GET', `/AuditEvent?patient=${clinic.patientA}&_count=200`);
    assert.equal(audit.status, 200, audit.text);
    const events = audit.json.entry.map((e: { resource: { outcomeDesc?: string; agent: Array<{ name?: string }> } }) => e.resource);
    const entry = events.find((e: { outcomeDesc?: string }) => e.outcomeDesc?.includes(card.uuid));
    assert.ok(entry, 'the feedback is in the trail');
    assert.match(entry.outcomeDesc, /overridden/);
    assert.match(entry.outcomeDesc, /urn:continuum:cds-override-reason\|will-monitor/);
    assert.match(entry.outcomeDesc, /CK checked weekly/);
    assert.match(entry.outcomeDesc, new RegExp(`rule ${card.source.topic.code}`));
    assert.equal(entry.agent[0].name, 'dr.okafor');

    // Feedback about a card this service never issued, and malformed feedback, are refused.
    const unknown = { feedback: [{ ...feedback.feedback[0], card: randomUUID() }] };
    assert.equal((await cds(server, 'POST', '/cds-services/continuum-order-sign/feedback', tokens.physician, unknown)).status, 400);
    assert.equal((await cds(server, 'POST', '/cds-services/continuum-order-select/feedback', tokens.physician, feedback)).status, 400, 'card of another service');
    for (const f of [{}, { feedback: [] }, { feedback: [{ ...feedback.feedback[0], outcome: 'ignored' }] }, { feedback: [{ ...feedback.feedback[0], outcomeTimestamp: 'yesterday' }] }, { feedback: [{ card: card.uuid, outcome: 'accepted', overrideReason: { userComment: 'x' }, outcomeTimestamp: new Date().toISOString() }] }]) {
      const r = await cds(server, 'POST', '/cds-services/continuum-order-sign/feedback', tokens.physician, f);
      assert.equal(r.status, 400, JSON.stringify(f));
    }
  });
});
