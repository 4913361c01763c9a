/**
 * Locations stored before migration 012 (which adds `sp_position`) become searchable by `near`
 * through the reindex machinery: the migration queues one Location reindex job per tenant that
 * has a current Location, and a runner (a node's, or `continuum reindex --job`) fills the rows.
 * The pre-012 store is made from a migrated one by dropping the table and forgetting the
 * migration, after Locations were written.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Location } from '@medplum/fhirtypes';
import { loadDefinitions } from '@continuum/fhir';
import { migrate } from '../../src/db/migrate.ts';
import { SearchParamProvider } from '../../src/search-params/provider.ts';
import { ReindexRunner } from '../../src/search-params/reindex-runner.ts';
import { Repository } from '../../src/store/repository.ts';
import { writeRoutines } from '../../src/store/writer.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

let t: TestDatabase;
let provider: SearchParamProvider;
const repo = async (tenant: string): Promise<Repository> => new Repository({ db: t.db, indexer: await provider.indexerFor(tenant) }, tenant);
const location = (name: string, latitude?: number, longitude?: number): Location => ({
  resourceType: 'Location',
  name,
  ...(latitude !== undefined && longitude !== undefined ? { position: { latitude, longitude } } : {}),
});

async function nearIds(tenant: string, value: string): Promise<string[]> {
  const r = await repo(tenant);
  const page = await r.search(r.parseCriteria('Location', `near=${encodeURIComponent(value)}`), { count: 100 });
  return page.matches.map((m) => m.id).sort();
}

before(async () => {
  loadDefinitions();
  t = await createTestDatabase();
  provider = new SearchParamProvider(t.db);
});
after(() => t.drop());

it('queues a Location reindex per tenant with Locations, and the job makes them searchable by near', async () => {
  const a = await repo('mig-a');
  const paris = (await a.create(location('Paris', 48.8566, 2.3522))).resource;
  const versailles = (await a.create(location('Versailles', 48.8049, 2.1204))).resource;
  await a.create(location('Nowhere'));
  await (await repo('mig-b')).create({ resourceType: 'Patient', name: [{ family: 'NoLocations' }] });
  const c = await repo('mig-c');
  const gone = (await c.create(location('Gone', 48.85, 2.35))).resource;
  await c.delete('Location', gone.id!);
  assert.deepEqual(await nearIds('mig-a', '48.8566|2.3522|20'), [paris.id, versailles.id].sort(), 'found while the rows exist');

  // The store as it was before migration 012.
  await t.db.exec('DROP TABLE sp_position');
  await t.db.query('DELETE FROM schema_migrations WHERE version = 12');
  assert.deepEqual(await migrate(t.db, undefined, writeRoutines()), ['012_search_near']);

  const jobs = await t.db.query<{ tenant_id: string; resource_types: string[]; status: string }>('SELECT tenant_id, resource_types, status FROM reindex_job ORDER BY tenant_id');
  assert.deepEqual(jobs.rows, [{ tenant_id: 'mig-a', resource_types: ['Location'], status: 'queued' }]);
  assert.deepEqual(await nearIds('mig-a', '48.8566|2.3522|20'), [], 'no rows for the old Locations before the job');

  const runner = new ReindexRunner({ db: t.db, searchParams: provider });
  const done = await runner.runNext();
  assert.equal(done?.status, 'done', `the queued job ran: ${JSON.stringify(done)}`);
  assert.equal(done.total, 3, 'the job covered the tenant’s current Locations');
  assert.deepEqual(await nearIds('mig-a', '48.8566|2.3522|20'), [paris.id, versailles.id].sort());
  assert.deepEqual(await nearIds('mig-a', '48.8566|2.3522|1'), [paris.id]);
  assert.equal(await runner.runNext(), undefined, 'nothing else was queued');
});
