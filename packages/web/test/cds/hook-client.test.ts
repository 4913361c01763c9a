/** Calling the CDS client routes: the request sent, the answer read defensively, feedback by service. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MedicationRequest } from '@medplum/fhirtypes';
import { FhirClient } from '../../src/fhir/client.ts';
import { callHook, readCard, readHookResult, sendFeedback } from '../../src/cds/hook-client.ts';
import { orderSelect, orderSign, asDraft, draftRef } from '../../src/clinician/orders/order-checks.ts';

interface Call {
  url: string;
  method: string | undefined;
  headers: Record<string, string>;
  body: unknown;
}
function server(answer: (call: Call) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: string, init?: RequestInit) => {
    const call = { url: input, method: init?.method, headers: (init?.headers ?? {}) as Record<string, string>, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined };
    calls.push(call);
    const a = answer(call);
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const good = { uuid: 'c1', serviceId: 'continuum-order-sign', summary: 'Simvastatin with clarithromycin', indicator: 'critical', source: { label: 'ONC' } };

it('reads only well-formed cards and statuses', () => {
  const read = readHookResult({
    cards: [good, { ...good, uuid: '' }, { ...good, indicator: 'hard-stop' }, { ...good, source: {} }, { ...good, serviceId: undefined }, 'nonsense',
      { ...good, uuid: 'c2', suggestions: [{ uuid: 's', label: 'Remove', actions: [] }, { label: 'no uuid', actions: [] }], links: [{ label: 'x' }], overrideReasons: [{ display: 'no code' }, { code: 'ok' }] }],
    services: [{ id: 'a', status: 'ok' }, { id: 'b', status: 'sleeping' }, { status: 'ok' }],
  });
  assert.deepEqual(read.cards.map((c) => c.uuid), ['c1', 'c2']);
  assert.deepEqual(read.cards[1]?.suggestions?.map((s) => s.uuid), ['s']);
  assert.deepEqual(read.cards[1]?.links, []);
  assert.deepEqual(read.cards[1]?.overrideReasons, [{ code: 'ok' }]);
  assert.deepEqual(read.services.map((s) => s.id), ['a']);
  assert.deepEqual(readHookResult('not json'), { cards: [], services: [] });
  assert.equal(readCard({ ...good, detail: 42 })?.detail, undefined, 'a detail that is not text is left out');
});

it('POSTs the hook to /cds-client/{hook} with the user token and the CDS Hooks context', async () => {
  const { calls, fetchImpl } = server(() => ({ status: 200, body: { cards: [good], services: [{ id: 'continuum-order-sign', title: 'Order checks', status: 'ok' }] } }));
  const client = new FhirClient({ baseUrl: '/fhir', token: () => 'tok', onUnauthorized: () => assert.fail('no 401'), fetch: fetchImpl });
  const draft = asDraft<MedicationRequest>({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' } }, 'd-1');
  const ctx = { patient: 'Patient/p1', user: 'Practitioner/doc', encounter: 'Encounter/e1' };
  const req = orderSelect(draft, ctx);
  const result = await callHook(client, req.hook, req.context, 'hook-1');
  assert.equal(result.cards[0]?.summary, 'Simvastatin with clarithromycin');
  assert.equal(calls[0]?.url, '/cds-client/order-select', 'on the server, beside the FHIR base');
  assert.equal(calls[0]?.method, 'POST');
  assert.equal(calls[0]?.headers.authorization, 'Bearer tok');
  assert.deepEqual(calls[0]?.body, {
    hookInstance: 'hook-1',
    context: { userId: 'Practitioner/doc', patientId: 'p1', encounterId: 'e1', selections: ['MedicationRequest/d-1'], draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] } },
  });
  assert.equal(draft.status, 'draft');
  assert.equal(draftRef(draft), 'MedicationRequest/d-1');
  const sign = orderSign([draft], { patient: 'Patient/p1', user: 'Practitioner/doc' });
  assert.deepEqual(sign, { hook: 'order-sign', context: { userId: 'Practitioner/doc', patientId: 'p1', draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] } } });

  const absolute = new FhirClient({ baseUrl: 'https://ehr.example/fhir', token: () => 'tok', onUnauthorized: () => undefined, fetch: fetchImpl });
  await callHook(absolute, 'patient-view', { userId: 'Practitioner/doc', patientId: 'p1' }, 'hook-2');
  assert.equal(calls[1]?.url, 'https://ehr.example/cds-client/patient-view');
});

it('fails the call when the dispatcher itself fails', async () => {
  const client = new FhirClient({ baseUrl: '/fhir', token: () => 'tok', onUnauthorized: () => undefined, fetch: server(() => ({ status: 403, body: { error: 'forbidden' } })).fetchImpl });
  await assert.rejects(callHook(client, 'patient-view', { userId: 'Practitioner/doc', patientId: 'p1' }, 'h'), /403/);
});

it('sends feedback once per service, and reports the services it could not reach without throwing', async () => {
  const { calls, fetchImpl } = server((c) => ((c.body as { serviceId: string }).serviceId === 'down' ? { status: 502, body: {} } : { status: 200, body: {} }));
  const client = new FhirClient({ baseUrl: '/fhir', token: () => 'tok', onUnauthorized: () => undefined, fetch: fetchImpl });
  const fb = (card: string) => ({ card, outcome: 'overridden' as const, outcomeTimestamp: '2026-11-27T02:00:00.000Z' });
  const failed = await sendFeedback(client, [{ serviceId: 'a', feedback: fb('1') }, { serviceId: 'down', feedback: fb('2') }, { serviceId: 'a', feedback: fb('3') }]);
  assert.deepEqual(failed, ['down']);
  assert.equal(calls.length, 2);
  assert.ok(calls.every((c) => c.url === '/cds-client/feedback' && c.method === 'POST'));
  assert.deepEqual(calls.find((c) => (c.body as { serviceId: string }).serviceId === 'a')?.body, { serviceId: 'a', feedback: [fb('1'), fb('3')] });
});
