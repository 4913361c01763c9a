/**
 * Storage suite: Database.ownConnection, the connection the server's audit trail appends on.
 * It reaches the same data as the pool; on PostgreSQL it is a connection apart from the pool, so
 * a statement on it completes while every pooled connection is taken and requests queue for them
 * (the audit commit each request waits for must not queue behind them), and it closes with the
 * database. On PGlite, which has one connection, it is the database itself.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
import type { Database } from '../../src/db/database.ts';
import { openStoreDatabase } from '../../src/store/open-store.ts';
import { readEntry, newTenant } from '../audit/helpers.ts';
import { backend, createPgDatabase, createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

it('reaches the same data as the pool, both ways', async () => {
  const own = t.db.ownConnection();
  await t.db.exec('CREATE TABLE own_probe (x int)');
  await t.db.query('INSERT INTO own_probe VALUES (1)');
  await own.query('INSERT INTO own_probe VALUES (2)');
  const seen = async (db: Database): Promise<number[]> => (await db.query<{ x: number }>('SELECT x FROM own_probe ORDER BY x')).rows.map((r) => r.x);
  assert.deepEqual(await seen(own), [1, 2]);
  assert.deepEqual(await seen(t.db), [1, 2]);
  await own.transaction(async (tx) => {
    await tx.query('INSERT INTO own_probe VALUES (3)');
  });
  assert.deepEqual(await seen(t.db), [1, 2, 3]);
});

/** `p`, or a failure naming `what` if it has not settled within 5 s (it queued for the pool). */
async function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} waited for the pool`)), 5000)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A store on a new PostgreSQL database whose pool has a single connection. */
async function onePooledConnection(): Promise<{ db: Database; drop: () => Promise<void> }> {
  const pg = await createPgDatabase();
  const db = await openStoreDatabase({ databaseUrl: pg.url, dataDir: '', poolSize: 1 });
  return {
    db,
    async drop() {
      await db.close().catch(() => undefined);
      await pg.drop();
    },
  };
}

/**
 * Takes the pool's only connection in an open transaction; resolves once it holds it, with that
 * connection's backend pid, and `release`, which ends the transaction (and resolves when it has).
 */
async function holdThePool(db: Database): Promise<{ pid: number; release: () => Promise<void> }> {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  let holding!: Promise<void>;
  const pid = await new Promise<number>((resolve, reject) => {
    holding = db.transaction(async (tx) => {
      resolve((await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
      await ended;
    });
    holding.catch(reject);
  });
  return {
    pid,
    release: async () => {
      end();
      await holding;
    },
  };
}

it('on PostgreSQL, runs while every pooled connection is taken, on a backend of its own', { skip: backend !== 'postgres' }, async () => {
  const { db, drop } = await onePooledConnection();
  try {
    const own = db.ownConnection();
    const held = await holdThePool(db);
    try {
      // This one queues for the only pooled connection.
      let queuedDone = false;
      const queued = db.query('SELECT 1').then(() => (queuedDone = true));
      const ownPid = (await within(own.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'), 'the own connection')).rows[0]!.pid;
      assert.notEqual(ownPid, held.pid, 'a backend apart from the pool');
      assert.equal(queuedDone, false, 'the pooled statement is still waiting for the connection');
      await held.release();
      await queued;
      assert.equal(queuedDone, true);
    } finally {
      await held.release();
    }
  } finally {
    await drop();
  }
});

it('on PostgreSQL, the audit trail appends on it while requests wait for the pool', { skip: backend !== 'postgres' }, async () => {
  const { db, drop } = await onePooledConnection();
  try {
    const trail = new AuditTrail(db, { writer: db.ownConnection() });
    const tenant = newTenant();
    const held = await holdThePool(db);
    try {
      // Durable while the only pooled connection is taken: the append did not queue for it.
      await within(Promise.all([trail.record(readEntry(tenant, 1)), trail.record(readEntry(tenant, 2))]), 'the append');
    } finally {
      await held.release();
    }
    const rows = await trail.search({ tenant });
    assert.deepEqual(rows.map((r) => r.resource).sort(), ['Observation/obs-1', 'Observation/obs-2']);
    assert.equal((await trail.verify()).ok, true);
  } finally {
    await drop();
  }
});

it('on PostgreSQL, closes with the database', { skip: backend !== 'postgres' }, async () => {
  const { db, drop } = await onePooledConnection();
  try {
    const own = db.ownConnection();
    assert.equal((await own.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);
    await db.close();
    await assert.rejects(own.query('SELECT 1'));
  } finally {
    await drop();
  }
});

it('on PGlite, is the database itself (one connection)', { skip: backend !== 'pglite' }, () => {
  assert.equal(t.db.ownConnection(), t.db);
});
