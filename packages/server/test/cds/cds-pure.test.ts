/**
 * The pure parts of the CDS services: request and feedback checks, prefetch templates, card
 * uuids, finding-to-card mapping, and the dispatcher's handling of failing and slow services.
 * Also checks that the JSON Schema validator used by the HTTP tests rejects what it should.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOutcomeError } from '@continuum/fhir';
import type { OrderCheckFinding } from '../../src/medications/check-types.ts';
import { nameUuid } from '../../src/cds/card-id.ts';
import { dispatch, type DispatchEnv } from '../../src/cds/client/dispatch.ts';
import { parseFeedback } from '../../src/cds/feedback.ts';
import { findingCard } from '../../src/cds/order-cards.ts';
import { parseHookRequest } from '../../src/cds/request.ts';
import { renderTemplate } from '../../src/cds/services.ts';
import { validateAs } from './json-schema.ts';
import { draftBundle, medRequest } from './fixtures.ts';

const status400 = (fn: () => unknown): boolean => {
  try {
    fn();
    return false;
  } catch (e) {
    return isOutcomeError(e) && e.status === 400;
  }
};

describe('hook requests', () => {
  const base = { hook: 'order-sign', hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', context: { userId: 'Practitioner/1', patientId: 'p1', draftOrders: draftBundle([medRequest('p1', { code: '1', display: 'x' }, { id: 'a' })]) } };
  it('accepts a well-formed request and refuses each kind of malformed one', () => {
    assert.equal(parseHookRequest(base, 'order-sign').context.patientId, 'p1');
    assert.ok(status400(() => parseHookRequest({ ...base, hook: 'order-select' }, 'order-sign')));
    assert.ok(status400(() => parseHookRequest({ ...base, hookInstance: 'not-a-uuid' }, 'order-sign')));
    assert.ok(status400(() => parseHookRequest({ ...base, fhirServer: 'ftp://x' }, 'order-sign')));
    assert.ok(status400(() => parseHookRequest({ ...base, fhirAuthorization: { access_token: 'x' } }, 'order-sign')));
    assert.ok(status400(() => parseHookRequest({ ...base, context: { ...base.context, patientId: '../x' } }, 'order-sign')));
    assert.ok(status400(() => parseHookRequest({ ...base, hook: 'order-select' }, 'order-select')), 'selections missing');
  });
});

describe('prefetch templates', () => {
  it('fills context and user tokens, and refuses what it cannot fill safely', () => {
    const ctx = { patientId: 'p1', userId: 'Practitioner/u9' };
    assert.equal(renderTemplate('Observation?patient={{context.patientId}}&code=http://loinc.org|29463-7', ctx), 'Observation?patient=p1&code=http://loinc.org|29463-7');
    assert.equal(renderTemplate('Practitioner/{{userPractitionerId}}', ctx), 'Practitioner/u9');
    assert.equal(renderTemplate('Patient/{{userPatientId}}', ctx), undefined);
    assert.equal(renderTemplate('Encounter/{{context.encounterId}}', ctx), undefined);
    assert.equal(renderTemplate('Patient/{{context.patientId}}', { patientId: 'a&b=c' }), undefined);
    assert.equal(renderTemplate('Patient/{{unknown}}', ctx), undefined);
  });
});

describe('feedback', () => {
  const ok = { card: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', outcome: 'overridden', overrideReason: { reason: { system: 's', code: 'c' } }, outcomeTimestamp: '2031-01-01T00:00:00Z' };
  it('accepts the spec shape and refuses contradictions', () => {
    assert.equal(parseFeedback({ feedback: [ok] })[0]!.overrideReason?.reason?.code, 'c');
    assert.ok(status400(() => parseFeedback({ feedback: [{ ...ok, acceptedSuggestions: [{ id: ok.card }] }] })), 'accepted suggestions on an override');
    assert.ok(status400(() => parseFeedback({ feedback: [{ ...ok, overrideReason: {} }] })), 'an empty reason');
    assert.ok(status400(() => parseFeedback({ feedback: [{ ...ok, overrideReason: { reason: { system: 's' } } }] })), 'a coding without code');
  });
});

describe('cards from findings', () => {
  const finding: OrderCheckFinding = {
    id: 'drug-drug:onc-11:x',
    kind: 'drug-drug',
    severity: 'high',
    summary: 'Simvastatin with clarithromycin: risk of myopathy',
    detail: 'Clarithromycin inhibits CYP3A4.',
    references: [{ label: 'Phansalkar S, et al. JAMIA 2012;19:735-743', url: 'https://doi.org/10.1136/amiajnl-2011-000612' }],
    draftIndex: 0,
    implicated: [],
    suggestions: [{ label: 'Remove the simvastatin order', action: 'remove-draft' }, { label: 'Switch to pravastatin', action: 'replace-medication', replacement: { code: '904475', display: 'pravastatin sodium 40 MG Oral Tablet' } }],
    rule: 'onc-11',
  };
  const drafts = [medRequest('p1', { code: '198211', display: 'simvastatin 40 MG Oral Tablet' }, { id: 'd1' })];
  const ctx = { hookInstance: 'h1', serviceId: 'continuum-order-sign', patientId: 'p1', appOrigin: 'https://ehr.example' };
  it('maps severity, rule, suggestions and references, with a deterministic uuid', () => {
    const card = findingCard(finding, drafts, ctx);
    assert.deepEqual(validateAs('card', card), []);
    assert.equal(card.uuid, nameUuid('continuum-order-sign', 'h1', finding.id));
    assert.equal(card.uuid, findingCard(finding, drafts, ctx).uuid);
    assert.notEqual(card.uuid, findingCard(finding, drafts, { ...ctx, hookInstance: 'h2' }).uuid);
    assert.equal(card.indicator, 'critical');
    assert.deepEqual(card.source.topic, { system: 'urn:continuum:cds-rule', code: 'onc-11', display: 'drug-drug' });
    assert.deepEqual(card.suggestions![0]!.actions, [{ type: 'delete', description: 'Remove the draft order MedicationRequest/d1', resourceId: ['MedicationRequest/d1'] }]);
    const update = card.suggestions![1]!.actions![0]!;
    assert.equal(update.type, 'update');
    assert.deepEqual((update.resource as { medicationCodeableConcept: { coding: Array<{ code: string }> } }).medicationCodeableConcept.coding[0]!.code, '904475');
    assert.equal((update.resource as { id: string }).id, 'd1');
    assert.match(card.detail!, /\[Phansalkar S, et al\. JAMIA 2012;19:735-743\]\(https:\/\/doi\.org/);
  });
  it('links a duplicate lab card to the earlier result; moderate is a warning', () => {
    const card = findingCard({ ...finding, kind: 'duplicate-lab', severity: 'moderate', suggestions: [], earlierResult: { reference: 'Observation/o1', display: 'HbA1c 7.1 % on 2031-01-02' } }, drafts, ctx);
    assert.equal(card.indicator, 'warning');
    assert.equal(card.selectionBehavior, undefined);
    assert.deepEqual(card.links, [{ label: 'Earlier result: HbA1c 7.1 % on 2031-01-02', url: 'https://ehr.example/patients/p1/results?focus=Observation%2Fo1', type: 'absolute' }]);
  });
});

describe('dispatcher', () => {
  it('keeps every service\'s outcome apart: ok, failed (error or no cards array) and timeout', async () => {
    const request = parseHookRequest({ hook: 'order-sign', hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', context: { userId: 'Practitioner/1', patientId: 'p1', draftOrders: draftBundle([]) } }, 'order-sign');
    const def = (id: string) => ({ endpoint: 'Endpoint/e', discovery: 'http://x/cds-services', definition: { hook: 'order-sign' as const, id, title: id, description: '', prefetch: {} } });
    const env: DispatchEnv = {
      callOwn: async () => ({ status: 'ok', json: { cards: [{ summary: 'own', indicator: 'info', source: { label: 'C' } }] } }),
      callOutside: (url, _b, signal) => {
        if (url.endsWith('/broken')) return Promise.reject(new Error('connection refused'));
        if (url.endsWith('/odd')) return Promise.resolve({ status: 'ok', json: { nothing: true } });
        return new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      },
      outside: [def('broken'), def('odd'), def('slow'), { ...def('other-hook'), definition: { ...def('x').definition, hook: 'patient-view', id: 'other-hook' } }],
      unreachable: [{ id: 'Endpoint/down', title: 'Down' }],
      fhir: { get: () => Promise.reject(new Error('no reads here')) },
      fhirBase: 'http://ehr/fhir',
      timeoutMs: 50,
    };
    const res = await dispatch('order-sign', request, env);
    assert.deepEqual(res.services.map((s) => `${s.id}:${s.status}`), ['continuum-order-sign:ok', 'broken:failed', 'odd:failed', 'slow:timeout', 'Endpoint/down:failed']);
    assert.deepEqual(res.cards, [{ summary: 'own', indicator: 'info', source: { label: 'C' }, serviceId: 'continuum-order-sign' }]);
  });
});

describe('the JSON Schema validator', () => {
  it('finds missing, mistyped and out-of-range fields', () => {
    assert.deepEqual(validateAs('card', { summary: 'x', indicator: 'info', source: { label: 'l' } }), []);
    assert.equal(validateAs('card', { summary: 'x'.repeat(141), indicator: 'urgent', source: {} }).length, 3);
    assert.equal(validateAs('feedback', { feedback: [] }).length, 1);
    assert.equal(validateAs('request', { hook: 'x', hookInstance: 'nope', context: { userId: 'u' } }).length, 2);
  });
});
