/**
 * Seed suite, the demo clinic: a first start over an empty store seeds it (while already
 * answering HTTP) and FHIR search shows it; a second start does not seed again; CONTINUUM_DEMO=0
 * and a store holding other data seed nothing. The in-process tests use a small population and
 * one tenant each. The real `continuum start`, timed, is in demo-start.solo.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { configFromEnv } from '../../src/config.ts';
import { silentProgress } from '../../src/seed/progress.ts';
import { startServer } from '../../src/server.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../fixtures/server.ts';
import { countRows } from './checks.ts';
import { fakePopulation } from './fake-population.ts';
import { DEMO_SEED, demoToday } from '../../src/seed/demo.ts';
import { readCatalogue, seededResources } from '../../src/orders/seed-catalogue.ts';

let t: TestDatabase;
const keysDir = mkdtempSync(join(tmpdir(), 'continuum-demo-keys-'));
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
  rmSync(keysDir, { recursive: true, force: true });
});

async function start(tenant: string, env: Record<string, string> = {}) {
  const config = configFromEnv({
    PORT: '1',
    HOST: '127.0.0.1',
    CONTINUUM_TENANT: tenant,
    CONTINUUM_DATA_DIR: keysDir,
    CONTINUUM_BOOTSTRAP_CLIENT_ID: TEST_CLIENT.id,
    CONTINUUM_BOOTSTRAP_CLIENT_SECRET: TEST_CLIENT.secret,
    ...env,
  });
  config.port = 0;
  let printed = '';
  const server = await startServer(config, {
    db: t.db,
    log: () => undefined,
    demoPopulation: fakePopulation,
    demoPatients: 7,
    demoProgress: silentProgress,
    announce: (text) => (printed += text),
  });
  return { server, printed: () => printed };
}

/** GET with a token of the bootstrap system client. */
const getJson = async (url: string): Promise<{ entry?: unknown[] }> => {
  const origin = new URL(url).origin;
  const token = await clientCredentialsToken(origin, TEST_CLIENT);
  return (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<{ entry?: unknown[] }>;
};

it('seeds the demo clinic on the first start, and not on the second', async () => {
  const first = await start('demo-first');
  try {
    const result = await first.server.demo;
    assert.equal(result?.summary.patients, 7);
    assert.match(first.printed(), /Seeding the demo clinic \(7 synthetic patients\)/);
    assert.match(first.printed(), /Demo clinic ready: seeded 7 patients, [\d,]+ resources/);
    assert.match(first.printed(), /physician: Dr\. Pat Example/);
    assert.match(first.printed(), /Demo logins \(password for all: /);
    assert.ok(((await getJson(`${first.server.url}/fhir/Patient?_count=1`)).entry ?? []).length > 0);
    assert.ok(((await getJson(`${first.server.url}/fhir/Organization`)).entry ?? []).length > 0);
  } finally {
    await first.server.close();
  }
  const before = await countRows(t.db, 'demo-first');
  const second = await start('demo-first');
  try {
    assert.equal(await second.server.demo, undefined);
    assert.equal(second.printed(), '');
    assert.equal(await countRows(t.db, 'demo-first'), before);
  } finally {
    await second.server.close();
  }
});

it('seeds nothing with CONTINUUM_DEMO=0, or when the store already holds data', async () => {
  const off = await start('demo-off', { CONTINUUM_DEMO: '0' });
  await off.server.close();
  assert.equal(await off.server.demo, undefined);
  // Only what every install has: the order catalogue's definitions (see src/orders/seed-catalogue.ts)
  // and the pre-visit intake form (src/portal/scheduling/seed.ts).
  const file = await readCatalogue();
  assert.equal(await countRows(t.db, 'demo-off'), seededResources(file).length + 1);

  await t.db.query(`INSERT INTO resource (rid, tenant_id, resource_type, id, version_id, last_updated, content)
    VALUES (nextval('resource_rid_seq'), 'demo-used', 'Basic', 'x', 1, now(), '{"resourceType":"Basic","id":"x","code":{"text":"x"}}')`);
  const used = await start('demo-used');
  await used.server.close();
  assert.equal(await used.server.demo, undefined);
  assert.equal(await countRows(t.db, 'demo-used'), 1 + seededResources(file, { demoLab: true }).length + 1);
});

it('a demo stopped by shutdown is finished by the next start', async () => {
  const first = await start('demo-stopped');
  await first.server.close(); // aborts between batches, usually before the end
  const second = await start('demo-stopped');
  try {
    await second.server.demo;
    assert.equal(await countRows(t.db, 'demo-stopped', 'Patient'), 7);
  } finally {
    await second.server.close();
  }
});

it("generates the demo up to the day its seeding began, and a resumed run keeps that day", async () => {
  assert.equal(await demoToday(t.db, 'demo-today-new', new Date('2030-05-06T22:15:00Z')), '2030-05-06T00:00:00Z', 'a new demo ends on the (UTC) day it starts');
  await t.db.query(`INSERT INTO seed_run (tenant_id, seed, patients, started_at) VALUES ($1, $2, 10, '2029-02-03T23:30:00Z')`, ['demo-today-resumed', DEMO_SEED]);
  assert.equal(await demoToday(t.db, 'demo-today-resumed', new Date('2030-05-06T10:00:00Z')), '2029-02-03T00:00:00Z', 'a resumed demo continues the population it began');
});
