/**
 * Audit suite, `continuum audit`: in-process on the backend under test, the report's table and
 * filters, verify's message and exit code, and usage errors; then as a real child process over a
 * fresh data folder (or PostgreSQL database): verify exits 0 on an intact chain and 1, saying
 * where, once an entry has been changed behind the triggers' back.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runAudit } from '../../src/audit/audit-command.ts';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
import type { Database } from '../../src/db/database.ts';
import { openStoreDatabase } from '../../src/store/open-store.ts';
import { createTestDatabase, freshStoreEnv, runCli, type CliRun, type TestDatabase } from '../fixtures/backend.ts';
import { newTenant, readEntry } from './helpers.ts';


type Run = CliRun;

describe('continuum audit, in-process', () => {
  let t: TestDatabase;
  let tenant: string;
  before(async () => {
    t = await createTestDatabase();
    tenant = newTenant();
    const trail = new AuditTrail(t.db);
    await trail.record(readEntry(tenant, 1, { username: 'Ada.Admin', userId: 'u-ada', action: 'login', resource: undefined, patients: [], recorded: new Date('2031-03-01T08:00:00.000Z') }));
    await trail.record(readEntry(tenant, 2, { username: 'Ada.Admin', userId: 'u-ada', patients: ['pat-1'], recorded: new Date('2031-03-02T09:30:00.000Z') }));
    await trail.record(readEntry(tenant, 3, { username: 'bo.nurse', userId: 'u-bo', action: 'break-glass', resource: undefined, patients: ['pat-2'], recorded: new Date('2031-03-03T23:59:59.999Z') }));
    await trail.record(readEntry(tenant, 4, { username: 'bo.nurse', userId: 'u-bo', action: 'search', resource: 'Observation', query: 'a=b\nc', patients: ['pat-1', 'pat-2'], recorded: new Date('2031-03-04T00:00:00.000Z') }));
  });
  after(() => t.drop());

  async function audit(args: string[]): Promise<Run> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => void (out += c.toString()));
    stderr.on('data', (c: Buffer) => void (err += c.toString()));
    const code = await runAudit(args, { db: t.db, tenant, io: { stdout, stderr } });
    return { code, out, err };
  }

  /** The header and the entry lines, split into cells (footnotes left out). */
  const table = (out: string): string[][] => out.trimEnd().split('\n').filter((l) => /^(SEQ|\d)/.test(l)).map((l) => l.split(/\s{2,}/));

  it('verifies the chain', async () => {
    assert.deepEqual(await audit(['verify']), { code: 0, out: 'audit chain intact: 4 entries\n', err: '' });
  });

  it('prints the report newest first, with the filters applied', async () => {
    const all = await audit(['report']);
    assert.equal(all.code, 0, all.err);
    const rows = table(all.out);
    assert.deepEqual(rows[0], ['SEQ', 'RECORDED', 'ACTION', 'OUTCOME', 'USER', 'ROLE', 'CLIENT', 'RESOURCE', 'PATIENTS', 'SOURCE']);
    assert.deepEqual(rows.slice(1, 5).map((r) => r[2]), ['search', 'break-glass', 'read', 'login']);
    assert.deepEqual(rows[1]!.slice(1), ['2031-03-04T00:00:00.000Z', 'search', 'success', 'bo.nurse', 'physician', 'continuum-web', 'Observation', 'pat-1,pat-2', '192.0.2.10']);
    assert.equal(rows[2]![3], 'success (!)', 'break-glass is high priority');
    assert.match(all.out, /^\(!\) high priority$/m);

    const actions = async (args: string[]): Promise<string[]> => table((await audit(['report', ...args])).out).slice(1).map((r) => r[2]!);
    assert.deepEqual(await actions(['--user', 'ada.admin']), ['read', 'login']);
    assert.deepEqual(await actions(['--patient', 'pat-2']), ['search', 'break-glass']);
    assert.deepEqual(await actions(['--action', 'read']), ['read']);
    assert.deepEqual(await actions(['--from', '2031-03-02', '--to', '2031-03-03']), ['break-glass', 'read'], 'a date-only --to includes that whole day');
    assert.deepEqual(await actions(['--from', '2031-03-02T09:30:00.001Z']), ['search', 'break-glass']);
    const page = await audit(['report', '--count', '2']);
    assert.match(page.out, /\(more may follow: --after \d+\)\n$/);
    const cursor = /--after (\d+)/.exec(page.out)![1]!;
    assert.deepEqual(await actions(['--count', '2', '--after', cursor]), ['read', 'login']);
    assert.equal((await audit(['report', '--tenant', newTenant()])).out, 'no audit entries\n');
  });

  it('answers usage errors with exit code 2 and the usage', async () => {
    for (const args of [[], ['tamper'], ['verify', '--user', 'x'], ['report', '--count', '0'], ['report', '--count', 'x'], ['report', '--from', 'yesterday'], ['report', '--action', 'peek'], ['report', '--after', '1;'], ['report', '--user'], ['report', '--bogus', '1']]) {
      const run = await audit(args);
      assert.equal(run.code, 2, JSON.stringify(args));
      assert.match(run.err, /Usage: continuum audit verify/, JSON.stringify(args));
    }
  });
});

describe('continuum audit, as a child process', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ env, cleanup } = await freshStoreEnv('cli', 'continuum-audit-'));
  });
  after(() => cleanup());

  const cli = (args: string[]): Promise<Run> => runCli(env, ['audit', ...args]);

  /** The child's store, opened here while no child runs (PGlite allows one process at a time). */
  async function withStore(fn: (db: Database) => Promise<void>): Promise<void> {
    const db = await openStoreDatabase({ dataDir: env.CONTINUUM_DATA_DIR ?? '', poolSize: 2, ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}) });
    try {
      await fn(db);
    } finally {
      await db.close();
    }
  }

  it('exits 0 on an intact chain and 1 where it was changed, through the command table', async () => {
    const empty = await cli(['verify']);
    assert.deepEqual([empty.code, empty.out], [0, 'audit chain intact: 0 entries\n'], empty.err);
    await withStore(async (db) => {
      const trail = new AuditTrail(db);
      await Promise.all(Array.from({ length: 12 }, (_, i) => trail.record(readEntry('cli', i))));
    });
    const intact = await cli(['verify']);
    assert.deepEqual([intact.code, intact.out, intact.err], [0, 'audit chain intact: 12 entries\n', '']);
    const report = await cli(['report', '--count', '3']);
    assert.equal(report.code, 0, report.err);
    assert.equal(report.out.trimEnd().split('\n').length, 5, 'header, 3 rows, the next-page hint');

    await withStore(async (db) => {
      await db.transaction(async (tx) => {
        await tx.query('ALTER TABLE audit_entry DISABLE TRIGGER ALL');
        await tx.query(`UPDATE audit_entry SET outcome = 'failure' WHERE seq = 5`);
        await tx.query('ALTER TABLE audit_entry ENABLE TRIGGER ALL');
      });
    });
    const broken = await cli(['verify']);
    assert.equal(broken.code, 1);
    assert.equal(broken.out, '');
    assert.equal(broken.err, 'audit chain broken at entry 5: its content does not match its hash (the entry was changed) (4 entries before it are intact)\n');
  });

  it('exits 2 on a usage error before opening any database', async () => {
    const run = await cli(['report', '--count', 'lots']);
    assert.equal(run.code, 2);
    assert.match(run.err, /--count must be 1 to 1000, got 'lots'/);
  });
});
