/**
 * The benchmark suites and, for each, the database ceiling it is compared with.
 *
 * - read: GET Patient/<random id> over 1,000 seeded Patients; ceiling = the PK lookup of the
 *   same rows in the `resource` table.
 * - create: POST Patients and vital-sign Observations alternately; ceiling = single-row INSERTs
 *   of the same JSON into a scratch table shaped like `resource` (its GIN index included).
 * - ingest: POST transaction Bundles of 100 entries; ceiling = one multi-row
 *   `INSERT ... SELECT FROM unnest` of the same 100 resources per statement (one transaction).
 * - mixed: 80% GETs of random seeded Patients and Observations, 20% creates of both; ceiling =
 *   the same mix of PK lookups and single-row INSERTs into the scratch table.
 * - update: PUT with If-Match of existing Patients and Observations (read-modify-write: each
 *   target is read once before the clock, then every request flips a field of the last version
 *   and sends it with If-Match of that version); ceiling = single-row UPDATEs, with the same
 *   version check, of copies of the same rows in the scratch table.
 *
 * With a loaded population (`--population N`), read, update and mixed use ids of the seeded
 * resources instead of creating their own, and create uses seeded Patients as subjects.
 *
 * Bodies are generated before the clock starts, so the load generator spends its CPU on I/O.
 * Suites know nothing of processes or backends: they get an HTTP client or a direct connection.
 */
import { randomUUID } from 'node:crypto';
import type { Backend, DirectDb } from './backends.ts';
import type { HttpClient, Task } from './load.ts';
import { patient, Rng, stored, transactionBundle, vitalSign, type Json } from './synthetic.ts';

export type SuiteName = 'read' | 'create' | 'ingest' | 'mixed' | 'update';
export const SUITES: readonly SuiteName[] = ['read', 'create', 'ingest', 'mixed', 'update'];

/** Ids of resources already in the database (a seeded population), found by querying it directly. */
export interface ExistingIds {
  patients: string[];
  observations: string[];
}

export interface PreparedSuite {
  unit: 'req/s' | 'resources/s';
  /** The target on PostgreSQL, in `unit`. */
  target: number;
  /** The p95 latency target on PostgreSQL, in ms (search: 50). */
  p95Target?: number;
  task(http: HttpClient): Task;
  /** Creates whatever the ceiling needs, then returns its task. */
  ceiling(db: DirectDb): Promise<Task>;
  /** Figures of its own per run (search: by kind), for Continuum and the ceiling alike. */
  probe?: RunProbe;
  /** After the runs and the ceiling, with the server stopped: more to report (search: EXPLAIN plans). */
  finish?: SuiteFinish;
}

/** Started before every load run (warm-up included), ended after every measured one. */
export interface RunProbe {
  start(): void;
  end(): unknown;
}

export type SuiteFinish = (ctx: { continuumRuns: unknown[]; ceilingRuns: unknown[]; backend: Backend }) => Promise<{ text: string; details: Record<string, unknown> }>;

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

async function readSuite(http: HttpClient, existing?: ExistingIds): Promise<PreparedSuite> {
  const rng = new Rng(1);
  const ids = existing?.patients.length ? existing.patients : await seed(http, Array.from({ length: 1000 }, () => patient(rng)));
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

async function createSuite(http: HttpClient, existing?: ExistingIds): Promise<PreparedSuite> {
  const rng = new Rng(2);
  const subjectIds = existing?.patients.length ? existing.patients.slice(0, 100) : await seed(http, Array.from({ length: 100 }, () => patient(rng)));
  const subjects = subjectIds.map((id) => `Patient/${id}`);
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

async function mixedSuite(http: HttpClient, pool?: ExistingIds): Promise<PreparedSuite> {
  const rng = new Rng(4);
  const usePool = pool !== undefined && pool.patients.length > 0 && pool.observations.length > 0;
  const patients = usePool ? pool.patients : await seed(http, Array.from({ length: 500 }, () => patient(rng)));
  const observations = usePool ? pool.observations : await seed(http, Array.from({ length: 500 }, () => vitalSign(rng, `Patient/${pick(patients)}`)));
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

/** A target of the update suite: its last known version (ETag) and content. */
interface Target {
  type: string;
  id: string;
  resource: Json;
  etag: string;
  /** Set when a request on it failed: the next use reads it again first. */
  stale: boolean;
}

/**
 * The free targets, first in first out. A task takes one and gives it back when done, so no two
 * requests in flight ever touch the same resource: no 412 races by construction, and any 412 is
 * a real error. (A fixed partition per worker would do the same, but tasks do not know workers.)
 */
class FreeQueue<T> {
  private readonly buf: T[];
  private head = 0;
  private size: number;
  constructor(items: T[]) {
    this.buf = [...items];
    this.size = items.length;
  }
  take(): T {
    if (this.size === 0) throw new Error('no free target: concurrency exceeds the number of targets');
    const x = this.buf[this.head]!;
    this.head = (this.head + 1) % this.buf.length;
    this.size--;
    return x;
  }
  give(x: T): void {
    this.buf[(this.head + this.size) % this.buf.length] = x;
    this.size++;
  }
}

/** Runs `fn` over `items` with at most `concurrency` at a time. */
async function forEachConcurrent<T>(items: readonly T[], concurrency: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** The edit: Patient.active flips; Observation.status alternates between amended and corrected. */
function modify(resource: Json): void {
  if (resource.resourceType === 'Patient') resource.active = resource.active === false;
  else resource.status = resource.status === 'amended' ? 'corrected' : 'amended';
}

/** Update targets per type: enough that 16 workers never wait for a free one, few enough to read quickly. */
const UPDATE_TARGETS_PER_TYPE = 2000;

async function updateSuite(http: HttpClient, pool?: ExistingIds): Promise<PreparedSuite> {
  const rng = new Rng(5);
  let refs: (readonly [string, string])[];
  if (pool !== undefined && pool.patients.length > 0 && pool.observations.length > 0) {
    refs = [
      ...pool.patients.slice(0, UPDATE_TARGETS_PER_TYPE).map((id) => ['Patient', id] as const),
      ...pool.observations.slice(0, UPDATE_TARGETS_PER_TYPE).map((id) => ['Observation', id] as const),
    ];
  } else {
    const patients = await seed(http, Array.from({ length: 500 }, () => patient(rng)));
    const observations = await seed(http, Array.from({ length: 500 }, () => vitalSign(rng, `Patient/${pick(patients)}`)));
    refs = [...patients.map((id) => ['Patient', id] as const), ...observations.map((id) => ['Observation', id] as const)];
  }
  // Seeded shuffle, so Patients and Observations interleave in the queue.
  for (let i = refs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [refs[i], refs[j]] = [refs[j]!, refs[i]!];
  }
  const targets: Target[] = refs.map(([type, id]) => ({ type, id, resource: {}, etag: '', stale: true }));
  const refresh = async (h: HttpClient, t: Target): Promise<void> => {
    const res = await h.expectOk('GET', `/fhir/${t.type}/${t.id}`, undefined, true);
    if (!res.etag) throw new Error(`GET /fhir/${t.type}/${t.id} sent no ETag`);
    t.resource = JSON.parse(res.body) as Json;
    t.etag = res.etag;
    t.stale = false;
  };
  // The read of read-modify-write, before the clock: each target is then owned by one request at a
  // time, so the version a request last wrote is the current one.
  await forEachConcurrent(targets, 16, (t) => refresh(http, t));
  const queue = new FreeQueue(targets);
  return {
    unit: 'req/s',
    target: 0,
    task: (h) => async () => {
      const t = queue.take();
      try {
        if (t.stale) await refresh(h, t);
        modify(t.resource);
        const path = `/fhir/${t.type}/${t.id}`;
        const res = await h.request('PUT', path, JSON.stringify(t.resource), false, { 'if-match': t.etag });
        if (res.status !== 200 || !res.etag) {
          t.stale = true;
          throw new Error(`PUT ${path} If-Match ${t.etag} -> ${res.status} ${res.body.slice(0, 300)}`);
        }
        t.etag = res.etag;
        return 1;
      } finally {
        queue.give(t);
      }
    },
    async ceiling(db) {
      await scratchTable(db);
      await db.query(
        `INSERT INTO bench_ceiling SELECT r.* FROM resource r JOIN unnest($2::text[], $3::text[]) AS x(t, i)
          ON r.tenant_id = $1 AND r.resource_type = x.t AND r.id = x.i`,
        [TENANT, targets.map((t) => t.type), targets.map((t) => t.id)],
      );
      const versions = new Map<string, number>();
      for (const row of (await db.query('SELECT resource_type, id, version_id FROM bench_ceiling')) as { resource_type: string; id: string; version_id: number }[]) {
        versions.set(`${row.resource_type}/${row.id}`, Number(row.version_id));
      }
      if (versions.size !== targets.length) throw new Error(`update ceiling copied ${versions.size} of ${targets.length} rows`);
      const rows = targets.map((t) => ({ type: t.type, id: t.id, resource: t.resource, version: versions.get(`${t.type}/${t.id}`)! }));
      const rowQueue = new FreeQueue(rows);
      const sql = `UPDATE bench_ceiling SET content = $4, version_id = version_id + 1, last_updated = now()
        WHERE tenant_id = $1 AND resource_type = $2 AND id = $3 AND version_id = $5 RETURNING version_id`;
      return async () => {
        const r = rowQueue.take();
        try {
          modify(r.resource);
          const out = (await db.query(sql, [TENANT, r.type, r.id, JSON.stringify(r.resource), r.version], 'bench_update')) as { version_id: number }[];
          if (out.length !== 1) throw new Error(`ceiling update of ${r.type}/${r.id} v${r.version} matched no row`);
          r.version = Number(out[0]!.version_id);
          return 1;
        } finally {
          rowQueue.give(r);
        }
      };
    },
  };
}

export function prepareSuite(name: SuiteName, http: HttpClient, existing?: ExistingIds): Promise<PreparedSuite> {
  switch (name) {
    case 'read':
      return readSuite(http, existing);
    case 'create':
      return createSuite(http, existing);
    case 'ingest':
      return ingestSuite();
    case 'mixed':
      return mixedSuite(http, existing);
    case 'update':
      return updateSuite(http, existing);
  }
}
