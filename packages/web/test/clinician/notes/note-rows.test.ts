/** The notes list's rows: Compositions and DocumentReferences together, newest first, with their status. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Composition, DocumentReference } from '@medplum/fhirtypes';
import { documentStatus, notePagePath, noteRows } from '../../../src/clinician/notes/note-rows.ts';

const comp = (id: string, date: string, status: Composition['status'], extra: Partial<Composition> = {}): Composition => ({
  resourceType: 'Composition', id, status, date, title: `Note ${id}`, type: { text: 'SOAP note' }, author: [{ reference: 'Practitioner/p', display: 'Dr Lee' }], ...extra,
});
const doc = (id: string, date: string, extra: Partial<DocumentReference> = {}): DocumentReference => ({
  resourceType: 'DocumentReference', id, status: 'current', docStatus: 'final', date, type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
  author: [{ display: 'Dr Park' }], content: [{ attachment: { contentType: 'text/plain', title: 'Visit note' } }], ...extra,
});

it('merges notes and documents newest first, with pages, types, authors and statuses', () => {
  const rows = noteRows(
    [comp('a', '2026-11-20T10:00:00Z', 'final'), comp('b', '2026-11-25T10:00:00Z', 'final', { relatesTo: [{ code: 'replaces', targetReference: { reference: 'Composition/a' } }] }), comp('c', '2026-11-26T09:00:00Z', 'preliminary')],
    [doc('d1', '2026-11-22T10:00:00Z'), doc('d2', '2025-01-01T10:00:00Z', { status: 'entered-in-error' })],
  );
  assert.deepEqual(rows.map((r) => [r.page, r.title, r.type, r.author, r.status]), [
    ['c', 'Note c', 'SOAP note', 'Dr Lee', 'Draft'],
    ['b', 'Note b', 'SOAP note', 'Dr Lee', 'Signed'],
    ['doc-d1', 'Visit note', 'Progress note', 'Dr Park', 'Signed'],
    ['a', 'Note a', 'SOAP note', 'Dr Lee', 'Superseded'],
    ['doc-d2', 'Visit note', 'Progress note', 'Dr Park', 'Entered in error'],
  ]);
});

it('reads a document status from status and docStatus', () => {
  assert.equal(documentStatus(doc('x', '2026-01-01', { docStatus: 'preliminary' })), 'Draft');
  assert.equal(documentStatus(doc('x', '2026-01-01', { status: 'superseded' })), 'Superseded');
  assert.equal(documentStatus(doc('x', '2026-01-01', { docStatus: 'amended' })), 'Amended');
});

it('gives notes and documents their page in the chart, and nothing else one', () => {
  assert.equal(notePagePath('p1', 'Composition/c1'), '/patients/p1/notes/c1');
  assert.equal(notePagePath('p1', 'DocumentReference/d1'), '/patients/p1/notes/doc-d1');
  assert.equal(notePagePath('p1', 'Observation/o1'), undefined);
});
