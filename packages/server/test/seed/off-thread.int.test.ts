/**
 * Seed suite, the seeder's worker thread: what it stores is exactly what the transaction-bundle
 * code stores for the same population (content, index rows, compartments, history), apart from
 * the commit time; the commit time replaces its sentinel everywhere; a batch whose ids already
 * exist, and patients it cannot prepare, go through the transaction code instead; a tenant with
 * custom search parameters is seeded without it.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { SearchParameter } from '@medplum/fhirtypes';
import { loadDefinitions, SearchParamRegistry } from '@continuum/fhir';
import type { Queryable } from '../../src/db/database.ts';
import { syntheticPopulation } from '../../src/seed/population.ts';
import { STAMP_SENTINEL } from '../../src/seed/prepared-batches.ts';
import { seedPopulation, type PopulationSource } from '../../src/seed/seeder.ts';
import { INDEX_TABLES } from '../../src/store/index-tables.ts';
import { createIndexer } from '../../src/store/indexer.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';
import { countRows, danglingReferences } from './checks.ts';
import { fakeOffThread, fakePatient, fakeWithUrnReferences } from './fake-population.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
  loadDefinitions();
});
after(() => t.drop());

const r4 = () => createIndexer(SearchParamRegistry.r4());
const seed = (tenant: string, population: PopulationSource, patients: number, indexer = r4(), batchResources = 150) =>
  seedPopulation({ db: t.db, indexer, population }, { tenant, seed: 'off-thread', patients, batchResources });

interface StoredResource {
  key: string;
  version: number;
  compartments: string[];
  content: Record<string, unknown>;
  lastUpdated: string;
}

async function resources(q: Queryable, tenant: string): Promise<StoredResource[]> {
  const res = await q.query<{ resource_type: string; id: string; version_id: number; compartments: string[]; content: string; last_updated: string }>(
    'SELECT resource_type, id, version_id, compartments, content, last_updated FROM resource WHERE tenant_id = $1 ORDER BY resource_type, id',
    [tenant],
  );
  return res.rows.map((r) => ({
    key: `${r.resource_type}/${r.id}`,
    version: r.version_id,
    compartments: r.compartments,
    content: JSON.parse(r.content) as Record<string, unknown>,
    lastUpdated: r.last_updated,
  }));
}

/** Every index row of the tenant, named by its resource instead of its rid, sorted. */
async function indexRows(q: Queryable, tenant: string): Promise<string[]> {
  const out: string[] = [];
  for (const table of INDEX_TABLES) {
    const cols = table.columns.map(([name]) => (table.key === 'text' ? `x.${name}::text` : `x.${name}`)).join(', ');
    const res = await q.query(
      `SELECT r.resource_type, r.id, x.param, ${cols} FROM ${table.table} x JOIN resource r ON r.rid = x.rid WHERE x.tenant_id = $1`,
      [tenant],
    );
    for (const row of res.rows) out.push(`${table.table} ${JSON.stringify(row)}`);
  }
  return out.sort();
}

const withoutLastUpdated = (r: StoredResource): unknown => {
  const { meta, ...rest } = r.content as { meta: Record<string, unknown> };
  const { lastUpdated: _l, ...metaRest } = meta;
  return { key: r.key, version: r.version, compartments: r.compartments, content: { ...rest, meta: metaRest } };
};

it('stores what the transaction-bundle code stores, and stamps the commit time in place of the sentinel', async () => {
  const started = Date.now();
  const summary = await seed('ot-worker', syntheticPopulation, 5);
  assert.equal(summary.preparedOffThread, 5);
  const inProcess: PopulationSource = { ...syntheticPopulation, offThread: undefined };
  assert.equal((await seed('ot-inline', inProcess, 5)).preparedOffThread, 0);
  const finished = Date.now();

  const worker = await resources(t.db, 'ot-worker');
  const inline = await resources(t.db, 'ot-inline');
  assert.equal(worker.length, summary.resources);
  assert.ok(worker.length > 500, `a real population (${worker.length} resources)`);
  assert.deepEqual(worker.map(withoutLastUpdated), inline.map(withoutLastUpdated));
  assert.deepEqual(await indexRows(t.db, 'ot-worker'), await indexRows(t.db, 'ot-inline'));

  for (const r of worker) {
    const stamped = (r.content.meta as { lastUpdated: string }).lastUpdated;
    assert.equal(new Date(stamped).getTime(), new Date(r.lastUpdated).getTime(), `${r.key}: meta.lastUpdated is the stored last_updated`);
    assert.ok(new Date(stamped).getTime() >= started - 1000 && new Date(stamped).getTime() <= finished + 1000, `${r.key} stamped at ${stamped}`);
  }
  const leaked = await t.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM resource_history WHERE tenant_id = 'ot-worker' AND (content LIKE $1 OR last_updated < '1900-01-01')`,
    [`%${STAMP_SENTINEL}%`],
  );
  assert.equal(leaked.rows[0]!.n, 0, 'no sentinel in content or history');
  const history = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM resource_history WHERE tenant_id = 'ot-worker' AND method = 'create'`);
  assert.equal(history.rows[0]!.n, worker.length, 'one create in history per resource');
  assert.deepEqual(await danglingReferences(t.db, 'ot-worker'), []);
});

it('writes a batch whose ids already exist through the transaction code, as updates', async () => {
  const taken = fakePatient({ seed: 'off-thread', patients: 4 }, 1).entry![0]!.resource!;
  await t.db.query(
    `INSERT INTO resource (rid, tenant_id, resource_type, id, version_id, last_updated, content) VALUES (nextval('resource_rid_seq'), 'ot-taken', $1, $2, 1, now(), $3)`,
    [taken.resourceType, taken.id, JSON.stringify({ resourceType: taken.resourceType, id: taken.id, meta: { versionId: '1' }, active: false })],
  );
  const summary = await seed('ot-taken', fakeOffThread, 4);
  assert.equal(summary.complete, true);
  assert.ok(summary.preparedOffThread! < 4, 'the batch holding the taken id was not written as prepared');
  assert.equal(await countRows(t.db, 'ot-taken', 'Patient'), 4);
  const stored = (await resources(t.db, 'ot-taken')).find((r) => r.key === `Patient/${taken.id}`)!;
  assert.equal(stored.version, 2, 'the existing patient was updated');
  assert.deepEqual(stored.content.name, (taken as { name: unknown }).name);
  const others = (await resources(t.db, 'ot-taken')).filter((r) => r.key !== `Patient/${taken.id}`);
  assert.ok(others.every((r) => r.version === 1));
});

it('hands the patients it cannot prepare back to the transaction code, which rewrites their references', async () => {
  const summary = await seed('ot-urn', fakeWithUrnReferences, 5, r4(), 1); // one patient per batch
  assert.equal(summary.complete, true);
  assert.equal(summary.preparedOffThread, 2, 'patients 0 and 1 were prepared off-thread');
  assert.equal(await countRows(t.db, 'ot-urn', 'Patient'), 5);
  const encounters = (await resources(t.db, 'ot-urn')).filter((r) => r.key.startsWith('Encounter/'));
  assert.equal(encounters.length, 5);
  for (const e of encounters) assert.match((e.content.subject as { reference: string }).reference, /^Patient\/pt-/);
  assert.deepEqual(await danglingReferences(t.db, 'ot-urn'), []);
});

it('seeds a tenant with custom search parameters on the calling thread, indexing them', async () => {
  const sp = {
    resourceType: 'SearchParameter',
    url: 'http://example.org/sp/family-initial',
    name: 'familyInitial',
    status: 'active',
    description: 'first letter of the family name',
    code: 'family-initial',
    base: ['Patient'],
    type: 'string',
    expression: 'Patient.name.family.substring(0, 1)',
  } as SearchParameter;
  const summary = await seed('ot-custom', fakeOffThread, 3, createIndexer(SearchParamRegistry.r4().withCustom([sp])));
  assert.equal(summary.preparedOffThread, 0);
  const rows = await t.db.query<{ norm: string }>(`SELECT norm FROM sp_string WHERE tenant_id = 'ot-custom' AND param = 'family-initial'`);
  assert.equal(rows.rows.length, 3);
  assert.ok(rows.rows.every((r) => r.norm === 'f'));
});
