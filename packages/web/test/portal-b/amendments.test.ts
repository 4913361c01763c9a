/**
 * Amendment requests as the corrections page lists them: only `amendment-request` Tasks, newest
 * first, with the text asked, the item it is about, the status in the patient's words, the
 * decision and reason, and the clinic's answer-by date.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Task } from '@medplum/fhirtypes';
import { amendmentRows } from '../../src/portal/b/corrections/amendments.ts';

const task = (id: string, status: Task['status'], authoredOn: string, extra: Partial<Task> = {}): Task => ({
  resourceType: 'Task',
  id,
  status,
  intent: 'order',
  authoredOn,
  code: { coding: [{ system: 'urn:continuum:task-code', code: 'amendment-request' }] },
  input: [{ type: { text: 'text' }, valueString: `request ${id}` }],
  ...extra,
});

describe('amendment requests', () => {
  it('lists only amendment requests, newest first, in the patient words', () => {
    const rows = amendmentRows([
      task('old', 'rejected', '2026-01-02T10:00:00Z', { businessStatus: { text: 'Denied' }, statusReason: { text: 'The entry is correct as recorded' } }),
      task('new', 'requested', '2026-03-01T10:00:00Z', { focus: { reference: 'AllergyIntolerance/a1', display: 'Penicillin' }, restriction: { period: { end: '2026-04-30T10:00:00Z' } } }),
      { ...task('refill', 'requested', '2026-03-05T10:00:00Z'), code: { coding: [{ system: 'urn:continuum:task-code', code: 'refill-request' }] } },
      task('mid', 'completed', '2026-02-01T10:00:00Z', { businessStatus: { text: 'Accepted' } }),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.id, r.statusLabel, r.text, r.about, r.answerBy, r.decision, r.reason]),
      [
        ['new', 'Waiting for review', 'request new', 'Penicillin', '2026-04-30T10:00:00Z', undefined, undefined],
        ['mid', 'Accepted', 'request mid', undefined, undefined, 'Accepted', undefined],
        ['old', 'Denied', 'request old', undefined, undefined, 'Denied', 'The entry is correct as recorded'],
      ],
    );
  });
});
