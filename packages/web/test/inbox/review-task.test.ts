/** Completing a review Task (pure): who and when, and a device clock behind the server's is clamped, never refused. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Task } from '@medplum/fhirtypes';
import { completed } from '../../src/inbox/review-task.ts';

const raised: Task = { resourceType: 'Task', id: 't', status: 'requested', intent: 'order', priority: 'stat', owner: { reference: 'Practitioner/dr' }, authoredOn: '2026-11-27T10:00:05.000Z', lastModified: '2026-11-27T10:00:05.000Z' };

it('records when the review was completed', () => {
  const done = completed(raised, new Date('2026-11-27T10:30:00Z'));
  assert.equal(done.status, 'completed');
  assert.equal(done.lastModified, '2026-11-27T10:30:00.000Z');
  assert.equal(done.executionPeriod?.end, '2026-11-27T10:30:00.000Z');
  assert.equal(done.owner?.reference, 'Practitioner/dr');
});

it('never dates the completion before the Task was raised (a slow device clock)', () => {
  const done = completed(raised, new Date('2026-11-27T10:00:01Z'));
  assert.equal(done.lastModified, '2026-11-27T10:00:05.000Z');
  assert.equal(done.executionPeriod?.end, '2026-11-27T10:00:05.000Z');
});
