/** The inbox's pure parts: flags from interpretations and reference ranges, abnormal-first order, review Tasks. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DiagnosticReport, Observation, Task } from '@medplum/fhirtypes';
import { compareAbnormalFirst, flagLabel, rangeFlag, rangeText, resultFlag, worstFlag } from '../../src/inbox/result-flags.ts';
import { reviewBundle, REVIEW } from '../../src/inbox/review-task.ts';
import { compareWork, taskItem } from '../../src/tasks/task-list.ts';

const obs = (value: number | undefined, low?: number, high?: number, interpretation?: string): Observation => ({
  resourceType: 'Observation', status: 'final', code: { text: 'x' },
  ...(value !== undefined ? { valueQuantity: { value, unit: '%' } } : {}),
  ...(low !== undefined || high !== undefined ? { referenceRange: [{ ...(low !== undefined ? { low: { value: low, unit: '%' } } : {}), ...(high !== undefined ? { high: { value: high, unit: '%' } } : {}) }] } : {}),
  ...(interpretation ? { interpretation: [{ coding: [{ code: interpretation }] }] } : {}),
});

it('flags a value against its reference range when the lab sent no interpretation', () => {
  assert.equal(resultFlag(obs(9.1, 4, 5.6)), 'H');
  assert.equal(resultFlag(obs(3.2, 4, 5.6)), 'L');
  assert.equal(resultFlag(obs(5.6, 4, 5.6)), undefined, 'the bounds are inside the range');
  assert.equal(resultFlag(obs(4, 4, 5.6)), undefined);
  assert.equal(resultFlag(obs(250, undefined, 199)), 'H', 'an upper bound alone');
  assert.equal(resultFlag(obs(35, 40)), 'L', 'a lower bound alone');
  assert.equal(resultFlag(obs(7)), undefined, 'no range, no flag');
  assert.equal(rangeFlag(undefined, { low: { value: 1 } }), undefined);
});

it("trusts the lab's interpretation over the range, criticals above all", () => {
  assert.equal(resultFlag(obs(9.1, 4, 5.6, 'N')), undefined, 'the lab said normal');
  assert.equal(resultFlag(obs(5, 4, 5.6, 'H')), 'H');
  assert.equal(resultFlag(obs(30, 4, 5.6, 'HH')), 'HH');
  assert.equal(resultFlag(obs(1, 4, 5.6, 'LL')), 'LL');
  assert.equal(resultFlag(obs(undefined, undefined, undefined, 'A')), 'A');
  assert.equal(resultFlag(obs(undefined, undefined, undefined, 'AA')), 'AA');
  assert.equal(worstFlag([undefined, 'H', 'LL', 'L']), 'LL');
  assert.equal(worstFlag([undefined, undefined]), undefined);
  assert.equal(flagLabel('HH'), 'Critical high');
});

it('writes reference ranges as a lab slip does', () => {
  assert.equal(rangeText(obs(9.1, 4, 5.6)), '4–5.6 %');
  assert.equal(rangeText(obs(250, undefined, 199)), '≤ 199 %');
  assert.equal(rangeText(obs(35, 40)), '≥ 40 %');
  assert.equal(rangeText(obs(1)), 'No reference range');
  assert.equal(rangeText({ ...obs(1), referenceRange: [{ text: 'negative' }] }), 'negative');
});

it('lists criticals, then abnormal results, then normal ones, newest first within each', () => {
  const items = [
    { id: 'normal-new', flag: undefined, date: '2026-11-26T10:00:00Z' },
    { id: 'high-old', flag: 'H' as const, date: '2026-11-20T10:00:00Z' },
    { id: 'critical', flag: 'LL' as const, date: '2026-11-01T10:00:00Z' },
    { id: 'low-new', flag: 'L' as const, date: '2026-11-25T10:00:00Z' },
    { id: 'normal-old', flag: undefined, date: '2026-10-01T10:00:00Z' },
    { id: 'undated', flag: undefined, date: undefined },
  ];
  assert.deepEqual(items.sort(compareAbnormalFirst).map((i) => i.id), ['critical', 'low-new', 'high-old', 'normal-new', 'normal-old', 'undated']);
});

const report: DiagnosticReport = { resourceType: 'DiagnosticReport', id: 'r1', status: 'final', code: { text: 'HbA1c' }, subject: { reference: 'Patient/p1' } };
const now = new Date('2026-11-26T12:00:00Z');

it('acknowledges a result of my own order by recording a completed review Task', () => {
  const b = reviewBundle(report, 'Practitioner/me', [], now);
  assert.equal(b.type, 'transaction');
  assert.equal(b.entry?.length, 1);
  const t = b.entry[0]!.resource as Task;
  assert.deepEqual([b.entry[0]!.request?.method, t.status, t.owner?.reference, t.focus?.reference, t.for?.reference], ['POST', 'completed', 'Practitioner/me', 'DiagnosticReport/r1', 'Patient/p1']);
  assert.deepEqual(t.code?.coding?.[0], REVIEW);
});

it('completes the Tasks forwarded to me, with If-Match, and forwards with the note and who forwarded', () => {
  const open: Task = { resourceType: 'Task', id: 't1', meta: { versionId: '3' }, status: 'requested', intent: 'order', owner: { reference: 'Practitioner/me' } };
  const b = reviewBundle(report, 'Practitioner/me', [open], now, { to: 'Practitioner/nurse', note: '  Call the patient  ' });
  assert.equal(b.entry?.length, 2);
  assert.deepEqual(b.entry[0]!.request, { method: 'PUT', url: 'Task/t1', ifMatch: 'W/"3"' });
  assert.equal((b.entry[0]!.resource as Task).status, 'completed');
  const fwd = b.entry[1]!.resource as Task;
  assert.deepEqual([fwd.status, fwd.owner?.reference, fwd.requester?.reference, fwd.note?.[0]?.text], ['requested', 'Practitioner/nurse', 'Practitioner/me', 'Call the patient']);
});

it('lists open tasks first, the most urgent and soonest due on top', () => {
  const t = (id: string, status: Task['status'], priority?: Task['priority'], due?: string): Task => ({
    resourceType: 'Task', id, status, intent: 'order', ...(priority ? { priority } : {}), ...(due ? { restriction: { period: { end: due } } } : {}), authoredOn: '2026-11-01T00:00:00Z',
  });
  const items = [t('done-stat', 'completed', 'stat'), t('routine-late', 'requested', 'routine', '2026-12-10'), t('routine-soon', 'requested', 'routine', '2026-11-28'), t('urgent', 'in-progress', 'urgent'), t('routine-nodue', 'requested')].map((x) => taskItem(x, new Map()));
  assert.deepEqual(items.sort(compareWork).map((i) => i.resource.id), ['urgent', 'routine-soon', 'routine-late', 'routine-nodue', 'done-stat']);
});
