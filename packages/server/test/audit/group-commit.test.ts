/**
 * Audit suite, the pure parts: group commit (batches form while a write is in flight, order is
 * kept, a failed write rejects only its own batch) and the chain's hash (stable, and changed by
 * any field, the seq and the time included).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryHash, GENESIS_HASH } from '../../src/audit/chain.ts';
import { GroupCommit } from '../../src/audit/group-commit.ts';
import type { AuditFields } from '../../src/audit/types.ts';

describe('GroupCommit', () => {
  it('writes what arrives during a write as the next batch, in order', async () => {
    const batches: number[][] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const gc = new GroupCommit<number>(async (b) => {
      batches.push(b);
      if (batches.length === 1) await gate;
    });
    const first = [gc.submit(1), gc.submit(2)];
    await new Promise((r) => setImmediate(r));
    const second = [3, 4, 5].map((n) => gc.submit(n));
    assert.deepEqual(batches, [[1, 2]], 'the first write is in flight; the rest wait for it');
    open();
    await Promise.all([...first, ...second]);
    assert.deepEqual(batches, [[1, 2], [3, 4, 5]]);
  });

  it('writes on a second lane while the first is busy, so a batch never waits for another', async () => {
    const writes: { lane: number; batch: number[] }[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const gc = new GroupCommit<number>(async (batch, lane) => {
      writes.push({ lane, batch });
      if (lane === 7) await gate;
    }, 500, [7, 9]);
    const first = gc.submit(1);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, [{ lane: 7, batch: [1] }]);
    await Promise.all([2, 3, 4].map((n) => gc.submit(n)));
    assert.deepEqual(writes, [{ lane: 7, batch: [1] }, { lane: 9, batch: [2, 3, 4] }], 'lane 9 wrote and committed while lane 7 was in flight');
    open();
    await first;
    await gc.flush();
  });

  it('shares a waiting queue out over the free lanes', async () => {
    const writes: { lane: number; batch: number[] }[] = [];
    const gc = new GroupCommit<number>(async (batch, lane) => void writes.push({ lane, batch }), 500, [0, 1, 2]);
    await Promise.all(Array.from({ length: 9 }, (_, i) => gc.submit(i)));
    assert.deepEqual(writes, [{ lane: 0, batch: [0, 1, 2] }, { lane: 1, batch: [3, 4, 5] }, { lane: 2, batch: [6, 7, 8] }]);
  });

  it('splits at the batch limit and rejects only the batch whose write failed', async () => {
    const gc = new GroupCommit<number>(async (b) => {
      if (b.includes(3)) throw new Error('disk full');
    }, 2);
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => gc.submit(n)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    await gc.flush();
  });
});

describe('entryHash', () => {
  const fields: AuditFields = {
    lane: 0, pos: '1', tenantId: 't', recorded: '2031-03-04T05:06:07.891Z', action: 'read', outcome: 'success', priority: 'normal',
    userId: 'u', username: 'n', fhirUser: null, role: null, clientId: null, patients: ['p'], resource: 'Patient/p', query: null, sourceIp: null, detail: null,
  };

  it('is hex SHA-256, stable, and depends on the previous hash and on every field', () => {
    const h = entryHash(GENESIS_HASH, fields);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(entryHash(GENESIS_HASH, { ...fields }), h);
    assert.notEqual(entryHash('1'.repeat(64), fields), h);
    for (const [k, v] of Object.entries({ pos: '2', lane: 1, recorded: '2031-03-04T05:06:07.892Z', patients: ['p', 'q'], detail: '', userId: null })) {
      assert.notEqual(entryHash(GENESIS_HASH, { ...fields, [k]: v }), h, k);
    }
    // Moving text between adjacent fields changes the hash too (no ambiguous concatenation).
    assert.notEqual(entryHash(GENESIS_HASH, { ...fields, userId: 'un', username: '' }), entryHash(GENESIS_HASH, { ...fields, userId: 'u', username: 'n' }));
  });
});
