/**
 * Audit suite, `continuum audit`: in-process on the backend under test, the report's table and
 * filters, verify's message and exit code, and usage errors; then as a real child process over a
 * fresh data folder (or PostgreSQL database): verify exits 0 on an intact chain and 1, saying
 * where, once an entry has been changed behind the triggers' back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { signAnchor } from '../../src/audit/anchor.ts';
import { runAudit } from '../../src/audit/audit-command.ts';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
import { batchHash } from '../../src/audit/chain.ts';
import { loadKeys, type AuthKeys } from '../../src/auth/keys.ts';
import type { Database } from '../../src/db/database.ts';
import { openStoreDatabase } from '../../src/store/open-store.ts';
import { createTestDatabase, freshStoreEnv, runCli, type CliRun, type TestDatabase } from '../fixtures/backend.ts';
import { newTenant, readEntry } from './helpers.ts';


type Run = CliRun;

describe('continuum audit, in-process', () => {
  let t: TestDatabase;
  let tenant: string;
  let keyDir: string;
  let keys: AuthKeys;
  before(async () => {
    keyDir = mkdtempSync(join(tmpdir(), 'continuum-audit-keys-'));
    keys = await loadKeys({ dataDir: keyDir });
    t = await createTestDatabase();
    tenant = newTenant();
    const trail = new AuditTrail(t.db);
    await trail.record(readEntry(tenant, 1, { username: 'Ada.Admin', userId: 'u-ada', action: 'login', resource: undefined, patients: [], recorded: new Date('2031-03-01T08:00:00.000Z') }));
    await trail.record(readEntry(tenant, 2, { username: 'Ada.Admin', userId: 'u-ada', patients: ['pat-1'], recorded: new Date('2031-03-02T09:30:00.000Z') }));
    await trail.record(readEntry(tenant, 3, { username: 'bo.nurse', userId: 'u-bo', action: 'break-glass', resource: undefined, patients: ['pat-2'], recorded: new Date('2031-03-03T23:59:59.999Z') }));
    await trail.record(readEntry(tenant, 4, { username: 'bo.nurse', userId: 'u-bo', action: 'search', resource: 'Observation', query: 'a=b\nc', patients: ['pat-1', 'pat-2'], recorded: new Date('2031-03-04T00:00:00.000Z') }));
  });
  after(async () => {
    rmSync(keyDir, { recursive: true, force: true });
    await t.drop();
  });

  async function audit(args: string[]): Promise<Run> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => void (out += c.toString()));
    stderr.on('data', (c: Buffer) => void (err += c.toString()));
    const code = await runAudit(args, { db: t.db, tenant, io: { stdout, stderr }, keys: () => Promise.resolve(keys), operator: 'ops.test' });
    return { code, out, err };
  }

  /** The header and the entry lines, split into cells (footnotes left out). */
  const table = (out: string): string[][] => out.trimEnd().split('\n').filter((l) => /^(SEQ|\d)/.test(l)).map((l) => l.split(/\s{2,}/));

  it('verifies the chain', async () => {
    assert.deepEqual(await audit(['verify']), { code: 0, out: 'audit chain intact: 4 entries\n', err: '' });
  });

  // The fixture's entries are dated 2031; each report run adds its own entry, dated now (the
  // report is audited), so the assertions on the fixture keep to 2031 with --from.
  const since2031 = ['--from', '2031-01-01'];

  it('prints the report newest first, with the filters applied', async () => {
    const all = await audit(['report', ...since2031]);
    assert.equal(all.code, 0, all.err);
    const rows = table(all.out);
    assert.deepEqual(rows[0], ['SEQ', 'RECORDED', 'ACTION', 'OUTCOME', 'USER', 'ROLE', 'CLIENT', 'RESOURCE', 'PATIENTS', 'SOURCE']);
    assert.deepEqual(rows.slice(1, 5).map((r) => r[2]), ['search', 'break-glass', 'read', 'login']);
    assert.deepEqual(rows[1]!.slice(1), ['2031-03-04T00:00:00.000Z', 'search', 'success', 'bo.nurse', 'physician', 'continuum-web', 'Observation', 'pat-1,pat-2', '192.0.2.10']);
    assert.equal(rows[2]![3], 'success (!)', 'break-glass is high priority');
    assert.match(all.out, /^\(!\) high priority$/m);

    const actions = async (args: string[]): Promise<string[]> => table((await audit(['report', ...args])).out).slice(1).map((r) => r[2]!);
    assert.deepEqual(await actions(['--user', 'ada.admin']), ['read', 'login']);
    assert.deepEqual(await actions(['--patient', 'pat-2', ...since2031]), ['search', 'break-glass']);
    assert.deepEqual(await actions(['--action', 'read']), ['read']);
    assert.deepEqual(await actions(['--from', '2031-03-02', '--to', '2031-03-03']), ['break-glass', 'read'], 'a date-only --to includes that whole day');
    assert.deepEqual(await actions(['--from', '2031-03-02T09:30:00.001Z']), ['search', 'break-glass']);
    const page = await audit(['report', '--count', '2', ...since2031]);
    assert.match(page.out, /\(more may follow: --after \d+\)\n$/);
    const cursor = /--after (\d+)/.exec(page.out)![1]!;
    assert.deepEqual(await actions(['--count', '2', '--after', cursor, ...since2031]), ['read', 'login']);
    assert.equal((await audit(['report', '--tenant', newTenant()])).out, 'no audit entries\n');
  });

  it('records each report it prints: who read it, with the patients it showed', async () => {
    const operatorEntries = async (): Promise<string[][]> => table((await audit(['report', '--user', 'ops.test', '--count', '1000'])).out).slice(1);
    const before = (await operatorEntries()).length;
    const shown = await audit(['report', '--user', 'bo.nurse']);
    assert.equal(shown.code, 0, shown.err);
    const entries = await operatorEntries();
    // A listing's own entry is recorded after it reads, so the newest entry here is the
    // `--user bo.nurse` report's, and the one before it the first listing's.
    assert.equal(entries.length, before + 2, 'one entry per report, the listing of them included');
    const [, recorded, action, outcome, user, role, client, resource, patients] = entries[0]!;
    assert.deepEqual([action, outcome, user, role, client, resource, patients], ['search', 'success', 'ops.test', 'operator', 'continuum-cli', 'AuditEvent', 'pat-1,pat-2']);
    assert.ok(Math.abs(Date.parse(recorded!) - Date.now()) < 60_000, `recorded now, got ${recorded}`);
  });

  it('signs the head as an anchor, and verify catches a rewritten chain only with the anchor', async () => {
    const anchorDir = mkdtempSync(join(tmpdir(), 'continuum-anchor-'));
    try {
      const file = join(anchorDir, 'head.jws');
      const made = await audit(['anchor', '--out', file]);
      assert.equal(made.code, 0, made.err);
      const anchored = /^anchored (\d+) entries \(16 lanes\) in /.exec(made.out)?.[1];
      assert.ok(anchored !== undefined && Number(anchored) > 4, made.out);
      assert.equal((await audit(['anchor', '--out', file])).code, 1, 'an existing anchor file is never replaced');
      const printed = await audit(['anchor']);
      assert.match(printed.out, /^[\w-]+\.[\w-]+\.[\w-]+\n$/, 'a compact JWS on stdout');

      const ok = await audit(['verify', '--anchor', file]);
      assert.equal(ok.code, 0, ok.err);
      assert.match(ok.out, /^audit chain intact: \d+ entries, through 1 signed anchor \(the newest signed 20\d\d-[-\d]+T[\d:.]+Z\)\n$/);

      // A forged anchor: same content, signed with a key this server does not have.
      const otherDir = mkdtempSync(join(tmpdir(), 'continuum-audit-keys-'));
      const forged = join(anchorDir, 'forged.jws');
      writeFileSync(forged, await signAnchor([{ lane: 0, pos: '1', hash: '0'.repeat(64) }], await loadKeys({ dataDir: otherDir })));
      rmSync(otherDir, { recursive: true, force: true });
      const refused = await audit(['verify', '--anchor', forged]);
      assert.deepEqual([refused.code, refused.err], [1, `the anchor in ${forged} is not valid: its signature does not verify against this server's keys\n`]);
      writeFileSync(join(anchorDir, 'junk.jws'), 'not a jws');
      assert.equal((await audit(['verify', '--anchor', join(anchorDir, 'junk.jws')])).code, 1, 'junk is not an anchor');
      assert.equal((await audit(['verify', '--anchor', join(anchorDir, 'absent.jws')])).code, 1, 'a missing file fails verify');

      // Someone with write access changes an entry of the second batch and rewrites every hash after
      // it in its lane, head included: the chain alone verifies again, the anchor does not.
      const { lane, pos } = await rewriteChainFrom(t.db, 1, (entries) => entries.replace('"success"', '"failure"'));
      const alone = await audit(['verify']);
      assert.equal(alone.code, 0, `a complete rewrite passes the chain check alone: ${alone.err}`);
      const caught = await audit(['verify', '--anchor', file]);
      assert.equal(caught.code, 1);
      assert.match(caught.err, new RegExp(`^audit chain broken at lane ${lane}, entry \\d+ \\(id \\d+\\): its hash is not the one its signed anchor records`));
      assert.ok(Number(/entry (\d+)/.exec(caught.err)?.[1]) >= Number(pos), `caught at or after the changed entry ${pos}: ${caught.err}`);
    } finally {
      rmSync(anchorDir, { recursive: true, force: true });
    }
  });

  it('answers usage errors with exit code 2 and the usage', async () => {
    for (const args of [[], ['tamper'], ['verify', '--user', 'x'], ['anchor', '--anchor', 'x'], ['verify', '--anchor'], ['anchor', '--out', 'a', '--out', 'b'], ['report', '--count', '0'], ['report', '--count', 'x'], ['report', '--from', 'yesterday'], ['report', '--action', 'peek'], ['report', '--after', '1;'], ['report', '--user'], ['report', '--bogus', '1']]) {
      const run = await audit(args);
      assert.equal(run.code, 2, JSON.stringify(args));
      assert.match(run.err, /Usage: continuum audit verify/, JSON.stringify(args));
    }
  });
});

/**
 * What an attacker with write access would do: change the `nth` batch (from 0, in id order) and
 * re-hash the rest of its lane and the lane's head. Returns the changed batch's place.
 */
async function rewriteChainFrom(db: Database, nth: number, change: (entries: string) => string): Promise<{ lane: number; pos: string }> {
  return db.transaction(async (tx) => {
    const target = (await tx.query<{ lane: number; pos: string }>('SELECT lane, pos::text AS pos FROM audit_batch ORDER BY seq OFFSET $1 LIMIT 1', [nth])).rows[0]!;
    const rows = (await tx.query<{ seq: string; pos: string; entries: string; prevHash: string }>(
      'SELECT seq::text AS seq, pos::text AS pos, entries, prev_hash AS "prevHash" FROM audit_batch WHERE lane = $1 AND pos >= $2 ORDER BY audit_batch.pos',
      [target.lane, target.pos],
    )).rows;
    await tx.query('ALTER TABLE audit_batch DISABLE TRIGGER ALL');
    await tx.query('ALTER TABLE audit_head DISABLE TRIGGER ALL');
    let prev = rows[0]!.prevHash;
    for (const row of rows) {
      const entries = row.pos === target.pos ? change(row.entries) : row.entries;
      assert.ok(row.pos !== target.pos || entries !== row.entries, 'the change changes something');
      const hash = batchHash(prev, target.lane, row.pos, entries);
      await tx.query('UPDATE audit_batch SET entries = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [row.seq, entries, prev, hash]);
      prev = hash;
    }
    await tx.query('UPDATE audit_head SET hash = $1 WHERE id = $2', [prev, target.lane + 1]);
    await tx.query('ALTER TABLE audit_head ENABLE TRIGGER ALL');
    await tx.query('ALTER TABLE audit_batch ENABLE TRIGGER ALL');
    return target;
  });
}

describe('continuum audit, as a child process', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let keyDir: string;
  before(async () => {
    ({ env, cleanup } = await freshStoreEnv('cli', 'continuum-audit-'));
    keyDir = mkdtempSync(join(tmpdir(), 'continuum-audit-anchor-'));
    env.CONTINUUM_DATA_DIR ??= keyDir;
  });
  after(async () => {
    rmSync(keyDir, { recursive: true, force: true });
    await cleanup();
  });

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
      // One lane, one entry at a time: a batch each, at positions 1 to 12 of lane 0.
      const trail = new AuditTrail(db, { lanes: [0] });
      for (let i = 0; i < 12; i++) await trail.record(readEntry('cli', i));
    });
    const intact = await cli(['verify']);
    assert.deepEqual([intact.code, intact.out, intact.err], [0, 'audit chain intact: 12 entries\n', '']);
    // An anchor signed with the data folder's key (PostgreSQL too keeps its keys there), then checked.
    const anchor = await cli(['anchor']);
    assert.equal(anchor.code, 0, anchor.err);
    const anchorFile = join(keyDir, 'anchor.jws');
    writeFileSync(anchorFile, anchor.out);
    const through = await cli(['verify', '--anchor', anchorFile]);
    assert.equal(through.code, 0, through.err);
    assert.match(through.out, /^audit chain intact: 12 entries, through 1 signed anchor \(the newest signed [\dT:.Z-]+\)\n$/);
    const report = await cli(['report', '--count', '3']);
    assert.equal(report.code, 0, report.err);
    assert.equal(report.out.trimEnd().split('\n').length, 5, 'header, 3 rows, the next-page hint');

    let id = '';
    await withStore(async (db) => {
      await db.transaction(async (tx) => {
        await tx.query('ALTER TABLE audit_batch DISABLE TRIGGER ALL');
        id = (await tx.query<{ seq: string }>(`UPDATE audit_batch SET entries = replace(entries, '"success"', '"failure"') WHERE lane = 0 AND pos = 5 RETURNING seq::text AS seq`)).rows[0]!.seq;
        await tx.query('ALTER TABLE audit_batch ENABLE TRIGGER ALL');
      });
    });
    const broken = await cli(['verify']);
    assert.equal(broken.code, 1);
    assert.equal(broken.out, '');
    assert.equal(broken.err, `audit chain broken at lane 0, entry 5 (id ${id}): its content does not match its hash (the batch of entries starting here was changed) (4 entries before it are intact)\n`);
  });

  it('exits 2 on a usage error before opening any database', async () => {
    const run = await cli(['report', '--count', 'lots']);
    assert.equal(run.code, 2);
    assert.match(run.err, /--count must be 1 to 1000, got 'lots'/);
  });
});
