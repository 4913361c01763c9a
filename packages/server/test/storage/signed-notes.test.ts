/** The signed-note lock as a pure rule: which writes over which stored versions pass or are refused. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Composition } from '@medplum/fhirtypes';
import { isOutcomeError } from '@continuum/fhir';
import { checkSignedNoteWrite, lockCandidates, sameJson } from '../../src/store/signed-notes.ts';
import type { PreparedWrite } from '../../src/store/types.ts';

const note = (status: Composition['status'], extra: Partial<Composition> = {}): Composition => ({
  resourceType: 'Composition', id: 'n1', meta: { versionId: '3', lastUpdated: '2026-11-26T10:00:00Z' }, status, type: { text: 'Progress note' }, date: '2026-11-26T10:00:00Z',
  title: 'Progress note', author: [{ reference: 'Practitioner/a' }], section: [{ title: 'Plan', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Rest</p></div>' } }], ...extra,
});

function refused(fn: () => void, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => isOutcomeError(err) && err.status === 422 && err.outcome.issue?.[0]?.code === 'business-rule' && pattern.test(err.message));
}

describe('the signed-note lock', () => {
  it('lets drafts and new notes change and go', () => {
    checkSignedNoteWrite(undefined, note('final'));
    checkSignedNoteWrite(note('preliminary'), note('preliminary', { title: 'Changed' }));
    checkSignedNoteWrite(note('preliminary'), note('final'));
    checkSignedNoteWrite(note('preliminary'), null);
  });

  it('refuses any change to a signed note, and its deletion', () => {
    refused(() => checkSignedNoteWrite(note('final'), note('final', { title: 'Changed' })), /signed and locked/);
    refused(() => checkSignedNoteWrite(note('final'), note('preliminary')), /signed and locked/);
    refused(() => checkSignedNoteWrite(note('amended'), note('final')), /signed and locked/);
    refused(() => checkSignedNoteWrite(note('final'), note('final', { section: [] })), /signed and locked/);
    refused(() => checkSignedNoteWrite(note('final'), null), /cannot be deleted/);
  });

  it('accepts the same content again (meta and key order aside), and entered-in-error alone', () => {
    const { meta: _m, ...rest } = note('final');
    checkSignedNoteWrite(note('final'), Object.fromEntries(Object.entries(rest).reverse()) as unknown as Composition);
    checkSignedNoteWrite(note('final'), note('entered-in-error', { meta: { versionId: '4' } }));
    refused(() => checkSignedNoteWrite(note('final'), note('entered-in-error', { title: 'x' })), /signed and locked/);
    refused(() => checkSignedNoteWrite(note('entered-in-error'), note('final')), /entered-in-error/);
    refused(() => checkSignedNoteWrite(note('entered-in-error'), null), /cannot be deleted/);
  });

  it('compares JSON by value, and looks only at replacements of Compositions', () => {
    assert.equal(sameJson({ a: [1, { b: 2 }], c: undefined }, { a: [1, { b: 2 }] }), true);
    assert.equal(sameJson({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(sameJson({ a: null }, { a: {} }), false);
    const w = (resourceType: string, previousVersion: number) => ({ resourceType, previousVersion }) as PreparedWrite;
    assert.deepEqual(lockCandidates([w('Composition', 0), w('Composition', 2), w('Observation', 2)]), [w('Composition', 2)]);
  });
});
