/**
 * The `search` suite: issue 4's US Core search mix over a seeded population, and its ceiling.
 *
 * Five kinds, sent in strict rotation (each a fifth of the requests):
 * - `patient+code`: `Observation?patient=<id>&code=<system>|<code>`, a code that patient has;
 * - `patient+category+date`: `Observation?patient=<id>&category=<code>&date=ge<Y>-01-01&date=lt<Y+1>-01-01`,
 *   a category and a year in which that patient has such an Observation;
 * - `name`: `Patient?name=<family>`, a family name in the population;
 * - `identifier`: `Patient?identifier=urn:continuum:synth:mrn|<MRN>`;
 * - `birthdate+name`: `Patient?birthdate=<YYYY-MM-DD>&name=<family>` of one patient.
 * Every value is sampled from the database before the server starts (`SAMPLED_PATIENTS` random
 * patients, one request of each kind per patient), so each request matches something; a request
 * that returns no entry counts as an error. Patient-scoped requests alternate `patient=<id>` and
 * `patient=Patient/<id>`. No `_count`: the server's default page (50).
 *
 * The ceiling is the same search written by hand as one SQL statement over the index tables (the
 * first page, by row id, content included), at the same concurrency: named statements in the
 * form whose generic plan cannot go wrong (see CEILING_SQL), as the server's are. Per-kind figures
 * come from a probe that the load loop resets before every run. With the server stopped, the
 * slowest kinds' slowest requests are EXPLAINed (see explain.ts), and their ceiling SQL too.
 */
import type { Backend, DirectDb } from './backends.ts';
import { TOP_UP_TAG } from './everything-suite.ts';
import { explainRequests, explainSql, explainText, planText, type ExplainedRequest } from './explain.ts';
import type { HttpClient, Task } from './load.ts';
import { percentile } from './load.ts';
import { successor } from '../packages/server/src/search/sql-criteria.ts';
import type { PreparedSuite, RunProbe, SuiteFinish } from './suites.ts';

const TENANT = 'default';
/** Patients whose values make up the requests. */
const SAMPLED_PATIENTS = 2000;
/** The server's default page size: the requests carry no _count, the ceiling takes as many. */
const PAGE = 50;
const MRN_SYSTEM = 'urn:continuum:synth:mrn';
/** How many of the slowest kinds get their plans printed. */
const EXPLAINED_KINDS = 2;

export const KINDS = ['patient+code', 'patient+category+date', 'name', 'identifier', 'birthdate+name'] as const;
export type Kind = (typeof KINDS)[number];

interface Probe {
  path: string;
  /** Parameters of the kind's ceiling statement (after the tenant). */
  values: unknown[];
}

const likePrefix = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
/** A name prefix's bounds in the lookup index's order, and its LIKE pattern. */
const prefixRange = (s: string): [string, string, string] => [s, successor(s) ?? '\u{10FFFF}', likePrefix(s)];

const head = (type: string): string => `SELECT r.id, r.content FROM resource r WHERE r.tenant_id = $1 AND r.resource_type = '${type}' AND NOT r.deleted`;
const tail = `ORDER BY r.rid LIMIT ${PAGE + 1}`;
const sub = (table: string, type: string, param: string, pred: string): string =>
  `r.rid IN (SELECT rid FROM ${table} WHERE tenant_id = $1 AND resource_type = '${type}' AND param = '${param}' AND ${pred})`;
/**
 * The anchor's rows, each tested on its own index rows before its resource row is read (see the
 * server's `rowsIn`): for searches anchored on a patient or a name with other criteria.
 */
const within = (table: string, type: string, param: string, pred: string, tests: string[]): string =>
  `r.rid IN (SELECT c.rid FROM (SELECT rid FROM ${table} WHERE tenant_id = $1 AND resource_type = '${type}' AND param = '${param}' AND ${pred}) c WHERE ${tests.join(' AND ')})`;
/** A per-row test of candidate `c` on its own index rows. */
const each = (table: string, type: string, param: string, pred: string): string =>
  `EXISTS (SELECT 1 FROM (SELECT * FROM ${table} WHERE rid = c.rid OFFSET 0) x WHERE x.tenant_id = $1 AND x.resource_type = '${type}' AND x.param = '${param}' AND ${pred} OFFSET 0)`;
const ofPatient = (...tests: string[]): string => within('sp_reference', 'Observation', 'patient', 'target_id = $2', tests);

/**
 * The ceiling: each kind's search as one hand-written statement, run as a named statement, so
 * PostgreSQL may keep a generic plan for it, as it may for the server's (every kind has an
 * anchor: one patient, one identifier or a name). Written as the server writes them: the kinds
 * anchored on one patient read the patient's references and test each on its own index rows
 * before reading the resource; a name is read as a range of the lookup index (a generic plan
 * knows no LIKE pattern), then tested by LIKE; a birth date beside a name is such a per-row test.
 */
export const CEILING_SQL: Record<Kind, string> = {
  'patient+code': `${head('Observation')} AND ${ofPatient(each('sp_token', 'Observation', 'code', 'x.code = $3 AND x.system = $4'))} ${tail}`,
  'patient+category+date': `${head('Observation')} AND ${ofPatient(
    each('sp_token', 'Observation', 'category', 'x.code = $3'),
    each('sp_date', 'Observation', 'date', 'x.low >= $4::timestamptz AND x.low < $5::timestamptz'),
  )} ${tail}`,
  name: `${head('Patient')} AND ${sub('sp_string', 'Patient', 'name', 'norm ~>=~ $2 AND norm ~<~ $3 AND norm LIKE $4')} ${tail}`,
  identifier: `${head('Patient')} AND ${sub('sp_token', 'Patient', 'identifier', 'code = $2 AND system = $3')} ${tail}`,
  'birthdate+name': `${head('Patient')} AND ${within('sp_string', 'Patient', 'name', 'norm ~>=~ $4 AND norm ~<~ $5 AND norm LIKE $6', [
    each('sp_date', 'Patient', 'birthdate', 'x.low >= $2::timestamptz AND x.high <= $3::timestamptz'),
  ])} ${tail}`,
};

interface PatientRow {
  id: string;
  mrn: string | null;
  family: string | null;
  family_norm: string | null;
  birthdate: string | null;
}

/** Patients the `everything` suite topped up with thousands of Observations: not typical, so left out. */
async function toppedUp(db: DirectDb): Promise<string[]> {
  const rows = (await db.query(
    `SELECT DISTINCT p.target_id FROM sp_token t
     JOIN sp_reference p ON p.rid = t.rid AND p.tenant_id = $1 AND p.resource_type = 'Observation' AND p.param = 'patient'
     WHERE t.tenant_id = $1 AND t.resource_type = 'Observation' AND t.param = '_tag' AND t.code = $2 AND t.system = $3`,
    [TENANT, TOP_UP_TAG.code, TOP_UP_TAG.system],
  )) as { target_id: string }[];
  return rows.map((r) => r.target_id);
}

/** Samples the values of every kind straight from the database (before the server starts). */
async function sample(db: DirectDb): Promise<{ patients: number; probes: Record<Kind, Probe[]> }> {
  const excluded = await toppedUp(db);
  const patients = (await db.query(
    `SELECT r.id,
       (SELECT code FROM sp_token t WHERE t.rid = r.rid AND t.param = 'identifier' AND t.system = $2 LIMIT 1) AS mrn,
       (SELECT exact FROM sp_string s WHERE s.rid = r.rid AND s.param = 'family' LIMIT 1) AS family,
       (SELECT norm FROM sp_string s WHERE s.rid = r.rid AND s.param = 'family' LIMIT 1) AS family_norm,
       (SELECT to_char(low AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM sp_date d WHERE d.rid = r.rid AND d.param = 'birthdate' LIMIT 1) AS birthdate
     FROM resource r WHERE r.tenant_id = $1 AND r.resource_type = 'Patient' AND NOT r.deleted AND r.id <> ALL($4::text[])
     ORDER BY random() LIMIT $3`,
    [TENANT, MRN_SYSTEM, SAMPLED_PATIENTS, excluded],
  )) as PatientRow[];
  const ids = patients.map((p) => p.id);
  const codes = (await db.query(
    `SELECT DISTINCT ON (p.target_id) p.target_id AS patient, t.system, t.code
     FROM sp_reference p JOIN sp_token t ON t.rid = p.rid AND t.tenant_id = $1 AND t.resource_type = 'Observation' AND t.param = 'code'
     WHERE p.tenant_id = $1 AND p.resource_type = 'Observation' AND p.param = 'patient' AND p.target_id = ANY($2)
       AND t.code IS NOT NULL AND t.system IS NOT NULL
     ORDER BY p.target_id, random()`,
    [TENANT, ids],
  )) as { patient: string; system: string; code: string }[];
  const categories = (await db.query(
    `SELECT DISTINCT ON (p.target_id) p.target_id AS patient, c.code, extract(year FROM d.low AT TIME ZONE 'UTC')::int AS year
     FROM sp_reference p
     JOIN sp_token c ON c.rid = p.rid AND c.tenant_id = $1 AND c.resource_type = 'Observation' AND c.param = 'category'
     JOIN sp_date d ON d.rid = p.rid AND d.tenant_id = $1 AND d.resource_type = 'Observation' AND d.param = 'date'
     WHERE p.tenant_id = $1 AND p.resource_type = 'Observation' AND p.param = 'patient' AND p.target_id = ANY($2)
       AND c.code IS NOT NULL AND d.low > '-infinity'
     ORDER BY p.target_id, random()`,
    [TENANT, ids],
  )) as { patient: string; code: string; year: number }[];

  // Alternate the two forms of a patient reference.
  const ref = (id: string, i: number): string => encodeURIComponent(i % 2 === 0 ? id : `Patient/${id}`);
  const q = encodeURIComponent;
  const nextDay = (d: string): string => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();
  const named = patients.filter((p) => p.family && p.family_norm);
  const probes: Record<Kind, Probe[]> = {
    'patient+code': codes.map((c, i) => ({
      path: `/fhir/Observation?patient=${ref(c.patient, i)}&code=${q(`${c.system}|${c.code}`)}`,
      values: [c.patient, c.code, c.system],
    })),
    'patient+category+date': categories.map((c, i) => ({
      path: `/fhir/Observation?patient=${ref(c.patient, i)}&category=${q(c.code)}&date=ge${c.year}-01-01&date=lt${c.year + 1}-01-01`,
      values: [c.patient, c.code, `${c.year}-01-01T00:00:00Z`, `${c.year + 1}-01-01T00:00:00Z`],
    })),
    name: named.map((p) => ({ path: `/fhir/Patient?name=${q(p.family!)}`, values: prefixRange(p.family_norm!) })),
    identifier: patients.filter((p) => p.mrn).map((p) => ({ path: `/fhir/Patient?identifier=${q(`${MRN_SYSTEM}|${p.mrn!}`)}`, values: [p.mrn, MRN_SYSTEM] })),
    'birthdate+name': named
      .filter((p) => p.birthdate)
      .map((p) => ({
        path: `/fhir/Patient?birthdate=${p.birthdate!}&name=${q(p.family!)}`,
        values: [`${p.birthdate!}T00:00:00Z`, nextDay(p.birthdate!), ...prefixRange(p.family_norm!)],
      })),
  };
  return { patients: patients.length, probes };
}

/** Entries in a searchset body, counted without parsing it (the load generator's CPU is shared). */
function entries(body: string): number {
  let n = 0;
  for (let i = body.indexOf('"fullUrl"'); i >= 0; i = body.indexOf('"fullUrl"', i + 9)) n++;
  return n;
}

interface KindStats {
  latencies: number[];
  results: number;
  slowest: { ms: number; probe: Probe } | undefined;
}

export interface KindFigures {
  requests: number;
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  /** Mean entries per response (at most a page). */
  resultsPerRequest: number;
  slowestMs: number;
  slowestPath: string;
}

/** Per-kind latencies of the current run, reset by the load loop before each run. */
class KindProbe implements RunProbe {
  private stats = new Map<Kind, KindStats>();
  private started = 0;

  start(): void {
    this.stats = new Map(KINDS.map((k) => [k, { latencies: [], results: 0, slowest: undefined }]));
    this.started = performance.now();
  }

  record(kind: Kind, probe: Probe, ms: number, results: number): void {
    const s = this.stats.get(kind);
    if (!s) return;
    s.latencies.push(ms);
    s.results += results;
    if (!s.slowest || ms > s.slowest.ms) s.slowest = { ms, probe };
  }

  end(): Record<string, KindFigures> {
    const seconds = (performance.now() - this.started) / 1000;
    const round = (x: number): number => Math.round(x * 100) / 100;
    const out: Record<string, KindFigures> = {};
    for (const [kind, s] of this.stats) {
      const sorted = Float64Array.from(s.latencies).sort();
      out[kind] = {
        requests: sorted.length,
        rate: Math.round(sorted.length / seconds),
        p50: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        p99: round(percentile(sorted, 99)),
        resultsPerRequest: sorted.length > 0 ? round(s.results / sorted.length) : 0,
        slowestMs: round(s.slowest?.ms ?? 0),
        slowestPath: s.slowest?.probe.path ?? '',
      };
    }
    return out;
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The median of each per-kind figure over runs; the slowest request is the slowest of all runs. */
function medianByKind(runs: unknown[]): Record<string, KindFigures> {
  const typed = runs as Record<string, KindFigures>[];
  const out: Record<string, KindFigures> = {};
  for (const kind of KINDS) {
    const rs = typed.map((r) => r[kind]).filter((r): r is KindFigures => r !== undefined);
    if (rs.length === 0) continue;
    const m = (k: 'rate' | 'p50' | 'p95' | 'p99' | 'resultsPerRequest'): number => median(rs.map((r) => r[k]));
    const slow = rs.reduce((a, b) => (b.slowestMs > a.slowestMs ? b : a));
    out[kind] = {
      requests: rs.reduce((n, r) => n + r.requests, 0),
      rate: m('rate'),
      p50: m('p50'),
      p95: m('p95'),
      p99: m('p99'),
      resultsPerRequest: m('resultsPerRequest'),
      slowestMs: slow.slowestMs,
      slowestPath: slow.slowestPath,
    };
  }
  return out;
}

/** Samples the values (the server must not be running on PGlite), then gives the suite. */
export async function prepareSearchSuite(backend: Backend): Promise<PreparedSuite> {
  const conn = await backend.connect(1);
  let sampled: Awaited<ReturnType<typeof sample>>;
  try {
    sampled = await sample(conn);
  } finally {
    await conn.close();
  }
  const { probes } = sampled;
  const counts = KINDS.map((k) => `${k} ${probes[k].length}`).join(', ');
  process.stdout.write(`  search requests sampled from ${sampled.patients} random patients: ${counts}\n`);
  for (const k of KINDS) if (probes[k].length === 0) throw new Error(`the population gave no values for the '${k}' searches`);

  const probe = new KindProbe();
  // Round robin over the kinds, and within a kind over its requests: every run sends the same mix.
  let next = 0;
  const choose = (): [Kind, Probe] => {
    const n = next++;
    const kind = KINDS[n % KINDS.length]!;
    const list = probes[kind];
    return [kind, list[Math.floor(n / KINDS.length) % list.length]!];
  };

  const finish: SuiteFinish = async ({ continuumRuns, ceilingRuns, backend }) => {
    const byKind = medianByKind(continuumRuns);
    const ceilingByKind = medianByKind(ceilingRuns);
    let text = '  by kind (median of runs) | req/s | p50 / p95 / p99 ms | entries/response | ceiling p50 / p95 ms | ceiling entries | slowest ms\n';
    for (const kind of KINDS) {
      const c = byKind[kind];
      const d = ceilingByKind[kind];
      if (!c) continue;
      text +=
        `    ${kind.padEnd(22)} | ${c.rate} | ${c.p50} / ${c.p95} / ${c.p99} | ${c.resultsPerRequest} | ` +
        `${d ? `${d.p50} / ${d.p95}` : '-'} | ${d ? d.resultsPerRequest : '-'} | ${c.slowestMs}\n`;
      // Both sides cycle through the same requests, so their mean page sizes should agree.
      if (d && Math.abs(c.resultsPerRequest - d.resultsPerRequest) > 0.1 * Math.max(c.resultsPerRequest, d.resultsPerRequest)) {
        text += `      note: '${kind}' returns ${c.resultsPerRequest} entries per response, its ceiling ${d.resultsPerRequest}: check that search's results\n`;
      }
    }
    // The slowest kinds by p95, each with the slowest request it sent.
    const slowest = KINDS.map((k) => [k, byKind[k]] as const)
      .filter((e): e is readonly [Kind, KindFigures] => e[1] !== undefined && e[1].slowestPath !== '')
      .sort((a, b) => b[1].p95 - a[1].p95)
      .slice(0, EXPLAINED_KINDS);
    const plans = slowest.length > 0 ? await explainRequests(backend, slowest.map(([, f]) => f.slowestPath)) : [];
    const values = allProbes(probes);
    const explained: { kind: Kind; server: ExplainedRequest; ceiling?: string[] }[] = [];
    const direct = await backend.connect(1);
    try {
      for (const [i, [kind, f]] of slowest.entries()) {
        const server = plans[i]!;
        const v = values.get(f.slowestPath);
        const ceiling = v ? await explainSql(direct, CEILING_SQL[kind], [TENANT, ...v]) : undefined;
        explained.push({ kind, server, ...(ceiling ? { ceiling } : {}) });
        text += `  EXPLAIN (ANALYZE, BUFFERS) of the slowest '${kind}' request (kind p95 ${f.p95} ms; this one took ${f.slowestMs} ms under load), run alone now:\n`;
        text += explainText([server]);
        if (ceiling) text += planText(`the ceiling's statement for the same values: ${CEILING_SQL[kind].replace(/\s+/g, ' ')}`, ceiling);
      }
    } finally {
      await direct.close();
    }
    return { text, details: { byKind, ceilingByKind, explained } };
  };

  return {
    unit: 'req/s',
    target: 1000,
    p95Target: 50,
    probe,
    finish,
    task: (h: HttpClient): Task => async () => {
      const [kind, p] = choose();
      const t0 = performance.now();
      const res = await h.expectOk('GET', p.path, undefined, true);
      const n = entries(res.body);
      probe.record(kind, p, performance.now() - t0, n);
      if (n === 0) throw new Error(`GET ${p.path} found nothing, though its values were sampled from the data`);
      return 1;
    },
    async ceiling(db) {
      return async () => {
        const [kind, p] = choose();
        const t0 = performance.now();
        // Named, as the server's are (see CEILING_SQL).
        const rows = await db.query(CEILING_SQL[kind], [TENANT, ...p.values], `ceiling_${kind.replace(/\W/g, '_')}`);
        const n = Math.min(rows.length, PAGE);
        probe.record(kind, p, performance.now() - t0, n);
        if (n === 0) throw new Error(`ceiling '${kind}' with ${JSON.stringify(p.values)} found nothing`);
        return 1;
      };
    },
  };
}

function allProbes(probes: Record<Kind, Probe[]>): Map<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  for (const k of KINDS) for (const p of probes[k]) m.set(p.path, p.values);
  return m;
}
