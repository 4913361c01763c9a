/**
 * Seed suite: the seeder stores a population whose references all resolve, a second run with
 * the same seed writes nothing, an interrupted run (stopped early, or aborted) resumes where it
 * stopped without rewriting anything, and a run held by another process is refused. Each test
 * uses its own tenant on one fresh database of the backend under test.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { loadDefinitions, SearchParamRegistry } from '@continuum/fhir';
import type { Queryable } from '../../src/db/database.ts';
import { progressReporter, type SeedSummary } from '../../src/seed/progress.ts';
import { claimSeedRun, findSeedRun, SeedRunBusy } from '../../src/seed/seed-runs.ts';
import { seedPopulation, type SeedDeps } from '../../src/seed/seeder.ts';
import { createIndexer } from '../../src/store/indexer.ts';
import { backend, createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';
import { countRows, danglingReferences, testPopulation } from './checks.ts';

let t: TestDatabase;
let deps: SeedDeps;
before(async () => {
  t = await createTestDatabase();
  loadDefinitions();
  deps = { db: t.db, indexer: createIndexer(SearchParamRegistry.r4()), population: await testPopulation() };
});
after(() => t.drop());

const seed = (tenant: string, patients: number, extra: Partial<Parameters<typeof seedPopulation>[1]> = {}): Promise<SeedSummary> =>
  seedPopulation(deps, { tenant, seed: 'suite', patients, batchResources: 200, ...extra });

interface Snapshot {
  patients: number;
  organizations: number;
  practitioners: number;
  resources: number;
  history: number;
}

async function snapshot(q: Queryable, tenant: string): Promise<Snapshot> {
  return {
    patients: await countRows(q, tenant, 'Patient'),
    organizations: await countRows(q, tenant, 'Organization'),
    practitioners: await countRows(q, tenant, 'Practitioner'),
    resources: await countRows(q, tenant),
    history: Number((await q.query<{ n: number }>('SELECT count(*)::int AS n FROM resource_history WHERE tenant_id = $1', [tenant])).rows[0]!.n),
  };
}

it('stores the population: N patients, the directory, and references that all resolve', async () => {
  const summary = await seed('t-basic', 12);
  assert.equal(summary.patients, 12);
  assert.equal(summary.complete, true);
  const s = await snapshot(t.db, 't-basic');
  assert.equal(s.patients, 12);
  assert.ok(s.organizations >= 1, 'the directory has organizations');
  assert.ok(s.practitioners >= 1, 'the directory has practitioners');
  assert.equal(s.resources, summary.resources, 'the summary counts what was stored');
  assert.equal(s.history, s.resources, 'one version per resource');
  assert.deepEqual(await danglingReferences(t.db, 't-basic'), []);
  const run = await findSeedRun(t.db, 't-basic', 'suite');
  assert.deepEqual({ next: run?.nextIndex, finished: run?.finished, resources: run?.resources }, { next: 12, finished: true, resources: s.resources });
});

it('a second run with the same seed writes nothing', async () => {
  await seed('t-twice', 6);
  const first = await snapshot(t.db, 't-twice');
  const again = await seed('t-twice', 6);
  assert.deepEqual({ patients: again.patients, resources: again.resources, complete: again.complete }, { patients: 0, resources: 0, complete: true });
  assert.deepEqual(await snapshot(t.db, 't-twice'), first);
});

it('a run stopped early resumes at next_index without rewriting what it stored', async () => {
  const part = await seed('t-resume', 10, { until: 4 });
  assert.deepEqual({ patients: part.patients, next: part.nextIndex, complete: part.complete }, { patients: 4, next: 4, complete: false });
  const run = await findSeedRun(t.db, 't-resume', 'suite');
  assert.deepEqual({ next: run?.nextIndex, finished: run?.finished }, { next: 4, finished: false });
  assert.equal(await countRows(t.db, 't-resume', 'Patient'), 4);

  const rest = await seed('t-resume', 10);
  assert.equal(rest.patients, 6);
  assert.equal(rest.complete, true);
  const s = await snapshot(t.db, 't-resume');
  assert.equal(s.patients, 10);
  assert.equal(s.history, s.resources, 'nothing was written twice');
  assert.deepEqual(await danglingReferences(t.db, 't-resume'), []);
  const done = await findSeedRun(t.db, 't-resume', 'suite');
  assert.deepEqual({ next: done?.nextIndex, finished: done?.finished }, { next: 10, finished: true });
});

it('an aborted run stops between batches and the next run completes it', async () => {
  const stop = new AbortController();
  let batches = 0;
  const progress = { begin: () => undefined, end: () => undefined, advance: () => (++batches === 1 ? stop.abort() : undefined) };
  const part = await seed('t-abort', 20, { batchResources: 1, signal: stop.signal, progress });
  assert.equal(part.complete, false);
  assert.equal(part.patients, 1, 'stopped after the first batch');
  const rest = await seed('t-abort', 20);
  assert.equal(rest.patients, 19);
  const s = await snapshot(t.db, 't-abort');
  assert.equal(s.patients, 20);
  assert.equal(s.history, s.resources);
});

it('growing the population seeds only the new patients', async () => {
  await seed('t-grow', 3);
  const more = await seed('t-grow', 5);
  assert.equal(more.patients, 2);
  assert.equal(await countRows(t.db, 't-grow', 'Patient'), 5);
  assert.deepEqual(await danglingReferences(t.db, 't-grow'), []);
});

it('refuses a run another process holds on PostgreSQL, and takes over once its lease lapses', async () => {
  await claimSeedRun(t.db, 't-busy', 'suite', 3);
  if (backend === 'postgres') await assert.rejects(seed('t-busy', 3), SeedRunBusy);
  else assert.equal((await seed('t-busy', 3, { until: 1 })).patients, 1, 'PGlite: a left-over lease is a killed run');
  await t.db.query(`UPDATE seed_run SET lease_until = now() - interval '1 second' WHERE tenant_id = 't-busy'`);
  assert.equal((await seed('t-busy', 3)).complete, true);
  assert.equal(await countRows(t.db, 't-busy', 'Patient'), 3);
});

it('reports progress as plain lines off a terminal, with rates and a summary', async () => {
  let out = '';
  await seed('t-progress', 4, { batchResources: 1, progress: progressReporter({ write: (s: string) => (out += s) }, { every: 0 }) });
  assert.match(out, /\d+\/4 patients .* patients\/s .* resources\/s .*ETA/);
  assert.match(out, /seeded 4 patients, [\d,]+ resources in [\d.]+s .*population complete/);
});
