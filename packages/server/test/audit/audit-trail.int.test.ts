/**
 * Audit suite, the trail on the backend under test: many concurrent records share few
 * transactions and few batch rows, and leave an intact chain; two trails (as two server processes
 * would) append to one chain; ordinary SQL cannot change, delete or truncate batches or entries;
 * verification finds a changed entry, a changed report column, a deleted batch and a deleted tail
 * (tampering done as an owner would, with the triggers disabled); the report's filters and keyset
 * paging, across entries of one batch and of several.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
import { batchHash } from '../../src/audit/chain.ts';
import { AuditError } from '../../src/audit/types.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';
import { countingTransactions, newTenant, readEntry } from './helpers.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

/** Tampering as the table's owner would: with the append-only triggers off for one statement. */
async function tamper(sql: string, params: unknown[] = []): Promise<void> {
  await t.db.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_batch DISABLE TRIGGER ALL');
    await tx.query(sql, params);
    await tx.query('ALTER TABLE audit_batch ENABLE TRIGGER ALL');
  });
}

/** How many batch rows and entries the tenant's entries are in. */
async function batchesOf(tenant: string): Promise<{ batches: number; entries: number }> {
  const r = await t.db.query<{ batches: number; entries: number }>(
    'SELECT count(*)::int AS batches, coalesce(sum(n), 0)::int AS entries FROM audit_batch WHERE tenants @> ARRAY[$1]::text[]',
    [tenant],
  );
  return r.rows[0]!;
}

describe('audit trail: recording', () => {
  it('commits 500 concurrent entries in far fewer transactions, with an intact chain', async () => {
    const tenant = newTenant();
    const counted = countingTransactions(t.db);
    const trail = new AuditTrail(counted.db);
    const before = (await trail.verify()).checked;
    await Promise.all(Array.from({ length: 500 }, (_, i) => trail.record(readEntry(tenant, i))));
    assert.ok(counted.transactions() <= 2, `500 entries recorded together took ${counted.transactions()} transactions`);
    const stored = await batchesOf(tenant);
    assert.equal(stored.entries, 500);
    assert.ok(stored.batches <= 2, `500 entries recorded together are in ${stored.batches} batch rows`);
    const result = await trail.verify({ batchSize: 64 });
    assert.deepEqual(result, { ok: true, checked: before + 500 });
    const rows = await trail.search({ tenant, count: 1000 });
    assert.equal(rows.length, 500);
    assert.deepEqual(new Set(rows.map((r) => r.resource)).size, 500, 'every entry is there once');
  });

  it('groups entries recorded while a write is in flight, and resolves each only once committed', async () => {
    const tenant = newTenant();
    const counted = countingTransactions(t.db);
    const trail = new AuditTrail(counted.db, { maxBatch: 100 });
    const waves: Promise<void>[] = [];
    for (let w = 0; w < 5; w++) {
      for (let i = 0; i < 60; i++) waves.push(trail.record(readEntry(tenant, w * 60 + i)));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(waves);
    assert.ok(counted.transactions() <= 10, `300 entries in ${counted.transactions()} transactions`);
    const single = trail.record(readEntry(tenant, 999));
    await single;
    assert.equal((await trail.search({ tenant, count: 1 }))[0]?.resource, 'Observation/obs-999', 'visible once record() resolved');
    assert.equal((await trail.verify()).ok, true);
  });

  it('writes batches on several lanes at once, each lane its own intact chain', async () => {
    const tenant = newTenant();
    const trail = new AuditTrail(t.db, { lanes: [5, 6, 7] });
    const before = (await trail.verify()).checked;
    await Promise.all(Array.from({ length: 300 }, (_, i) => trail.record(readEntry(tenant, i))));
    const rows = await trail.search({ tenant, count: 1000 });
    assert.equal(rows.length, 300);
    const perLane = new Map<number, number>();
    for (const r of rows) perLane.set(r.lane, (perLane.get(r.lane) ?? 0) + 1);
    assert.deepEqual([...perLane.keys()].sort(), [5, 6, 7], 'the queue was shared out over the three lanes');
    assert.deepEqual(await trail.verify(), { ok: true, checked: before + 300 });
    const heads = await trail.heads();
    assert.equal(heads.length, 16);
    assert.ok(heads.filter((h) => [5, 6, 7].includes(h.lane)).every((h) => BigInt(h.pos) > 0n), 'the heads of the lanes used moved');
    assert.equal(new Set(rows.map((r) => r.seq)).size, 300, 'every entry has its own id');
  });

  it('rejects lane settings outside the schema', () => {
    for (const lanes of [0, 17, 1.5, [], [16], [1, 1], [-1]]) {
      assert.throws(() => new AuditTrail(t.db, { lanes }), AuditError, JSON.stringify(lanes));
    }
  });

  it('keeps intact chains when two trails (two processes) append at once, even on the same lanes', async () => {
    const tenant = newTenant();
    const a = new AuditTrail(t.db, { lanes: [1, 2] });
    const b = new AuditTrail(t.db, { lanes: [2, 3] });
    await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).record(readEntry(tenant, i))));
    assert.equal((await a.verify()).ok, true);
    assert.equal((await a.search({ tenant, count: 1000 })).length, 200);
  });

  it('refuses an invalid entry on its own, without failing the entries around it', async () => {
    const tenant = newTenant();
    const trail = new AuditTrail(t.db);
    const bad = { ...readEntry(tenant, 1), action: 'peek' } as unknown as Parameters<AuditTrail['record']>[0];
    const results = await Promise.allSettled([trail.record(readEntry(tenant, 0)), trail.record(bad), trail.record({ ...readEntry(tenant, 2), outcome: 'meh' as 'success' }), trail.record(readEntry(tenant, 3))]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    assert.ok(results[1].status === 'rejected' && results[1].reason instanceof AuditError);
    assert.equal((await trail.search({ tenant })).length, 2);
  });

  it('stores the time to the millisecond and the defaults', async () => {
    const tenant = newTenant();
    const trail = new AuditTrail(t.db, { clock: () => new Date('2031-03-04T05:06:07.891Z') });
    await trail.record({ tenant, action: 'break-glass', outcome: 'success', username: 'nurse.synthetic', patients: ['pat-1'], detail: 'unconscious patient in ED' });
    const [row] = await trail.search({ tenant });
    assert.ok(row);
    assert.equal(row.recorded, '2031-03-04T05:06:07.891Z');
    assert.equal(row.priority, 'high', 'break-glass is high priority unless told otherwise');
    assert.deepEqual([row.userId, row.clientId, row.resource, row.query], [null, null, null, null]);
    assert.match(row.seq, /^\d+$/);
    const [batch] = (await t.db.query<{ hash: string; n: number }>('SELECT hash, n FROM audit_batch WHERE tenants @> ARRAY[$1]::text[]', [tenant])).rows;
    assert.ok(batch);
    assert.match(batch.hash, /^[0-9a-f]{64}$/);
    assert.equal(batch.n, 1);
  });

  it('gives every entry of a batch its own id and place, in the order recorded', async () => {
    const tenant = newTenant();
    const trail = new AuditTrail(t.db, { lanes: [9] });
    await Promise.all(Array.from({ length: 10 }, (_, i) => trail.record(readEntry(tenant, i))));
    assert.deepEqual(await batchesOf(tenant), { batches: 1, entries: 10 });
    const rows = (await trail.search({ tenant, count: 100 })).reverse();
    assert.deepEqual(rows.map((r) => r.resource), Array.from({ length: 10 }, (_, i) => `Observation/obs-${i}`));
    const seqs = rows.map((r) => BigInt(r.seq));
    const places = rows.map((r) => BigInt(r.pos));
    for (let i = 1; i < 10; i++) {
      assert.equal(seqs[i]! - seqs[i - 1]!, 1n, 'ids follow each other within a batch');
      assert.equal(places[i]! - places[i - 1]!, 1n, 'so do positions in the lane');
    }
    assert.ok(rows.every((r) => r.lane === 9));
    const head = (await trail.heads()).find((h) => h.lane === 9)!;
    assert.equal(head.pos, rows[9]!.pos, 'the head is the last entry');
  });

  it('refuses batch sizes a batch row cannot hold', () => {
    for (const maxBatch of [0, 1025, 2.5]) assert.throws(() => new AuditTrail(t.db, { maxBatch }), AuditError, String(maxBatch));
  });
});

describe('audit trail: the database refuses changes', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of batches and of the head, new per-entry rows, and moving the head back', async () => {
    const tenant = newTenant();
    await new AuditTrail(t.db).record(readEntry(tenant, 1));
    for (const sql of [
      `UPDATE audit_batch SET entries = replace(entries, 'success', 'failure') WHERE tenants @> ARRAY['${tenant}']`,
      `UPDATE audit_batch SET patients = '{}' WHERE tenants @> ARRAY['${tenant}']`,
      `DELETE FROM audit_batch WHERE tenants @> ARRAY['${tenant}']`,
      'TRUNCATE audit_batch',
      // audit_entry's rows (written before batches, see audit-upgrade) are refused changes as before.
      'TRUNCATE audit_entry',
      `INSERT INTO audit_entry (lane, pos, tenant_id, recorded, action, outcome, priority, prev_hash, hash)
         VALUES (15, 1, '${tenant}', now(), 'read', 'success', 'normal', repeat('0', 64), repeat('a', 64))`,
      'DELETE FROM audit_head',
      'TRUNCATE audit_head',
      'UPDATE audit_head SET pos = pos - 1',
      `INSERT INTO audit_head (id, pos, hash) VALUES (17, 0, repeat('0', 64))`,
    ]) {
      await assert.rejects(t.db.query(sql), /append-only|only moves forward/, sql);
    }
    assert.equal((await new AuditTrail(t.db).verify()).ok, true);
  });

  it('refuses a batch whose hashes are not 64 lower-case hex digits', async () => {
    const tenant = newTenant();
    const good = 'ab'.repeat(32);
    // One statement each, outside any transaction: a refused one writes nothing.
    const insert = (prevHash: string, hash: string, pos: number): Promise<unknown> =>
      t.db.query(
        `INSERT INTO audit_batch (seq, lane, pos, n, entries, tenants, patients, users, actions, recorded_min, recorded_max, prev_hash, hash)
         VALUES ($1, 15, $1, 1, '[]', ARRAY[$2], '{}', '{}', '{read}', now(), now(), $3, $4)`,
        [pos, tenant, prevHash, hash],
      );
    const bad = ['AB'.repeat(32), 'ab'.repeat(31), 'ab'.repeat(33), `${'ab'.repeat(31)}zz`, `${'ab'.repeat(31)}a`, ''];
    for (const [i, h] of bad.entries()) {
      await assert.rejects(insert(good, h, 1_000_000 + 2 * i), (e: unknown) => ['23514', '22023'].includes(String((e as { code?: unknown }).code)), `hash ${JSON.stringify(h)}`);
      await assert.rejects(insert(h, good, 1_000_001 + 2 * i), (e: unknown) => ['23514', '22023'].includes(String((e as { code?: unknown }).code)), `prev_hash ${JSON.stringify(h)}`);
    }
    // The same statement with well-formed hashes goes in; rolled back, as this row is on no chain
    // and later tests verify this database.
    const rollback = new Error('rollback');
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO audit_batch (seq, lane, pos, n, entries, tenants, patients, users, actions, recorded_min, recorded_max, prev_hash, hash)
           VALUES (2000000, 15, 2000000, 1, '[]', ARRAY[$1], '{}', '{}', '{read}', now(), now(), $2, $3)`,
          [tenant, good, 'cd'.repeat(32)],
        );
        assert.equal((await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_batch WHERE tenants @> ARRAY[$1]::text[]', [tenant])).rows[0]!.n, 1);
        throw rollback;
      }),
      (e: unknown) => e === rollback,
    );
  });
});

// Each tampering test breaks the shared chain, so each starts from a fresh database. One lane:
// 30 entries recorded one at a time (batches of one, positions 1 to 30), then 10 together (one
// batch, positions 31 to 40).
describe('audit trail: verification finds tampering', () => {
  let trail: AuditTrail;
  let tenant: string;
  beforeEach(async () => {
    await t.drop();
    t = await createTestDatabase();
    trail = new AuditTrail(t.db, { lanes: [0] });
    tenant = newTenant();
    for (let i = 0; i < 30; i++) await trail.record(readEntry(tenant, i, { recorded: new Date(Date.UTC(2031, 0, 1, 0, i)) }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => trail.record(readEntry(tenant, 30 + i, { recorded: new Date(Date.UTC(2031, 0, 1, 1, i)) }))));
    assert.deepEqual(await batchesOf(tenant), { batches: 31, entries: 40 });
    assert.deepEqual(await trail.verify(), { ok: true, checked: 40 });
  });

  /** The id of the first entry of the batch at a position of lane 0. */
  const seqAt = async (pos: number): Promise<string> =>
    (await t.db.query<{ seq: string }>('SELECT seq::text AS seq FROM audit_batch WHERE lane = 0 AND pos = $1', [pos])).rows[0]!.seq;

  it('a changed field', async () => {
    const seq = await seqAt(17);
    await tamper(`UPDATE audit_batch SET entries = replace(entries, '"success"', '"failure"') WHERE lane = 0 AND pos = 17`);
    const r = await trail.verify({ batchSize: 8 });
    assert.equal(r.ok, false);
    assert.deepEqual([r.firstBad?.lane, r.firstBad?.pos, r.firstBad?.seq], [0, '17', seq]);
    assert.match(r.firstBad?.reason ?? '', /changed/);
    assert.equal(r.checked, 16);
  });

  it('one changed entry in a batch of several', async () => {
    await tamper(`UPDATE audit_batch SET entries = replace(entries, '"Observation/obs-35"', '"Observation/obs-99"') WHERE lane = 0 AND pos = 31`);
    const r = await trail.verify({ batchSize: 4 });
    assert.deepEqual([r.firstBad?.pos, r.firstBad?.seq, r.checked], ['31', await seqAt(31), 30]);
    assert.match(r.firstBad?.reason ?? '', /the batch of entries starting here was changed/);
  });

  it('a changed time, even by less than a second', async () => {
    await tamper(`UPDATE audit_batch SET entries = replace(entries, '2031-01-01T00:02:00.000Z', '2031-01-01T00:02:00.001Z') WHERE lane = 0 AND pos = 3`);
    assert.equal((await trail.verify()).firstBad?.pos, '3');
  });

  it('a report column changed to hide a batch from the report', async () => {
    // Entry 16 (position 17) is the only one of user-2 with pat-5 among the first 30 ... and of the whole trail.
    const found = async (): Promise<number> => (await trail.search({ tenant, patient: 'pat-5', user: 'user-2' })).length;
    assert.equal(await found(), 1);
    await tamper(`UPDATE audit_batch SET patients = '{}' WHERE lane = 0 AND pos = 17`);
    assert.equal(await found(), 0, 'the report no longer finds it');
    const r = await trail.verify();
    assert.deepEqual([r.firstBad?.pos, r.checked], ['17', 16]);
    assert.match(r.firstBad?.reason ?? '', /report columns of the batch starting here do not match its entries/);
  });

  it('a changed entry count', async () => {
    await tamper('UPDATE audit_batch SET n = 9 WHERE lane = 0 AND pos = 31');
    assert.match((await trail.verify()).firstBad?.reason ?? '', /entry count was changed/);
  });

  it('entries not in the trail\'s form, hashed to match', async () => {
    const prev = (await t.db.query<{ prevHash: string }>('SELECT prev_hash AS "prevHash" FROM audit_batch WHERE lane = 0 AND pos = 17')).rows[0]!.prevHash;
    const forged = '[["only a tenant"]]';
    await tamper('UPDATE audit_batch SET entries = $1, hash = $2 WHERE lane = 0 AND pos = 17', [forged, batchHash(prev, 0, '17', forged)]);
    const r = await trail.verify();
    assert.deepEqual([r.firstBad?.pos, r.checked], ['17', 16]);
    assert.match(r.firstBad?.reason ?? '', /not in the form the trail writes/);
  });

  it('a deleted entry in the middle', async () => {
    await tamper('DELETE FROM audit_batch WHERE lane = 0 AND pos = 12');
    const r = await trail.verify({ batchSize: 5 });
    assert.equal(r.ok, false);
    assert.deepEqual(r.firstBad, { lane: 0, pos: '12', reason: 'entry 12 of lane 0 is missing' });
  });

  it('a deleted entry with the later ones renumbered', async () => {
    await tamper('DELETE FROM audit_batch WHERE lane = 0 AND pos = 12');
    await tamper('UPDATE audit_batch SET pos = pos - 1 WHERE lane = 0 AND pos > 12');
    const r = await trail.verify();
    assert.equal(r.firstBad?.pos, '12');
    assert.match(r.firstBad.reason, /prev_hash is not the hash of the entry before it in lane 0/);
  });

  it('a deleted tail', async () => {
    await tamper('DELETE FROM audit_batch WHERE lane = 0 AND pos > 27');
    const r = await trail.verify();
    assert.equal(r.ok, false);
    assert.equal(r.checked, 27);
    assert.equal(r.firstBad?.pos, '28');
    assert.match(r.firstBad.reason, /lane 0 ends at entry 27 but its head records 40/);
  });

  it('a deleted batch of several at the end', async () => {
    await tamper('DELETE FROM audit_batch WHERE lane = 0 AND pos = 31');
    const r = await trail.verify();
    assert.deepEqual([r.firstBad?.pos, r.checked], ['31', 30]);
    assert.match(r.firstBad?.reason ?? '', /lane 0 ends at entry 30 but its head records 40/);
  });

  it('a deleted first entry', async () => {
    await tamper('DELETE FROM audit_batch WHERE lane = 0 AND pos = 1');
    assert.deepEqual((await trail.verify()).firstBad, { lane: 0, pos: '1', reason: 'entry 1 of lane 0 is missing' });
  });

  it('a lane moved: a batch put on another lane breaks both', async () => {
    await tamper('UPDATE audit_batch SET lane = 3, pos = 1 WHERE lane = 0 AND pos = 31');
    const r = await trail.verify();
    assert.deepEqual([r.firstBad?.lane, r.firstBad?.pos], [0, '31']);
    assert.match(r.firstBad?.reason ?? '', /lane 0 ends at entry 30 but its head records 40/);
  });

  it('a head row removed', async () => {
    await t.db.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_head DISABLE TRIGGER ALL');
      await tx.query('DELETE FROM audit_head WHERE id = 5');
      await tx.query('ALTER TABLE audit_head ENABLE TRIGGER ALL');
    });
    assert.deepEqual((await trail.verify()).firstBad, { lane: 4, pos: '0', reason: 'the head of lane 4 is missing' });
  });

  it('keeps appending after a verification and stays intact', async () => {
    await trail.record(readEntry(tenant, 99));
    assert.deepEqual(await trail.verify(), { ok: true, checked: 41 });
  });
});

describe('audit trail: the report', () => {
  let trail: AuditTrail;
  let tenant: string;
  before(async () => {
    trail = new AuditTrail(t.db);
    tenant = newTenant();
    const day = (d: number, h = 12): Date => new Date(Date.UTC(2031, 2, d, h));
    await trail.record(readEntry(tenant, 1, { userId: 'u-ada', username: 'Ada.Admin', action: 'login', resource: undefined, patients: [], recorded: day(1, 8) }));
    await trail.record(readEntry(tenant, 2, { userId: 'u-ada', username: 'Ada.Admin', patients: ['pat-1'], recorded: day(1) }));
    await trail.record(readEntry(tenant, 3, { userId: 'u-bo', username: 'bo.nurse', action: 'search', resource: 'Observation', query: 'patient=pat-1&code=8867-4', patients: ['pat-1', 'pat-2'], recorded: day(2) }));
    await trail.record(readEntry(tenant, 4, { userId: 'u-bo', username: 'bo.nurse', action: 'update', patients: ['pat-2'], outcome: 'denied', recorded: day(3) }));
    await trail.record(readEntry(tenant, 5, { userId: 'u-ada', username: 'Ada.Admin', patients: ['pat-3'], recorded: day(4) }));
    await new AuditTrail(t.db).record(readEntry(newTenant(), 6, { userId: 'u-ada', username: 'Ada.Admin', patients: ['pat-1'], recorded: day(2) }));
  });

  const resources = async (filter: Omit<Parameters<AuditTrail['search']>[0], 'tenant'>): Promise<(string | null)[]> =>
    (await trail.search({ tenant, ...filter })).map((r) => r.resource);

  it('lists one tenant, newest first', async () => {
    assert.deepEqual(await resources({}), ['Observation/obs-5', 'Observation/obs-4', 'Observation', 'Observation/obs-2', null]);
  });

  it('filters by user id or username (any case), patient, action and time', async () => {
    assert.deepEqual(await resources({ user: 'u-bo' }), ['Observation/obs-4', 'Observation']);
    assert.deepEqual(await resources({ user: 'ADA.admin' }), ['Observation/obs-5', 'Observation/obs-2', null]);
    assert.deepEqual(await resources({ patient: 'pat-1' }), ['Observation', 'Observation/obs-2']);
    assert.deepEqual(await resources({ patient: 'pat-2', user: 'bo.nurse', action: 'update' }), ['Observation/obs-4']);
    assert.deepEqual(await resources({ from: new Date('2031-03-02T00:00:00Z'), to: new Date('2031-03-04T00:00:00Z') }), ['Observation/obs-4', 'Observation']);
    assert.deepEqual(await resources({ action: 'login' }), [null]);
    assert.deepEqual(await resources({ patient: 'pat-404' }), []);
  });

  it('pages by keyset with count and after', async () => {
    const first = await trail.search({ tenant, count: 2 });
    assert.deepEqual(first.map((r) => r.resource), ['Observation/obs-5', 'Observation/obs-4']);
    const second = await trail.search({ tenant, count: 2, after: first[1]!.seq });
    assert.deepEqual(second.map((r) => r.resource), ['Observation', 'Observation/obs-2']);
    const third = await trail.search({ tenant, count: 2, after: second[1]!.seq });
    assert.deepEqual(third.map((r) => r.resource), [null]);
  });

  it('filters and pages the entries inside one batch, as it does across batches', async () => {
    const mixed = newTenant();
    const other = newTenant();
    const trail9 = new AuditTrail(t.db, { lanes: [9] });
    // 20 entries of two tenants recorded together: one batch row holds them all.
    await Promise.all(Array.from({ length: 20 }, (_, i) =>
      trail9.record(readEntry(i % 4 === 3 ? other : mixed, i, { action: i % 5 === 0 ? 'search' : 'read', recorded: new Date(Date.UTC(2032, 0, 1 + (i % 3))) }))));
    const batches = (await t.db.query<{ n: number }>('SELECT n FROM audit_batch WHERE tenants @> ARRAY[$1]::text[]', [mixed])).rows;
    assert.deepEqual(batches, [{ n: 20 }]);
    const mine = Array.from({ length: 20 }, (_, i) => i).filter((i) => i % 4 !== 3).reverse();
    const obs = (is: number[]): string[] => is.map((i) => `Observation/obs-${i}`);
    const found = async (filter: Omit<Parameters<AuditTrail['search']>[0], 'tenant'>): Promise<(string | null)[]> =>
      (await trail9.search({ tenant: mixed, count: 100, ...filter })).map((r) => r.resource);
    assert.deepEqual(await found({}), obs(mine), 'only this tenant\'s entries of the batch, newest first');
    assert.deepEqual(await found({ patient: 'pat-4' }), obs(mine.filter((i) => i % 11 === 4)));
    assert.deepEqual(await found({ user: 'DR.SYNTHETIC2' }), obs(mine.filter((i) => i % 7 === 2)));
    assert.deepEqual(await found({ action: 'search' }), obs(mine.filter((i) => i % 5 === 0)));
    assert.deepEqual(await found({ from: new Date(Date.UTC(2032, 0, 2)), to: new Date(Date.UTC(2032, 0, 3)) }), obs(mine.filter((i) => i % 3 === 1)));
    const paged: (string | null)[] = [];
    for (let after: string | undefined; ;) {
      const page = await trail9.search({ tenant: mixed, count: 4, ...(after ? { after } : {}) });
      paged.push(...page.map((r) => r.resource));
      if (page.length < 4) break;
      after = page[page.length - 1]!.seq;
    }
    assert.deepEqual(paged, obs(mine), 'pages of 4 run through the batch without a gap or a repeat');
  });

  it('treats filter values as data, never as SQL', async () => {
    assert.deepEqual(await resources({ user: "x' OR '1'='1" }), []);
    assert.deepEqual(await resources({ patient: "pat-1'] OR true --" }), []);
    await assert.rejects(trail.search({ tenant, after: '1; DROP TABLE audit_entry' }), AuditError);
  });
});
