/**
 * Custom SearchParameters over real HTTP (search.html#custom, searchparameter.html): a client
 * POSTs one, a reindex job runs (`SearchParameter/{id}/$reindex`, `$reindex`, progress at
 * `$reindex-status`), and then resources stored before it are found by it, while writes made
 * after it are indexed at once. Until its reindex has finished a new parameter is unsupported
 * (400 under `Prefer: handling=strict`) and not in the CapabilityStatement. Covered: a string
 * parameter on an extension (Patient mothersMaidenName), a token parameter on a choice element
 * (Observation value-concept-display), a date parameter (Observation issued), changing an
 * expression, deleting a parameter, invalid SearchParameters, a job interrupted and resumed by
 * another runner from its cursor, writes through a cache that missed the change (the write
 * fence, single and in a transaction), and (PostgreSQL only) the rule across app nodes: a node
 * that never hears of a new parameter still indexes its writes with it, a finished reindex
 * reaches other nodes by notification, and writes racing the reindex on two nodes leave exactly
 * each resource's current rows.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { configFromEnv } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import { buildApp } from '../../src/http/app.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { SearchParamProvider } from '../../src/search-params/provider.ts';
import { ReindexRunner } from '../../src/search-params/reindex-runner.ts';
import { reindexService } from '../../src/search-params/reindex-service.ts';
import { openStoreDatabase } from '../../src/store/open-store.ts';
import { Repository } from '../../src/store/repository.ts';
import { backend, createTestDatabase } from '../fixtures/backend.ts';
import { startTestServer, type TestServer, type TestResponse } from '../fixtures/server.ts';
import type { Entry } from './client.ts';

const MMN = 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName';
const STRICT = { prefer: 'handling=strict' };

function maidenNameParam(code: string, extensionUrl = MMN): Record<string, unknown> {
  return {
    resourceType: 'SearchParameter',
    url: `http://example.org/fhir/SearchParameter/${code}`,
    name: code,
    status: 'active',
    description: "The patient's mother's maiden name",
    code,
    base: ['Patient'],
    type: 'string',
    expression: `Patient.extension.where(url = '${extensionUrl}').value`,
  };
}

const patientWith = (maidenName: string | undefined, url = MMN): Record<string, unknown> => ({
  resourceType: 'Patient',
  name: [{ family: 'Custom', given: ['Param'] }],
  ...(maidenName === undefined ? {} : { extension: [{ url, valueString: maidenName }] }),
});

async function create(s: TestServer, body: Record<string, unknown>): Promise<string> {
  const res = await s.request('POST', `/${String(body.resourceType)}`, { body });
  assert.equal(res.status, 201, res.text);
  return res.json.id as string;
}

async function found(s: TestServer, query: string): Promise<string[]> {
  const res = await s.request('GET', query, { headers: STRICT });
  assert.equal(res.status, 200, `${query}: ${res.text}`);
  return ((res.json.entry ?? []) as Entry[]).map((e) => e.resource.id).sort();
}

function parameters(res: TestResponse): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const p of res.json.parameter as Record<string, unknown>[]) {
    const value = Object.entries(p).find(([k]) => k.startsWith('value'))?.[1];
    out.set(p.name as string, [...(out.get(p.name as string) ?? []), value]);
  }
  return out;
}
const one = (m: Map<string, unknown[]>, name: string): unknown => m.get(name)?.[0];

/** Starts a reindex, checks the 202 answer, and returns the job id. */
async function startReindex(s: TestServer, path: string, body?: unknown): Promise<string> {
  const res = await s.request('POST', path, body === undefined ? {} : { body });
  assert.equal(res.status, 202, res.text);
  assert.equal(res.json.resourceType, 'Parameters');
  const job = one(parameters(res), 'job') as string;
  assert.equal(res.headers.get('content-location'), `${s.base}/$reindex-status?job=${job}`);
  return job;
}

async function jobStatus(s: TestServer, job: string): Promise<Map<string, unknown[]>> {
  const res = await s.request('GET', `/$reindex-status?job=${job}`);
  assert.equal(res.status, 200, res.text);
  return parameters(res);
}

async function waitForJob(s: TestServer, job: string): Promise<Map<string, unknown[]>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await jobStatus(s, job);
    if (one(status, 'status') === 'done' || one(status, 'status') === 'failed') return status;
    assert.ok(Date.now() < deadline, `job ${job} did not finish: ${JSON.stringify([...status])}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits (up to 5 s: well above a notification's delay, well below the 10 s poll) until `query`'s parameters are supported. */
async function searchable(s: TestServer, query: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await s.request('GET', query, { headers: STRICT })).status !== 200) {
    assert.ok(Date.now() < deadline, `${query} became searchable`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function capabilityParams(s: TestServer, type: string): Promise<Map<string, string>> {
  const res = await s.request('GET', '/metadata');
  assert.equal(res.status, 200);
  const resource = (res.json.rest[0].resource as { type: string; searchParam?: { name: string; type: string }[] }[]).find((r) => r.type === type)!;
  return new Map((resource.searchParam ?? []).map((p) => [p.name, p.type]));
}

async function countPatients(s: TestServer): Promise<number> {
  const res = await s.request('GET', '/Patient?_summary=count');
  assert.equal(res.status, 200);
  return res.json.total as number;
}

/** How many index rows the store holds for a parameter, per resource id (straight from SQL). */
async function indexRows(db: Database, table: string, param: string): Promise<Map<string, number>> {
  const res = await db.query<{ id: string; n: number }>(
    `SELECT r.id, count(*)::int AS n FROM ${table} x JOIN resource r ON r.rid = x.rid WHERE x.param = $1 GROUP BY r.id`,
    [param],
  );
  return new Map(res.rows.map((r) => [r.id, Number(r.n)]));
}

describe('custom search parameters', () => {
  let s: TestServer;
  const tag = randomUUID().slice(0, 6).replace(/[^a-z]/g, 'q');
  const p: Record<string, string> = {};
  let spId = '';

  before(async () => {
    s = await startTestServer();
    p.ramirez = await create(s, patientWith(`${tag}Ramirez`));
    p.ramsey = await create(s, patientWith(`${tag}Ramsey`));
    p.smith = await create(s, patientWith(`${tag}Smith`));
    p.none = await create(s, patientWith(undefined));
  });
  after(async () => {
    await s.close();
  });

  it('indexes writes with a new parameter at once, but searches with it only after its reindex', async () => {
    const res = await s.request('POST', '/SearchParameter', { body: maidenNameParam('mothersMaidenName') });
    assert.equal(res.status, 201, res.text);
    spId = res.json.id as string;

    p.ramos = await create(s, patientWith(`${tag}Ramos`));
    const rows = await indexRows(s.database.db, 'sp_string', 'mothersMaidenName');
    assert.deepEqual([...rows.keys()], [p.ramos], 'only the patient written after the parameter has rows yet');

    const strict = await s.request('GET', `/Patient?mothersMaidenName=${tag}ram`, { headers: STRICT });
    assert.equal(strict.status, 400);
    assert.match(strict.text, /mothersMaidenName/);
    const lenient = await s.request('GET', `/Patient?mothersMaidenName=${tag}ram`);
    assert.equal(lenient.status, 200);
    assert.doesNotMatch(lenient.json.link[0].url as string, /mothersMaidenName/, 'the self link shows the parameter was not applied');
    assert.equal((await capabilityParams(s, 'Patient')).has('mothersMaidenName'), false);
  });

  it('finds resources stored before the parameter once its reindex has run, and reports the job', async () => {
    const patients = await countPatients(s);
    const job = await startReindex(s, `/SearchParameter/${spId}/$reindex`);
    const status = await waitForJob(s, job);
    assert.equal(one(status, 'status'), 'done');
    assert.deepEqual(status.get('type'), ['Patient']);
    assert.equal(one(status, 'total'), patients);
    assert.equal(one(status, 'done'), patients);
    assert.ok(typeof one(status, 'rate') === 'number' && typeof one(status, 'finished') === 'string');

    assert.deepEqual(await found(s, `/Patient?mothersMaidenName=${tag}ram`), [p.ramirez, p.ramos, p.ramsey].sort());
    assert.deepEqual(await found(s, `/Patient?mothersMaidenName=${tag.toUpperCase()}RAMS`), [p.ramsey]);
    assert.deepEqual(await found(s, `/Patient?mothersMaidenName:exact=${tag}Smith`), [p.smith]);
    assert.deepEqual(await found(s, `/Patient?mothersMaidenName:exact=${tag}smith`), []);
    assert.deepEqual(await found(s, `/Patient?mothersMaidenName=${tag}jones`), []);
    assert.equal((await capabilityParams(s, 'Patient')).get('mothersMaidenName'), 'string');
    const rows = await indexRows(s.database.db, 'sp_string', 'mothersMaidenName');
    assert.deepEqual([...rows.values()], [1, 1, 1, 1], 'one row per patient with the extension, none duplicated');
    assert.equal(rows.has(p.none!), false);
  });

  it('indexes new and updated resources immediately once the parameter is searchable', async () => {
    p.ramon = await create(s, patientWith(`${tag}Ramon`));
    assert.ok((await found(s, `/Patient?mothersMaidenName=${tag}ram`)).includes(p.ramon));
    const upd = await s.request('PUT', `/Patient/${p.smith}`, { body: { ...patientWith(`${tag}Ramsay`), id: p.smith } });
    assert.equal(upd.status, 200, upd.text);
    assert.deepEqual(await found(s, `/Patient?mothersMaidenName=${tag}rams`), [p.ramsey, p.smith].sort());
    assert.deepEqual(await found(s, `/Patient?mothersMaidenName=${tag}smith`), []);
    const put = await s.request('PUT', `/Patient/${p.smith}`, { body: { ...patientWith(`${tag}Smith`), id: p.smith } });
    assert.equal(put.status, 200);
  });

  it('a token parameter on a choice element and a date parameter', async () => {
    const coded = (display: string) => ({ coding: [{ system: 'http://snomed.info/sct', code: display === 'Positive' ? '10828004' : '260385009', display }] });
    const obs = (value: Record<string, unknown>, issued: string) => ({
      resourceType: 'Observation', status: 'final', code: { text: `test ${tag}` }, issued, ...value,
    });
    const pos1 = await create(s, obs({ valueCodeableConcept: coded('Positive') }, '2024-03-01T10:00:00Z'));
    const neg = await create(s, obs({ valueCodeableConcept: coded('Negative') }, '2024-01-15T08:30:00Z'));
    const qty = await create(s, obs({ valueQuantity: { value: 5, unit: 'mg' } }, '2023-12-31T23:00:00Z'));
    for (const body of [
      { code: 'value-concept-display', type: 'token', expression: 'Observation.value.ofType(CodeableConcept).coding.display' },
      { code: 'issued', type: 'date', expression: 'Observation.issued' },
    ]) {
      const res = await s.request('POST', '/SearchParameter', {
        body: { resourceType: 'SearchParameter', url: `http://example.org/fhir/SearchParameter/Observation-${body.code}`, name: body.code, status: 'active', description: 'custom', base: ['Observation'], ...body },
      });
      assert.equal(res.status, 201, res.text);
    }
    const pos2 = await create(s, obs({ valueCodeableConcept: coded('Positive') }, '2024-06-30T12:00:00Z'));
    await waitForJob(s, await startReindex(s, '/$reindex', { resourceType: 'Parameters', parameter: [{ name: 'type', valueCode: 'Observation' }] }));

    assert.deepEqual(await found(s, '/Observation?value-concept-display=Positive'), [pos1, pos2].sort());
    assert.deepEqual(await found(s, '/Observation?value-concept-display=Negative'), [neg]);
    assert.deepEqual(await found(s, '/Observation?value-concept-display=positive'), [], 'token codes match exactly');
    assert.deepEqual(await found(s, '/Observation?issued=ge2024-01-01&issued=lt2024-04'), [neg, pos1].sort());
    assert.deepEqual(await found(s, '/Observation?issued=2023-12-31'), [qty]);
    assert.deepEqual(await found(s, '/Observation?issued=gt2024-06-30T11:00:00Z'), [pos2]);
    const cap = await capabilityParams(s, 'Observation');
    assert.equal(cap.get('value-concept-display'), 'token');
    assert.equal(cap.get('issued'), 'date');
  });

  it('a changed expression is unsupported until reindexed, then gives the new results', async () => {
    const other = 'http://example.org/fhir/StructureDefinition/birth-surname';
    const viaOther = await create(s, patientWith(`${tag}Ramirez`, other));
    const sp = (await s.request('GET', `/SearchParameter/${spId}`)).json;
    const upd = await s.request('PUT', `/SearchParameter/${spId}`, { body: { ...sp, ...maidenNameParam('mothersMaidenName', other) } });
    assert.equal(upd.status, 200, upd.text);
    assert.equal((await s.request('GET', `/Patient?mothersMaidenName=${tag}ram`, { headers: STRICT })).status, 400);
    assert.equal((await capabilityParams(s, 'Patient')).has('mothersMaidenName'), false);

    await waitForJob(s, await startReindex(s, `/SearchParameter/${spId}/$reindex`));
    assert.deepEqual(await found(s, `/Patient?mothersMaidenName=${tag}ram`), [viaOther]);
    assert.deepEqual(await found(s, `/Patient?mothersMaidenName=${tag}Smith`), []);
  });

  it('a deleted parameter leaves the CapabilityStatement and search', async () => {
    assert.equal((await capabilityParams(s, 'Patient')).has('mothersMaidenName'), true);
    assert.equal((await s.request('DELETE', `/SearchParameter/${spId}`)).status, 204);
    assert.equal((await capabilityParams(s, 'Patient')).has('mothersMaidenName'), false);
    assert.equal((await s.request('GET', `/Patient?mothersMaidenName=${tag}ram`, { headers: STRICT })).status, 400);
    // Base parameters are untouched.
    assert.equal((await capabilityParams(s, 'Patient')).get('birthdate'), 'date');
  });

  it('rejects invalid SearchParameters with a 422 OperationOutcome naming the problem', async () => {
    const good = maidenNameParam('okParam');
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['no expression', { ...good, expression: undefined }, /expression/],
      ['an expression that does not compile', { ...good, expression: "Patient.extension.where(url = 'x'" }, /does not compile/],
      ['an unknown function', { ...good, expression: 'Patient.name.frobnicate()' }, /does not compile/],
      ['an expression for another type', { ...good, expression: 'Observation.code' }, /does not compile for Patient/],
      ['an unknown base', { ...good, base: ['Pateint'] }, /Pateint/],
      ['no base', { ...good, base: undefined }, /base/],
      ['a composite type', { ...good, type: 'composite' }, /composite/],
      ['a special type', { ...good, type: 'special' }, /special/],
      ['a reserved code', { ...good, code: '_mine' }, /code/],
      ['a code with a modifier separator', { ...good, code: 'a:b' }, /code/],
    ];
    for (const [what, body, message] of cases) {
      const res = await s.request('POST', '/SearchParameter', { body: JSON.parse(JSON.stringify(body)) });
      assert.ok(res.status === 400 || res.status === 422, `${what}: ${res.status}`);
      assert.equal(res.json.resourceType, 'OperationOutcome', what);
      assert.match(res.text, message, what);
    }
    const created = await s.request('POST', '/SearchParameter', { body: good });
    assert.equal(created.status, 201);
    const put = await s.request('PUT', `/SearchParameter/${created.json.id}`, { body: { ...created.json, expression: 'Patient.(' } });
    assert.equal(put.status, 422);
    const bundle = await s.request('POST', '/', {
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { ...good, code: 'x y' }, request: { method: 'POST', url: 'SearchParameter' } }] },
    });
    assert.ok(bundle.status >= 400 && bundle.status < 500, `transaction: ${bundle.status}`);
  });

  it('rejects bad $reindex requests', async () => {
    assert.equal((await s.request('POST', '/$reindex?type=Nope')).status, 400);
    assert.equal((await s.request('POST', '/$reindex?batchSize=0')).status, 400);
    assert.equal((await s.request('POST', '/$reindex', { body: { resourceType: 'Patient' } })).status, 400);
    assert.equal((await s.request('POST', `/SearchParameter/${randomUUID()}/$reindex`)).status, 404);
    assert.equal((await s.request('GET', '/$reindex-status')).status, 400);
    assert.equal((await s.request('GET', `/$reindex-status?job=${randomUUID()}`)).status, 404);
  });
});

describe('an interrupted reindex job', () => {
  let s: TestServer;
  const tag = randomUUID().slice(0, 6).replace(/[^a-z]/g, 'q');
  const names = ['Abbott', 'Baker', 'Carter', 'Dalton', 'Ellis', 'Foster', 'Garcia'];
  const ids: string[] = [];

  before(async () => {
    // No job runner in the server: the test runs the job with runners of its own.
    s = await startTestServer({ CONTINUUM_JOBS: '0' });
    for (const n of names) ids.push(await create(s, patientWith(`${tag}${n}`)));
    await create(s, patientWith(undefined));
    assert.equal((await s.request('POST', '/SearchParameter', { body: maidenNameParam('maiden') })).status, 201);
  });
  after(async () => {
    await s.close();
  });

  it('resumes from its cursor in another runner after the first one died, and ends with the exact count', async () => {
    const job = await startReindex(s, '/$reindex?type=Patient&batchSize=2');
    assert.equal(one(await jobStatus(s, job), 'status'), 'queued');
    const db = s.database.db;

    // Runner A does two batches and then "dies": it keeps its lease, which lapses after 2 s.
    const a = new ReindexRunner({ db, searchParams: new SearchParamProvider(db) }, { leaseSeconds: 2 });
    const partial = await a.runNext({ maxBatches: 2, release: false });
    const b = new ReindexRunner({ db, searchParams: new SearchParamProvider(db) });
    assert.equal(await b.runNext({ jobId: job }), undefined, 'runner B cannot take the job while A holds it');
    assert.equal(partial?.id, job);
    assert.equal(partial.status, 'running');
    assert.equal(partial.done, 4);
    assert.equal(partial.total, 8);
    const status = await jobStatus(s, job);
    assert.equal(one(status, 'status'), 'running');
    assert.equal(one(status, 'done'), 4);
    assert.equal(one(status, 'total'), 8);
    assert.equal((await indexRows(db, 'sp_string', 'maiden')).size, 4, 'the first two batches committed');
    assert.equal((await s.request('GET', `/Patient?maiden=${tag}`, { headers: STRICT })).status, 400, 'not searchable until done');

    // Once A's lease has lapsed, runner B continues the job from its cursor.
    const batches: number[] = [];
    const deadline = Date.now() + 20_000;
    let finished = await b.runNext({ jobId: job, onBatch: (j) => batches.push(j.done) });
    while (!finished) {
      assert.ok(Date.now() < deadline, 'the lease lapses');
      await new Promise((r) => setTimeout(r, 100));
      finished = await b.runNext({ jobId: job, onBatch: (j) => batches.push(j.done) });
    }
    assert.equal(finished?.id, job);
    assert.equal(finished.status, 'done');
    assert.deepEqual(batches, [6, 8], 'continued after the cursor: two more batches, none repeated');
    assert.equal(finished.done, 8);
    assert.equal(finished.total, 8);

    const done = await jobStatus(s, job);
    assert.equal(one(done, 'status'), 'done');
    assert.equal(one(done, 'done'), 8);
    const rows = await indexRows(db, 'sp_string', 'maiden');
    assert.deepEqual([...rows.keys()].sort(), [...ids].sort());
    assert.deepEqual([...new Set(rows.values())], [1]);
    // Runner B stands for another node: the server learns of the finished job by notification.
    await searchable(s, `/Patient?maiden=${tag}`);
    assert.deepEqual(await found(s, `/Patient?maiden=${tag}`), [...ids].sort());
    assert.deepEqual(await found(s, `/Patient?maiden=${tag}ca`), [ids[2]]);
  });
});

describe('a write through a cache that missed a parameter change', () => {
  it('is indexed with the new parameter, alone (guarded statement) or in a transaction (fence)', async () => {
    const t = await createTestDatabase();
    try {
      const repo = async (provider: SearchParamProvider): Promise<Repository> => new Repository({ db: t.db, indexer: await provider.indexerFor('t1') }, 't1');
      // Neither provider listens or polls: they learn of the change only at their writes.
      const single = await repo(new SearchParamProvider(t.db));
      const inTx = await repo(new SearchParamProvider(t.db));
      const writer = await repo(new SearchParamProvider(t.db));
      await writer.create(maidenNameParam('staleMaiden'));
      const a = await single.create(patientWith('Alone'));
      const b = await inTx.inTransaction((r) => r.create(patientWith('Together')));
      const c = await single.create(patientWith(undefined));
      const rows = await indexRows(t.db, 'sp_string', 'staleMaiden');
      assert.deepEqual([...rows.keys()].sort(), [a.resource.id, b.resource.id].sort());
      assert.equal(rows.has(c.resource.id!), false);
    } finally {
      await t.drop();
    }
  });
});

const MULTI_SKIP = backend === 'postgres' ? false : 'needs PostgreSQL: PGlite is a single-process embedded database';

describe('several app nodes over one PostgreSQL', { skip: MULTI_SKIP }, () => {
  let a: TestServer;
  let bDb: Database;
  let b: RunningServer;
  let fDb: Database;
  let f: FastifyInstance;
  let fBase = '';
  const tag = randomUUID().slice(0, 6).replace(/[^a-z]/g, 'q');

  before(async () => {
    a = await startTestServer();
    const url = a.database.url!;
    bDb = await openStoreDatabase({ databaseUrl: url, dataDir: '', poolSize: 10 });
    // Nodes B and F are about search parameters, not tokens: they run without authorization
    // (node A, through which the test writes, has it on).
    const config = configFromEnv({ PORT: '1', CONTINUUM_DEMO: '0', CONTINUUM_AUTH: 'off' });
    config.port = 0;
    config.host = '127.0.0.1';
    b = await startServer(config, { db: bDb, log: () => undefined });
    // Node F neither listens for changes nor polls: only the write fence keeps it current.
    fDb = await openStoreDatabase({ databaseUrl: url, dataDir: '', poolSize: 10 });
    f = buildApp({ db: fDb, indexers: new SearchParamProvider(fDb), reindex: reindexService(fDb), config });
    await f.listen({ port: 0, host: '127.0.0.1' });
    fBase = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}/fhir`;
  });
  after(async () => {
    await f.close();
    await b.close();
    await fDb.close();
    await bDb.close();
    await a.close();
  });

  const on = (base: string): TestServer => ({ ...a, base, request: (m, path, o) => a.request(m, `${base}${path}`, o) });

  it('a write on a node that has not heard of a new parameter is indexed with it', async () => {
    const nodeF = on(fBase);
    const nodeB = on(`${b.url}/fhir`);
    // Both nodes cache the tenant's parameters.
    assert.equal((await nodeF.request('GET', '/Patient?_count=1')).status, 200);
    assert.equal((await nodeB.request('GET', '/Patient?_count=1')).status, 200);
    const before = await create(a, patientWith(`${tag}Before`));

    const sp = await a.request('POST', '/SearchParameter', { body: maidenNameParam('nodeMaiden') });
    assert.equal(sp.status, 201, sp.text);
    const viaF = await create(nodeF, patientWith(`${tag}ViaF`));
    const viaB = await create(nodeB, patientWith(`${tag}ViaB`));
    const rows = await indexRows(a.database.db, 'sp_string', 'nodeMaiden');
    assert.deepEqual([...rows.keys()].sort(), [viaB, viaF].sort(), 'both writes after the parameter were indexed with it');

    // A reindex run by whichever node's runner claims it makes it searchable on every node that listens.
    const status = await waitForJob(a, await startReindex(a, `/SearchParameter/${sp.json.id}/$reindex?batchSize=1`));
    assert.equal(one(status, 'done'), one(status, 'total'), 'each resource counted once, whichever runner ran the batches');
    await searchable(nodeB, `/Patient?nodeMaiden=${tag}`);
    assert.deepEqual(await found(nodeB, `/Patient?nodeMaiden=${tag}`), [before, viaB, viaF].sort());
  });

  it("writes on two nodes racing a parameter's creation and its reindex leave exactly the current rows", async () => {
    const nodeF = on(fBase);
    const first: Promise<string>[] = [];
    for (let i = 0; i < 30; i++) first.push(create(i % 2 ? nodeF : a, patientWith(`${tag}Race${i}`)));
    const sp = await a.request('POST', '/SearchParameter', { body: maidenNameParam('raceMaiden') });
    assert.equal(sp.status, 201);
    const ids = await Promise.all(first);
    const latest = new Map(ids.map((id, i) => [id, `${tag}Race${i}`]));
    // Small batches, and updates on both nodes all the while, so that batches and writes interleave.
    const job = await startReindex(a, `/SearchParameter/${sp.json.id}/$reindex?batchSize=3`);
    let running = true;
    const writers = [a, nodeF, a, nodeF].map(async (node, w) => {
      for (let n = 0; running; n++) {
        const id = ids[(n * 4 + w) % ids.length]!;
        const value = `${tag}Upd${w}x${n}`;
        const res = await node.request('PUT', `/Patient/${id}`, { body: { ...patientWith(value), id } });
        assert.equal(res.status, 200, res.text);
        latest.set(id, value);
      }
    });
    const status = await waitForJob(a, job);
    running = false;
    await Promise.all(writers);
    assert.equal(one(status, 'status'), 'done');
    const rows = await a.database.db.query<{ id: string; exact: string }>(
      `SELECT r.id, x.exact FROM sp_string x JOIN resource r ON r.rid = x.rid WHERE x.param = 'raceMaiden'`,
    );
    const byId = new Map<string, string[]>();
    for (const r of rows.rows) byId.set(r.id, [...(byId.get(r.id) ?? []), r.exact]);
    for (const id of ids) assert.deepEqual(byId.get(id), [latest.get(id)], `Patient/${id} has exactly its current row`);
    const hits = await found(a, `/Patient?raceMaiden=${tag}`);
    assert.deepEqual(hits.filter((id) => latest.has(id)), [...ids].sort());
  });
});
