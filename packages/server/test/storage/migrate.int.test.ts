/**
 * Storage suite: migrations apply once, are recorded, are safe to re-run, and a failing
 * migration rolls back completely and throws instead of leaving a half-built schema.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { loadMigrations, migrate, MigrationError } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

it('records every shipped migration and re-running applies nothing', async () => {
  const shipped = loadMigrations();
  const rows = await t.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  assert.deepEqual(rows.rows.map((r) => Number(r.version)), shipped.map((m) => m.version));
  assert.deepEqual(await migrate(t.db), []);
});

it('rolls back a failing migration and reports which one failed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-mig-'));
  try {
    writeFileSync(join(dir, '900_ok_part.sql'), 'CREATE TABLE mig_probe (x int);');
    writeFileSync(join(dir, '901_broken.sql'), 'CREATE TABLE mig_probe2 (x int); SELECT * FROM no_such_table;');
    const migrations = [...loadMigrations(), ...loadMigrations(dir + '/')];
    await assert.rejects(migrate(t.db, migrations), (err: unknown) => err instanceof MigrationError && /901_broken/.test(err.message));
    const probe = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('mig_probe', 'mig_probe2')`,
    );
    assert.equal(Number(probe.rows[0]!.n), 0, 'nothing from the failed run remains');
    const recorded = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations WHERE version >= 900');
    assert.equal(Number(recorded.rows[0]!.n), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
