/**
 * Storage suite: the statistics keeper gathers planner statistics once enough writes have gone
 * through the repository, on PGlite (which has no autovacuum) as on PostgreSQL.
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
