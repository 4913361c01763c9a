/**
 * A finished reindex job refreshes the planner's statistics of the index tables it rewrote (PGlite
 * has no autovacuum; PostgreSQL's runs later, and records `autoanalyze_count`, not the
 * `analyze_count` read here). Checked on the runner with a statistics keeper: every index table is
 * analyzed once the job is done, after it finished, and the new rows are in `reltuples`; a job
 * stopped part-way analyzes nothing. And over real HTTP: a custom SearchParameter's `$reindex`
 * leaves the index tables analyzed after the job's finish time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchParameter } from '@medplum/fhirtypes';
import { loadDefinitions } from '@continuum/fhir';
import type { Queryable } from '../../src/db/database.ts';
import { StatisticsKeeper } from '../../src/db/statistics.ts';
import { SearchParamProvider } from '../../src/search-params/provider.ts';
import { createJob, readJob } from '../../src/search-params/reindex-jobs.ts';
import { ReindexRunner } from '../../src/search-params/reindex-runner.ts';
import { Repository } from '../../src/store/repository.ts';
import { REINDEXED_TABLES } from '../../src/store/writer.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

const EXT = 'http://example.org/fhir/StructureDefinition/favourite-colour';
const TENANT = 'stats';
const PATIENTS = 40;

interface TableStats {
  analyzeCount: number;
  lastAnalyze: number | undefined;
  reltuples: number;
}

async function tableStats(q: Queryable): Promise<Map<string, TableStats>> {
  const res = await q.query<{ relname: string; analyze_count: string | number; last_ms: number | null; reltuples: number }>(
    `SELECT s.relname, s.analyze_count, extract(epoch FROM s.last_analyze)::float8 * 1000 AS last_ms, c.reltuples::float8 AS reltuples
     FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = ANY($1::text[])`,
    [[...REINDEXED_TABLES]],
  );
  return new Map(res.rows.map((r) => [r.relname, { analyzeCount: Number(r.analyze_count), lastAnalyze: r.last_ms === null ? undefined : Number(r.last_ms), reltuples: Number(r.reltuples) }]));
}

function colourParam(code: string): Record<string, unknown> {
  return {
    resourceType: 'SearchParameter', url: `http://example.org/fhir/SearchParameter/${code}`, name: code, status: 'active', description: 'd',
    code, base: ['Patient'], type: 'string', expression: `Patient.extension.where(url = '${EXT}').value`,
  };
}

describe('reindex statistics, on the runner', () => {
  let t: TestDatabase;
  before(async () => {
    loadDefinitions();
    t = await createTestDatabase();
    const repo = new Repository({ db: t.db, indexer: await new SearchParamProvider(t.db).indexerFor(TENANT) }, TENANT);
    for (let i = 0; i < PATIENTS; i++) await repo.create({ resourceType: 'Patient', extension: [{ url: EXT, valueString: `colour ${i}` }] });
    await repo.create(colourParam('colour') as unknown as SearchParameter);
  });
  after(() => t.drop());

  it('analyzes nothing for a job stopped part-way, and every index table once the job is done', async () => {
    const runner = new ReindexRunner({ db: t.db, searchParams: new SearchParamProvider(t.db), statistics: new StatisticsKeeper(t.db) });
    const before = await tableStats(t.db);
    assert.equal(before.size, REINDEXED_TABLES.length, 'every index table is in pg_stat_user_tables');
    const job = await createJob(t.db, { tenantId: TENANT, resourceTypes: ['Patient'], batchSize: 10, runner: { id: runner.id, leaseSeconds: runner.leaseSeconds } });

    const partial = await runner.run(job, { maxBatches: 2 });
    assert.equal(partial.status, 'running', 'the job is not done after two batches of ten');
    const during = await tableStats(t.db);
    for (const table of REINDEXED_TABLES) {
      assert.equal(during.get(table)!.analyzeCount, before.get(table)!.analyzeCount, `${table} was not analyzed by an unfinished job`);
    }

    const done = await runner.runNext({ jobId: job.id });
    assert.equal(done?.status, 'done', 'the job finished');
    const finished = (await readJob(t.db, TENANT, job.id))!.finishedAt!.getTime();
    const afterJob = await tableStats(t.db);
    for (const table of REINDEXED_TABLES) {
      const s = afterJob.get(table)!;
      assert.equal(s.analyzeCount, before.get(table)!.analyzeCount + 1, `${table} analyzed once`);
      assert.ok(s.lastAnalyze !== undefined && s.lastAnalyze >= finished, `${table} analyzed after the job finished`);
    }
    const rows = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sp_string WHERE param = 'colour'`);
    assert.equal(Number(rows.rows[0]!.n), PATIENTS, 'the job wrote the new parameter for every patient');
    assert.ok(afterJob.get('sp_string')!.reltuples >= PATIENTS, 'the planner knows of the new rows');
  });
});

describe('reindex statistics, over HTTP', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.close();
  });

  it('leaves the index tables analyzed after a SearchParameter $reindex finishes', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await s.request('POST', '/Patient', { body: { resourceType: 'Patient', extension: [{ url: EXT, valueString: `shade ${i}` }] } });
      assert.equal(res.status, 201, res.text);
    }
    const sp = await s.request('POST', '/SearchParameter', { body: colourParam('shade') });
    assert.equal(sp.status, 201, sp.text);
    const started = await s.request('POST', `/SearchParameter/${sp.json.id as string}/$reindex`);
    assert.equal(started.status, 202, started.text);
    const job = (started.json.parameter as { name: string; valueString?: string; valueId?: string }[]).find((p) => p.name === 'job');
    const jobId = job?.valueString ?? job?.valueId ?? '';
    assert.ok(jobId !== '', `the answer names the job: ${started.text}`);

    const deadline = Date.now() + 30_000;
    for (;;) {
      const row = await s.server.db.query<{ status: string; finished_ms: number | null }>(
        'SELECT status, extract(epoch FROM finished_at)::float8 * 1000 AS finished_ms FROM reindex_job WHERE id = $1',
        [jobId],
      );
      const { status, finished_ms: finished } = row.rows[0] ?? { status: 'missing', finished_ms: null };
      assert.ok(status !== 'failed' && status !== 'missing', `job ${jobId}: ${status}`);
      if (status === 'done' && finished !== null) {
        const stats = await tableStats(s.server.db);
        const stale = REINDEXED_TABLES.filter((t) => !((stats.get(t)?.lastAnalyze ?? 0) >= Number(finished)));
        if (stale.length === 0) break;
        assert.ok(Date.now() < deadline, `not analyzed after the job: ${stale.join(', ')}`);
      }
      assert.ok(Date.now() < deadline, `job ${jobId} did not finish`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
