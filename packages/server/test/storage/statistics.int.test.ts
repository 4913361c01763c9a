/**
 * Storage suite: the statistics keeper gathers planner statistics once enough writes have gone
 * through the repository, on PGlite (which has no autovacuum) as on PostgreSQL; and analyzes just
 * the tables a bulk writer (a finished reindex job) names, after any analysis already running.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { loadDefinitions, SearchParamRegistry } from '@continuum/fhir';
import { StatisticsKeeper } from '../../src/db/statistics.ts';
import { createIndexer } from '../../src/store/indexer.ts';
import { Repository } from '../../src/store/repository.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

let t: TestDatabase;
before(async () => {
  loadDefinitions();
  t = await createTestDatabase();
});
after(() => t.drop());

const reltuples = async (table: string): Promise<number> =>
  Number((await t.db.query<{ n: number }>('SELECT reltuples::float8 AS n FROM pg_class WHERE relname = $1', [table])).rows[0]!.n);

it('analyzes the tables after enough writes, without being asked', async () => {
  const keeper = new StatisticsKeeper(t.db);
  const repo = new Repository({ db: t.db, indexer: createIndexer(SearchParamRegistry.r4()), writes: keeper }, 'stats');
  assert.ok((await reltuples('sp_token')) <= 0, 'a new table has no statistics yet');
  for (let i = 0; i < 250; i++) {
    await repo.create({ resourceType: 'Patient', identifier: [{ system: 'urn:test', value: `s-${i}` }], gender: 'male' });
  }
  await keeper.settled();
  assert.ok((await reltuples('resource')) >= 200, 'resource statistics reflect the rows written');
  assert.ok((await reltuples('sp_token')) >= 200);
});

it('leaves a large store alone for a handful of writes, and at start-up analyzes only tables never analyzed', async () => {
  const insertBasics = (from: number, to: number) =>
    t.db.query(
      `INSERT INTO resource (rid, tenant_id, resource_type, id, version_id, last_updated, content)
       SELECT nextval('resource_rid_seq'), 'stats-big', 'Basic', 'b' || g, 1, now(), '{"resourceType":"Basic","code":{"text":"x"}}'
       FROM generate_series($1::int, $2::int) g`,
      [from, to],
    );
  await insertBasics(1, 5000);
  await t.db.exec('ANALYZE');
  const analyzed = await reltuples('resource');
  assert.ok(analyzed >= 5000);
  // Rows the statistics do not know of yet: a start-up pass leaves tables that have statistics alone.
  await insertBasics(5001, 6000);
  const keeper = new StatisticsKeeper(t.db);
  await keeper.analyze({ missingOnly: true });
  assert.equal(await reltuples('resource'), analyzed);

  // The next analysis waits for a tenth of the store (about 525 writes here): 300 are not enough.
  const repo = new Repository({ db: t.db, indexer: createIndexer(SearchParamRegistry.r4()), writes: keeper }, 'stats-big');
  const create = (i: number) => repo.create({ resourceType: 'Patient', identifier: [{ system: 'urn:test', value: `big-${i}` }] });
  for (let i = 0; i < 300; i++) await create(i);
  await keeper.settled();
  assert.equal(await reltuples('resource'), analyzed, 'no analysis after 300 writes');
  for (let i = 300; i < 600; i++) await create(i);
  await keeper.settled();
  // It started at write ceil(analyzed / 10) and ran beside the writes that followed.
  const after = await reltuples('resource');
  const threshold = Math.ceil(analyzed / 10);
  assert.ok(after >= analyzed + 1000 + threshold && after <= analyzed + 1000 + 600, `analyzed once the writes reached a tenth of the store (${after})`);
});

const analyzeCounts = async (): Promise<Map<string, number>> => {
  const res = await t.db.query<{ relname: string; n: string | number }>('SELECT relname, analyze_count AS n FROM pg_stat_user_tables');
  return new Map(res.rows.map((r) => [r.relname, Number(r.n)]));
};

it('analyzes only the tables asked for, after an analysis already running, and ignores names that are no table', async () => {
  const keeper = new StatisticsKeeper(t.db);
  const before = await analyzeCounts();
  const whole = keeper.analyze();
  const some = keeper.analyze({ tables: ['sp_token', 'sp_date', 'no_such_table', "sp_uri; DROP TABLE resource; --"] });
  await whole;
  await some;
  await keeper.settled();
  const after = await analyzeCounts();
  for (const table of ['sp_token', 'sp_date']) assert.equal(after.get(table), before.get(table)! + 2, `${table}: by the whole pass and again when asked`);
  for (const table of ['sp_string', 'resource', 'sp_uri']) assert.equal(after.get(table), before.get(table)! + 1, `${table}: by the whole pass only`);
  const resource = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM resource');
  assert.ok(Number(resource.rows[0]!.n) > 0, 'a hostile name was never run as SQL');
});
