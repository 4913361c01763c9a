/** Patient message threads in the clinician's inbox (grouping, unread first) and the decisions on portal requests. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Communication, MedicationRequest, Task } from '@medplum/fhirtypes';
import { summarizeThreads, threadOf } from '../../src/inbox/messages-data.ts';
import { amendmentDecision, approveRefillBundle, denyRefill, portalRequestKind } from '../../src/tasks/portal-requests.ts';

const ME = 'Practitioner/me';
const message = (id: string, sent: string, extra: Partial<Communication> = {}): Communication => ({
  resourceType: 'Communication', id, status: 'completed', sent, subject: { reference: 'Patient/p', display: 'Ann Lee' }, recipient: [{ reference: ME }], topic: { text: `Topic ${id}` }, ...extra,
});

it('groups replies under their thread’s first message, unread threads first, then the most recent', () => {
  const read = message('a', '2026-11-20T10:00:00Z', { received: '2026-11-20T11:00:00Z' });
  const readReply = message('a2', '2026-11-25T10:00:00Z', { partOf: [{ reference: 'Communication/a' }], received: '2026-11-25T11:00:00Z' });
  const unread = message('b', '2026-11-21T10:00:00Z');
  const toSomeoneElse = message('c', '2026-11-26T10:00:00Z', { recipient: [{ reference: 'Practitioner/other' }] });
  assert.equal(threadOf(readReply), 'a');
  assert.equal(threadOf(unread), 'b');
  const threads = summarizeThreads([read, readReply, unread, toSomeoneElse], ME, () => undefined);
  assert.deepEqual(threads.map((t) => [t.rootId, t.unread]), [['b', 1], ['c', 0], ['a', 0]]);
  assert.equal(threads[2]!.latest.id, 'a2', 'a thread shows its latest message');
  assert.equal(threads[2]!.topic, 'Topic a');
  assert.equal(threads[0]!.patientName, 'Ann Lee', 'the subject’s display when the patient was not included');
  assert.equal(summarizeThreads([unread], ME, () => 'Ann B. Lee')[0]!.patientName, 'Ann B. Lee');
});

const task = (code: string): Task => ({ resourceType: 'Task', id: 't', meta: { versionId: '2' }, status: 'requested', intent: 'order', code: { coding: [{ system: 'urn:continuum:task-code', code }] }, for: { reference: 'Patient/p' } });

it('approving a refill renews the order and completes the request in one transaction, pointing at the renewal', () => {
  assert.equal(portalRequestKind(task('refill-request')), 'refill');
  assert.equal(portalRequestKind(task('amendment-request')), 'amendment');
  assert.equal(portalRequestKind(task('result-review')), undefined);
  const order: MedicationRequest = { resourceType: 'MedicationRequest', id: 'm', meta: { versionId: '1' }, status: 'active', intent: 'order', subject: { reference: 'Patient/p' }, medicationCodeableConcept: { text: 'amlodipine' }, dispenseRequest: { quantity: { value: 30 }, numberOfRepeatsAllowed: 1 } };
  const now = new Date('2026-11-27T09:00:00Z');
  const bundle = approveRefillBundle(task('refill-request'), order, { quantity: '90', refills: '3' }, ME, now);
  assert.equal(bundle.type, 'transaction');
  const [renewal, old, done] = bundle.entry!;
  assert.equal((renewal!.resource as MedicationRequest).requester?.reference, ME);
  assert.equal((renewal!.resource as MedicationRequest).dispenseRequest?.numberOfRepeatsAllowed, 3);
  assert.equal((old!.resource as MedicationRequest).status, 'completed');
  const completed = done!.resource as Task;
  assert.equal(completed.status, 'completed');
  assert.equal(completed.output?.[0]?.valueReference?.reference, renewal!.fullUrl);
  assert.deepEqual(done!.request, { method: 'PUT', url: 'Task/t', ifMatch: 'W/"2"' });
  assert.equal(completed.executionPeriod?.end, now.toISOString());
});

it('a denial needs a reason, for refills and amendments alike', () => {
  assert.throws(() => denyRefill(task('refill-request'), '  ', new Date()), /Say why/);
  const denied = denyRefill(task('refill-request'), ' Book a visit first ', new Date());
  assert.equal(denied.status, 'rejected');
  assert.equal(denied.statusReason?.text, 'Book a visit first');
  assert.throws(() => amendmentDecision('denied', ''), /Say why/);
  assert.deepEqual(amendmentDecision('accepted', '').parameter, [{ name: 'decision', valueCode: 'accepted' }]);
  assert.deepEqual(amendmentDecision('denied', 'Matches the ID on file').parameter, [{ name: 'decision', valueCode: 'denied' }, { name: 'reason', valueString: 'Matches the ID on file' }]);
});
