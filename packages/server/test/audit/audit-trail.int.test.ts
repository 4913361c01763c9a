/**
 * Audit suite, the trail on the backend under test: many concurrent records share few
 * transactions and leave an intact chain; two trails (as two server processes would) append to
 * one chain; ordinary SQL cannot change, delete or truncate entries; verification finds a
 * changed entry, a deleted one and a deleted tail (tampering done as an owner would, with the
 * triggers disabled); the report's filters and keyset paging.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
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
    await tx.query('ALTER TABLE audit_entry DISABLE TRIGGER ALL');
    await tx.query(sql, params);
    await tx.query('ALTER TABLE audit_entry ENABLE TRIGGER ALL');
  });
}

describe('audit trail: recording', () => {
  it('commits 500 concurrent entries in far fewer transactions, with an intact chain', async () => {
    const tenant = newTenant();
    const counted = countingTransactions(t.db);
    const trail = new AuditTrail(counted.db);
    const before = (await trail.verify()).checked;
    await Promise.all(Array.from({ length: 500 }, (_, i) => trail.record(readEntry(tenant, i))));
    assert.ok(counted.transactions() <= 2, `500 entries recorded together took ${counted.transactions()} transactions`);
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
    assert.match(row.hash, /^[0-9a-f]{64}$/);
  });
});

describe('audit trail: the database refuses changes', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of entries and of the head, and moving the head back', async () => {
    const tenant = newTenant();
    await new AuditTrail(t.db).record(readEntry(tenant, 1));
    for (const sql of [
      `UPDATE audit_entry SET outcome = 'failure' WHERE tenant_id = '${tenant}'`,
      `DELETE FROM audit_entry WHERE tenant_id = '${tenant}'`,
      'TRUNCATE audit_entry',
      'DELETE FROM audit_head',
      'TRUNCATE audit_head',
      'UPDATE audit_head SET pos = pos - 1',
      `INSERT INTO audit_head (id, pos, hash) VALUES (17, 0, repeat('0', 64))`,
    ]) {
      await assert.rejects(t.db.query(sql), /append-only|only moves forward/, sql);
    }
    assert.equal((await new AuditTrail(t.db).verify()).ok, true);
  });

  it('refuses an entry whose hashes are not 64 lower-case hex digits', async () => {
    const tenant = newTenant();
    const good = 'ab'.repeat(32);
    // One statement each, outside any transaction: a refused one writes nothing.
    const insert = (prevHash: string, hash: string, pos: number): Promise<unknown> =>
      t.db.query(
        `INSERT INTO audit_entry (lane, pos, tenant_id, recorded, action, outcome, priority, prev_hash, hash)
         VALUES (15, $1, $2, now(), 'read', 'success', 'normal', $3, $4)`,
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
          `INSERT INTO audit_entry (lane, pos, tenant_id, recorded, action, outcome, priority, prev_hash, hash)
           VALUES (15, 2000000, $1, now(), 'read', 'success', 'normal', $2, $3)`,
          [tenant, good, 'cd'.repeat(32)],
        );
        assert.equal((await tx.query(`SELECT count(*)::int AS n FROM audit_entry WHERE tenant_id = $1`, [tenant])).rows[0]!.n, 1);
        throw rollback;
      }),
      (e: unknown) => e === rollback,
    );
  });
});

// Each tampering test breaks the shared chain, so each starts from a fresh database. One lane, so
// that an entry's id (seq) and its position in lane 0 are the same number.
describe('audit trail: verification finds tampering', () => {
  let trail: AuditTrail;
  let tenant: string;
  beforeEach(async () => {
    await t.drop();
    t = await createTestDatabase();
    trail = new AuditTrail(t.db, { lanes: [0] });
    tenant = newTenant();
    for (let i = 0; i < 30; i++) await trail.record(readEntry(tenant, i, { recorded: new Date(Date.UTC(2031, 0, 1, 0, i)) }));
    assert.deepEqual(await trail.verify(), { ok: true, checked: 30 });
  });

  it('a changed field', async () => {
    await tamper(`UPDATE audit_entry SET patients = '{pat-other}' WHERE seq = 17`);
    const r = await trail.verify({ batchSize: 8 });
    assert.equal(r.ok, false);
    assert.deepEqual([r.firstBad?.lane, r.firstBad?.pos, r.firstBad?.seq], [0, '17', '17']);
    assert.match(r.firstBad?.reason ?? '', /changed/);
    assert.equal(r.checked, 16);
  });

  it('a changed time, even by less than a second', async () => {
    await tamper(`UPDATE audit_entry SET recorded = recorded + interval '1 millisecond' WHERE seq = 3`);
    assert.equal((await trail.verify()).firstBad?.seq, '3');
  });

  it('a deleted entry in the middle', async () => {
    await tamper('DELETE FROM audit_entry WHERE seq = 12');
    const r = await trail.verify({ batchSize: 5 });
    assert.equal(r.ok, false);
    assert.deepEqual(r.firstBad, { lane: 0, pos: '12', reason: 'entry 12 of lane 0 is missing' });
  });

  it('a deleted entry with the later ones renumbered', async () => {
    await tamper('DELETE FROM audit_entry WHERE seq = 12');
    await tamper('UPDATE audit_entry SET seq = seq - 1, pos = pos - 1 WHERE seq > 12');
    const r = await trail.verify();
    assert.equal(r.firstBad?.pos, '12');
    assert.match(r.firstBad.reason, /prev_hash is not the hash of the entry before it in lane 0/);
  });

  it('a deleted tail', async () => {
    await tamper('DELETE FROM audit_entry WHERE seq > 27');
    const r = await trail.verify();
    assert.equal(r.ok, false);
    assert.equal(r.checked, 27);
    assert.equal(r.firstBad?.pos, '28');
    assert.match(r.firstBad.reason, /lane 0 ends at entry 27 but its head records 30/);
  });

  it('a deleted first entry', async () => {
    await tamper('DELETE FROM audit_entry WHERE seq = 1');
    assert.deepEqual((await trail.verify()).firstBad, { lane: 0, pos: '1', reason: 'entry 1 of lane 0 is missing' });
  });

  it('a lane moved: an entry put on another lane breaks both', async () => {
    await tamper('UPDATE audit_entry SET lane = 3, pos = 1 WHERE seq = 30');
    const r = await trail.verify();
    assert.deepEqual([r.firstBad?.lane, r.firstBad?.pos], [0, '30']);
    assert.match(r.firstBad?.reason ?? '', /lane 0 ends at entry 29 but its head records 30/);
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
    assert.deepEqual(await trail.verify(), { ok: true, checked: 31 });
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

  it('treats filter values as data, never as SQL', async () => {
    assert.deepEqual(await resources({ user: "x' OR '1'='1" }), []);
    assert.deepEqual(await resources({ patient: "pat-1'] OR true --" }), []);
    await assert.rejects(trail.search({ tenant, after: '1; DROP TABLE audit_entry' }), AuditError);
  });
});
