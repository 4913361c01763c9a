/** One inbox row from a searched report and what the search included beside it; messages in My tasks. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Bundle, Communication, DiagnosticReport } from '@medplum/fhirtypes';
import { toItem } from '../../src/inbox/inbox-data.ts';
import { messageItem } from '../../src/tasks/task-list.ts';

it('joins a report to its included results and patient, flagged by its worst result', () => {
  const report: DiagnosticReport = {
    resourceType: 'DiagnosticReport', id: 'r', status: 'final', code: { text: 'BMP' }, subject: { reference: 'Patient/p' }, issued: '2026-11-26T10:00:00Z',
    result: [{ reference: 'Observation/na' }, { reference: 'Observation/k' }, { reference: 'Observation/missing' }],
  };
  const bundle: Bundle = {
    resourceType: 'Bundle', type: 'searchset',
    entry: [
      { resource: report, search: { mode: 'match' } },
      { resource: { resourceType: 'Observation', id: 'k', status: 'final', code: { text: 'K' }, valueQuantity: { value: 6.9 }, interpretation: [{ coding: [{ code: 'HH' }] }] }, search: { mode: 'include' } },
      { resource: { resourceType: 'Observation', id: 'na', status: 'final', code: { text: 'Na' }, valueQuantity: { value: 131 }, referenceRange: [{ low: { value: 135 }, high: { value: 145 } }] }, search: { mode: 'include' } },
      { resource: { resourceType: 'Patient', id: 'p', name: [{ given: ['Ann'], family: 'Lee' }] }, search: { mode: 'include' } },
    ],
  };
  const item = toItem(report, bundle, []);
  assert.deepEqual(item.observations.map((o) => o.id), ['na', 'k'], "in the report's order, without the one not returned");
  assert.equal(item.patient?.id, 'p');
  assert.equal(item.flag, 'HH', 'the critical potassium outranks the low sodium');
  assert.equal(item.date, '2026-11-26T10:00:00Z');
});

it('keeps a message open until it is marked read, with its sender', () => {
  const c: Communication = { resourceType: 'Communication', id: 'c', status: 'completed', sender: { reference: 'Practitioner/d' }, subject: { reference: 'Patient/p' }, sent: '2026-11-26T09:00:00Z' };
  const open = messageItem(c, new Map(), new Map([['Practitioner/d', 'Dr. Day']]));
  assert.deepEqual([open.open, open.from, open.patientRef, open.priority], [true, 'Dr. Day', 'Patient/p', 'routine']);
  assert.equal(messageItem({ ...c, received: '2026-11-26T09:05:00Z' }, new Map()).open, false);
});
