/**
 * The three benchmark suites and, for each, the database ceiling it is compared with.
 *
 * - read: GET Patient/<random id> over 1,000 seeded Patients; ceiling = the PK lookup of the
 *   same rows in the `resource` table.
 * - create: POST Patients and vital-sign Observations alternately; ceiling = single-row INSERTs
 *   of the same JSON into a scratch table shaped like `resource` (its GIN index included).
 * - ingest: POST transaction Bundles of 100 entries; ceiling = one multi-row
 *   `INSERT ... SELECT FROM unnest` of the same 100 resources per statement (one transaction).
 * - mixed: 80% GETs of random seeded Patients and Observations, 20% creates of both; ceiling =
 *   the same mix of PK lookups and single-row INSERTs into the scratch table.
 *
 * Bodies are generated before the clock starts, so the load generator spends its CPU on I/O.
 * Suites know nothing of processes or backends: they get an HTTP client or a direct connection.
 */
import { randomUUID } from 'node:crypto';
import type { DirectDb } from './backends.ts';
import type { HttpClient, Task } from './load.ts';
import { patient, Rng, stored, transactionBundle, vitalSign, type Json } from './synthetic.ts';

export type SuiteName = 'read' | 'create' | 'ingest' | 'mixed';
export const SUITES: readonly SuiteName[] = ['read', 'create', 'ingest', 'mixed'];

export interface PreparedSuite {
  unit: 'req/s' | 'resources/s';
  /** Issue 2's target on PostgreSQL, in `unit`. */
  target: number;
  task(http: HttpClient): Task;
  /** Creates whatever the ceiling needs, then returns its task. */
  ceiling(db: DirectDb): Promise<Task>;
}

const TENANT = 'default';
const BODIES = 1000;
const BUNDLES = 40;

/** Creates resources through the API in transactions of up to 100; returns their ids. */
async function seed(http: HttpClient, resources: Json[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < resources.length; i += 100) {
    const entry = resources.slice(i, i + 100).map((resource) => ({ resource, request: { method: 'POST', url: resource.resourceType } }));
    const res = await http.expectOk('POST', '/fhir', JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }), true);
    const out = JSON.parse(res.body) as { entry: { response: { location: string } }[] };
    for (const e of out.entry) ids.push(e.response.location.split('/')[1]!);
  }
  return ids;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

/** A scratch copy of `resource`: same columns, PK and indexes (GIN on compartments included). */
async function scratchTable(db: DirectDb): Promise<void> {
  await db.exec(`DROP TABLE IF EXISTS bench_ceiling; CREATE TABLE bench_ceiling (LIKE resource INCLUDING ALL);
    DROP SEQUENCE IF EXISTS bench_rid_seq; CREATE SEQUENCE bench_rid_seq;`);
}

interface Row {
  type: string;
  content: string;
  compartments: string[];
}

function storedRow(resource: Json): Row {
  const subject = (resource.subject as { reference?: string } | undefined)?.reference?.split('/')[1];
  const id = randomUUID();
  return { type: resource.resourceType as string, content: stored(resource, id), compartments: [subject ?? id] };
}

async function readSuite(http: HttpClient): Promise<PreparedSuite> {
  const rng = new Rng(1);
  const ids = await seed(http, Array.from({ length: 1000 }, () => patient(rng)));
  return {
    unit: 'req/s',
    target: 3000,
    task: (h) => async () => (await h.expectOk('GET', `/fhir/Patient/${pick(ids)}`), 1),
    async ceiling(db) {
      const sql = 'SELECT content FROM resource WHERE tenant_id = $1 AND resource_type = $2 AND id = $3';
      return async () => {
        const rows = await db.query(sql, [TENANT, 'Patient', pick(ids)], 'bench_read');
        if (rows.length !== 1) throw new Error('ceiling read found no row');
        return 1;
      };
    },
  };
}

async function createSuite(http: HttpClient): Promise<PreparedSuite> {
  const rng = new Rng(2);
  const subjects = (await seed(http, Array.from({ length: 100 }, () => patient(rng)))).map((id) => `Patient/${id}`);
  const resources = Array.from({ length: BODIES }, (_, i) => (i % 2 === 0 ? patient(rng) : vitalSign(rng, pick(subjects))));
  const bodies = resources.map((r) => ({ path: `/fhir/${r.resourceType as string}`, body: JSON.stringify(r) }));
  let next = 0;
  return {
    unit: 'req/s',
    target: 1000,
    task: (h) => async () => {
      const b = bodies[next++ % bodies.length]!;
      await h.expectOk('POST', b.path, b.body);
      return 1;
    },
    async ceiling(db) {
      await scratchTable(db);
      const rows = resources.map(storedRow);
      const sql = `INSERT INTO bench_ceiling (rid, tenant_id, resource_type, id, version_id, last_updated, content, compartments)
        VALUES (nextval('bench_rid_seq'), $1, $2, $3, 1, now(), $4, $5)`;
      let n = 0;
      return async () => {
        const r = rows[n++ % rows.length]!;
        await db.query(sql, [TENANT, r.type, randomUUID(), r.content, r.compartments], 'bench_create');
        return 1;
      };
    },
  };
}

async function ingestSuite(): Promise<PreparedSuite> {
  const rng = new Rng(3);
  const bundles = Array.from({ length: BUNDLES }, () => transactionBundle(rng, 100));
  const bodies = bundles.map((b) => JSON.stringify(b));
  let next = 0;
  return {
    unit: 'resources/s',
    target: 3000,
    task: (h) => async () => {
      await h.expectOk('POST', '/fhir', bodies[next++ % bodies.length]);
      return 100;
    },
    async ceiling(db) {
      await scratchTable(db);
      const batches = bundles.map((b) => (b.entry as { resource: Json }[]).map((e) => storedRow(e.resource)));
      const sql = `INSERT INTO bench_ceiling (rid, tenant_id, resource_type, id, version_id, last_updated, content, compartments)
        SELECT nextval('bench_rid_seq'), $1, t, i, 1, now(), c, string_to_array(p, ',')
        FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS x(t, i, c, p)`;
      let n = 0;
      return async () => {
        const rows = batches[n++ % batches.length]!;
        const params = [TENANT, rows.map((r) => r.type), rows.map(() => randomUUID()), rows.map((r) => r.content), rows.map((r) => r.compartments.join(','))];
        await db.query(sql, params, 'bench_ingest');
        return rows.length;
      };
    },
  };
}

async function mixedSuite(http: HttpClient): Promise<PreparedSuite> {
  const rng = new Rng(4);
  const patients = await seed(http, Array.from({ length: 500 }, () => patient(rng)));
  const observations = await seed(http, Array.from({ length: 500 }, () => vitalSign(rng, `Patient/${pick(patients)}`)));
  const existing = [...patients.map((id) => ['Patient', id] as const), ...observations.map((id) => ['Observation', id] as const)];
  const resources = Array.from({ length: BODIES }, (_, i) => (i % 2 === 0 ? patient(rng) : vitalSign(rng, `Patient/${pick(patients)}`)));
  const bodies = resources.map((r) => ({ path: `/fhir/${r.resourceType as string}`, body: JSON.stringify(r) }));
  let next = 0;
  // Every fifth request writes: deterministic, so each run has exactly the same 80/20 mix.
  const isWrite = (n: number): boolean => n % 5 === 4;
  return {
    unit: 'req/s',
    target: 0,
    task: (h) => async () => {
      const n = next++;
      if (isWrite(n)) {
        const b = bodies[Math.floor(n / 5) % bodies.length]!;
        await h.expectOk('POST', b.path, b.body);
      } else {
        const [type, id] = pick(existing);
        await h.expectOk('GET', `/fhir/${type}/${id}`);
      }
      return 1;
    },
    async ceiling(db) {
      await scratchTable(db);
      const rows = resources.map(storedRow);
      const read = 'SELECT content FROM resource WHERE tenant_id = $1 AND resource_type = $2 AND id = $3';
      const insert = `INSERT INTO bench_ceiling (rid, tenant_id, resource_type, id, version_id, last_updated, content, compartments)
        VALUES (nextval('bench_rid_seq'), $1, $2, $3, 1, now(), $4, $5)`;
      let n = 0;
      return async () => {
        const i = n++;
        if (isWrite(i)) {
          const r = rows[Math.floor(i / 5) % rows.length]!;
          await db.query(insert, [TENANT, r.type, randomUUID(), r.content, r.compartments], 'bench_create');
        } else {
          const [type, id] = pick(existing);
          if ((await db.query(read, [TENANT, type, id], 'bench_read')).length !== 1) throw new Error('ceiling read found no row');
        }
        return 1;
      };
    },
  };
}

export function prepareSuite(name: SuiteName, http: HttpClient): Promise<PreparedSuite> {
  switch (name) {
    case 'read':
      return readSuite(http);
    case 'create':
      return createSuite(http);
    case 'ingest':
      return ingestSuite();
    case 'mixed':
      return mixedSuite(http);
  }
}
