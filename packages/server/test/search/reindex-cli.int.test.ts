/**
 * `continuum reindex` as a real child process over the configured database (a PGlite data folder,
 * or a PostgreSQL database): it runs a job over the given types in the foreground, prints its
 * progress and a summary line, and leaves the custom parameter's index rows written; `--job ID`
 * runs (resumes) an existing job from its cursor; bad options exit 2 with the usage.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadDefinitions } from '@continuum/fhir';
import type { Database } from '../../src/db/database.ts';
import { SearchParamProvider } from '../../src/search-params/provider.ts';
import { createJob } from '../../src/search-params/reindex-jobs.ts';
import { openStoreDatabase } from '../../src/store/open-store.ts';
import { Repository } from '../../src/store/repository.ts';
import { freshStoreEnv } from '../fixtures/backend.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const EXT = 'http://example.org/fhir/StructureDefinition/nickname';

let env: Record<string, string>;
let cleanup: () => Promise<void>;

async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openStoreDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, dataDir: '', poolSize: 2 } : { dataDir: env.CONTINUUM_DATA_DIR! });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
    const child = spawn(process.execPath, ['packages/server/bin/continuum.js', 'reindex', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

const rowsFor = (db: Database, param: string): Promise<number> =>
  db.query<{ n: number }>('SELECT count(*)::int AS n FROM sp_string WHERE param = $1', [param]).then((r) => Number(r.rows[0]!.n));

before(async () => {
  ({ env, cleanup } = await freshStoreEnv('cli', 'continuum-reindex-'));
  loadDefinitions();
  await withDb(async (db) => {
    const repo = new Repository({ db, indexer: await new SearchParamProvider(db).indexerFor('cli') }, 'cli');
    for (const n of ['Ann', 'Bo', 'Cy', 'Di', 'Ed']) await repo.create({ resourceType: 'Patient', extension: [{ url: EXT, valueString: n }] });
    await repo.create({ resourceType: 'Observation', status: 'final', code: { text: 'x' } });
    for (const code of ['nickname', 'nick2']) {
      await repo.create({
        resourceType: 'SearchParameter', url: `http://example.org/fhir/SearchParameter/${code}`, name: code, status: 'active', description: 'd',
        code, base: ['Patient'], type: 'string', expression: `Patient.extension.where(url = '${EXT}').value`,
      });
    }
  });
});
after(async () => {
  await cleanup();
});

describe('continuum reindex', () => {
  it('reindexes the given types in the foreground and prints a summary with counts and rate', async () => {
    const { code, stderr } = await cli(['--type', 'Patient', '--batch-size', '2']);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /reindex job [0-9a-f-]{36}: Patient \(tenant 'cli'\)/);
    assert.match(stderr, /reindex done: 5\/5 resources {2}[\d,]+ resources\/s {2}ETA 0\.0s in \d+\.\ds/);
    await withDb(async (db) => {
      assert.equal(await rowsFor(db, 'nickname'), 5);
      const jobs = await db.query<{ status: string; done: number; total: number }>("SELECT status, done::int AS done, total::int AS total FROM reindex_job WHERE tenant_id = 'cli'");
      assert.deepEqual(jobs.rows, [{ status: 'done', done: 5, total: 5 }]);
    });
  });

  it('--job runs an existing job from its cursor', async () => {
    const id = await withDb(async (db) => (await createJob(db, { tenantId: 'cli', resourceTypes: undefined, batchSize: 4 })).id);
    const { code, stderr } = await cli(['--job', id]);
    assert.equal(code, 0, stderr);
    // Every type: 5 Patients, an Observation and the 2 SearchParameters.
    assert.match(stderr, /reindex done: 8\/8 resources/);
    await withDb(async (db) => {
      const job = await db.query<{ status: string; done: number }>('SELECT status, done::int AS done FROM reindex_job WHERE id = $1', [id]);
      assert.deepEqual(job.rows, [{ status: 'done', done: 8 }]);
      assert.equal(await rowsFor(db, 'nick2'), 5);
    });
    const again = await cli(['--job', id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not runnable/);
  });

  it('rejects bad options with the usage', async () => {
    for (const args of [['--type', 'Nope'], ['--batch-size', '0'], ['--frobnicate', '1']]) {
      const { code, stderr } = await cli(args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, /Usage: continuum reindex/);
    }
  });
});
