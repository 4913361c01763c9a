/** Dismissed summary cards stay dismissed for the session, per patient, whatever uuid a card comes back with. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { CdsCard } from '../../src/cds/cds-types.ts';
import { dismiss, dismissKey, readDismissed } from '../../src/cds/dismissals.ts';

/** A Storage over a Map: the browser's sessionStorage interface, in memory. */
function memoryStorage(failing = false) {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (failing) throw new Error('QuotaExceededError');
      m.set(k, v);
    },
  };
}
const card = (uuid: string): CdsCard => ({ uuid, serviceId: 'continuum-patient-view', summary: 'HbA1c due', indicator: 'info', source: { label: 'ADA', topic: { code: 'reminder-a1c' } } });

it('knows a card again by patient, service, topic and summary, not by its uuid', () => {
  assert.equal(dismissKey('p1', card('a')), dismissKey('p1', card('b')));
  assert.notEqual(dismissKey('p1', card('a')), dismissKey('p2', card('a')));
  assert.notEqual(dismissKey('p1', card('a')), dismissKey('p1', { ...card('a'), summary: 'BP due' }));
});

it('keeps the dismissed cards in the session storage, and survives a storage that fails or holds rubbish', () => {
  const storage = memoryStorage();
  assert.deepEqual([...readDismissed(storage)], []);
  const one = dismiss(storage, new Set(), 'k1');
  dismiss(storage, one, 'k2');
  assert.deepEqual([...readDismissed(storage)].sort(), ['k1', 'k2']);
  const broken = memoryStorage(true);
  assert.deepEqual([...dismiss(broken, new Set(['x']), 'y')].sort(), ['x', 'y'], 'still dismissed on this screen');
  assert.deepEqual([...readDismissed({ getItem: () => '{not json' })], []);
  assert.deepEqual([...readDismissed({ getItem: () => '[1,"a",null]' })], ['a']);
  assert.deepEqual([...readDismissed(undefined)], []);
});
