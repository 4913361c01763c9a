/**
 * The `everything` suite: how long one patient's record takes to page through, unloaded.
 *
 * It picks the patient with the most resources (candidates from `sp_reference`, exact counts
 * from the `compartments` GIN index). If that patient has fewer than `TARGET` Observations, it
 * first writes vital-sign Observations for them through the API (transactions of 100, tagged
 * `urn:continuum:bench|everything-top-up`) until it has `TARGET`, then runs ANALYZE (with the
 * server stopped, for PGlite); so the patient has at least that many resources and both walks
 * below reach page 100. A kept population keeps them, and the next run finds the same patient
 * already big enough.
 *
 * Two walks, each by following `next` links (the cursor is opaque) with `_count=50`:
 * `Patient/<id>/$everything` and `Observation?patient=<id>`. Then, one request at a time,
 * `samples` rounds over pages 1, 10, 50 and 100 (interleaved, so drift hits all pages alike):
 * the report gives each page's median latency and page 100 / page 1. The ceiling does the same
 * with the equivalent SQL (the page of the compartment, or of the patient's Observations, by
 * keyset on rid; for $everything also the non-patient resources that page references). With
 * the server stopped, pages 1 and 100 of both are EXPLAINed through the server's own code.
 * A server without `$everything` (404/400/405/501) is reported as such, not as a failure.
 */
import type { Backend, DirectDb } from './backends.ts';
import { explainRequests, explainText, type ExplainedRequest } from './explain.ts';
import { HttpClient } from './load.ts';
import type { ServerProcess } from './server-process.ts';
import { Rng, vitalSign, type Json } from './synthetic.ts';

const TENANT = 'default';
/** Observations the measured patient must have (so ≥ 100 pages of 50 in both walks). */
export const TARGET = 5000;
const COUNT = 50;
const PAGES = [1, 10, 50, 100];
export const TOP_UP_TAG = { system: 'urn:continuum:bench', code: 'everything-top-up' };

export interface PageFigures {
  page: number;
  /** Median latency in ms over `samples` requests. */
  median: number;
  min: number;
  max: number;
  /** Entries on the page (matches and includes). */
  entries: number;
}

export interface WalkFigures {
  name: string;
  /** Pages reached by following `next` (stops at 100). */
  pagesWalked: number;
  /** Latency of each page during the first walk (cold-ish), ms. */
  walkMs: number[];
  pages: PageFigures[];
  /** Median of the deepest measured page / median of page 1. */
  deepRatio: number;
  ceiling: PageFigures[];
  explained: ExplainedRequest[];
  /** Why the walk could not run (e.g. the operation is not there yet). */
  unavailable?: string;
}

export interface EverythingFigures {
  patient: { id: string; resources: number; observations: number; toppedUp: number; topUpSeconds: number };
  samples: number;
  walks: WalkFigures[];
  text: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r2 = (x: number): number => Math.round(x * 100) / 100;

/** The patient with the most resources, and how many they and their Observations number. */
async function biggestPatient(db: DirectDb): Promise<{ id: string; resources: number; observations: number }> {
  const candidates = (await db.query(
    `SELECT target_id FROM sp_reference WHERE tenant_id = $1 AND target_type = 'Patient' AND target_id IS NOT NULL
     GROUP BY target_id ORDER BY count(*) DESC LIMIT 5`,
    [TENANT],
  )) as { target_id: string }[];
  if (candidates.length === 0) throw new Error('the population has no resources that reference a Patient');
  let best = { id: '', resources: -1, observations: 0 };
  for (const { target_id: id } of candidates) {
    const counted = (await db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE resource_type = 'Observation')::int AS obs
       FROM resource WHERE tenant_id = $1 AND compartments @> ARRAY[$2]::text[] AND NOT deleted`,
      [TENANT, id],
    )) as { n: number; obs: number }[];
    const n = Number(counted[0]?.n ?? 0);
    if (n > best.resources) best = { id, resources: n, observations: Number(counted[0]?.obs ?? 0) };
  }
  return best;
}

/** Writes `n` tagged vital-sign Observations for the patient, in transactions of 100. */
async function topUp(http: HttpClient, patientId: string, n: number): Promise<void> {
  const rng = new Rng(7);
  for (let done = 0; done < n; done += 100) {
    const entry = Array.from({ length: Math.min(100, n - done) }, () => {
      const resource: Json = { ...vitalSign(rng, `Patient/${patientId}`), meta: { tag: [TOP_UP_TAG] } };
      return { resource, request: { method: 'POST', url: 'Observation' } };
    });
    await http.expectOk('POST', '/fhir', JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }));
    if (done % 1000 === 0) process.stdout.write(`    top-up: ${done + entry.length}/${n}\n`);
  }
}

function countEntries(body: string): number {
  let n = 0;
  for (let i = body.indexOf('"fullUrl"'); i >= 0; i = body.indexOf('"fullUrl"', i + 9)) n++;
  return n;
}

/** Follows `next` from `first` up to page 100; returns each page's path and first-walk latency. */
async function walk(http: HttpClient, first: string): Promise<{ paths: string[]; ms: number[]; unavailable?: string }> {
  const paths: string[] = [];
  const ms: number[] = [];
  let path: string | undefined = first;
  while (path !== undefined && paths.length < 100) {
    const t0 = performance.now();
    const res = await http.request('GET', path, undefined, true);
    const took = performance.now() - t0;
    if (paths.length === 0 && [400, 404, 405, 501].includes(res.status)) {
      return { paths, ms, unavailable: `GET ${first} -> ${res.status} ${res.body.slice(0, 200)}` };
    }
    if (res.status !== 200) throw new Error(`GET ${path} -> ${res.status} ${res.body.slice(0, 300)}`);
    paths.push(path);
    ms.push(r2(took));
    const bundle = JSON.parse(res.body) as { link?: { relation: string; url: string }[] };
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    path = next ? new URL(next).pathname + new URL(next).search : undefined;
  }
  return { paths, ms };
}

/** `samples` interleaved rounds over the given pages; every answer must be 200 with entries. */
async function timePages(pages: number[], samples: number, fetchPage: (page: number) => Promise<number>): Promise<PageFigures[]> {
  const times = new Map<number, number[]>(pages.map((p) => [p, []]));
  const entries = new Map<number, number>();
  for (let i = 0; i < samples; i++) {
    for (const page of pages) {
      const t0 = performance.now();
      const n = await fetchPage(page);
      times.get(page)!.push(performance.now() - t0);
      if (n === 0) throw new Error(`page ${page} came back empty`);
      entries.set(page, n);
    }
  }
  return pages.map((page) => {
    const t = times.get(page)!;
    return { page, median: r2(median(t)), min: r2(Math.min(...t)), max: r2(Math.max(...t)), entries: entries.get(page) ?? 0 };
  });
}

const deepRatio = (pages: PageFigures[]): number => (pages.length > 1 && pages[0]!.median > 0 ? r2(pages[pages.length - 1]!.median / pages[0]!.median) : 0);

/** The hand-written SQL of one page: members by keyset, and (for $everything) what they reference. */
const MEMBERS_SQL = {
  everything: `SELECT r.rid, r.content FROM resource r WHERE r.tenant_id = $1 AND r.compartments @> ARRAY[$2]::text[] AND NOT r.deleted
    AND r.rid > $3 ORDER BY r.rid LIMIT ${COUNT + 1}`,
  observations: `SELECT r.rid, r.content FROM resource r WHERE r.tenant_id = $1 AND r.resource_type = 'Observation' AND NOT r.deleted
    AND r.rid IN (SELECT rid FROM sp_reference WHERE tenant_id = $1 AND resource_type = 'Observation' AND param = 'patient' AND target_id = $2)
    AND r.rid > $3 ORDER BY r.rid LIMIT ${COUNT + 1}`,
};
const INCLUDED_SQL = `SELECT t.content FROM resource t WHERE t.tenant_id = $1 AND (t.resource_type, t.id) IN (
    SELECT s.target_type, s.target_id FROM sp_reference s WHERE s.tenant_id = $1 AND s.rid = ANY($2::bigint[]))
  AND t.compartments = '{}' AND NOT t.deleted`;

async function ceilingPages(db: DirectDb, kind: 'everything' | 'observations', patientId: string, pages: number[], samples: number): Promise<PageFigures[]> {
  // The keyset position of each page: the rid just before its first row (0 for page 1).
  const after = new Map<number, number>();
  for (const page of pages) {
    if (page === 1) {
      after.set(page, 0);
      continue;
    }
    const sql = MEMBERS_SQL[kind].replace(`LIMIT ${COUNT + 1}`, `OFFSET ${(page - 1) * COUNT - 1} LIMIT 1`);
    const row = (await db.query(sql, [TENANT, patientId, 0])) as { rid: string | number }[];
    after.set(page, Number(row[0]?.rid ?? 0));
  }
  return timePages(pages, samples, async (page) => {
    const rows = (await db.query(MEMBERS_SQL[kind], [TENANT, patientId, after.get(page)])) as { rid: string | number }[];
    const members = rows.slice(0, COUNT);
    let included = 0;
    if (kind === 'everything' && members.length > 0) {
      included = (await db.query(INCLUDED_SQL, [TENANT, members.map((m) => Number(m.rid))])).length;
    }
    return members.length + included;
  });
}

export interface EverythingContext {
  backend: Backend;
  start(): Promise<ServerProcess>;
  samples: number;
  ceiling: boolean;
}

export async function runEverything(ctx: EverythingContext): Promise<EverythingFigures> {
  let db = await ctx.backend.connect(1);
  let big: Awaited<ReturnType<typeof biggestPatient>>;
  try {
    big = await biggestPatient(db);
  } finally {
    await db.close();
  }
  process.stdout.write(`  biggest patient: ${big.resources} resources, ${big.observations} Observations\n`);
  const walks: { name: string; first: string; kind: 'everything' | 'observations' }[] = [
    { name: 'Patient/$everything', first: `/fhir/Patient/${big.id}/$everything?_count=${COUNT}`, kind: 'everything' },
    { name: 'Observation?patient', first: `/fhir/Observation?patient=${big.id}&_count=${COUNT}`, kind: 'observations' },
  ];
  const results: WalkFigures[] = [];
  const paths = new Map<string, string[]>();
  let toppedUp = 0;
  let topUpSeconds = 0;
  if (big.observations < TARGET) {
    toppedUp = TARGET - big.observations;
    process.stdout.write(`  topping up: writing ${toppedUp} Observations for that patient (tagged ${TOP_UP_TAG.system}|${TOP_UP_TAG.code}), then ANALYZE\n`);
    const t0 = performance.now();
    const writer = await ctx.start();
    const client = new HttpClient('127.0.0.1', writer.port, 1);
    await writer.authorize(client);
    try {
      await topUp(client, big.id, toppedUp);
    } finally {
      client.close();
      await writer.stop();
    }
    // Settled statistics, as autovacuum would give them in time: the planner then knows how big
    // this patient has become, so the measurement is not of a transient.
    db = await ctx.backend.connect(1);
    try {
      await db.exec('ANALYZE');
    } finally {
      await db.close();
    }
    topUpSeconds = r2((performance.now() - t0) / 1000);
    big = { ...big, resources: big.resources + toppedUp, observations: TARGET };
  }
  const server = await ctx.start();
  const http = new HttpClient('127.0.0.1', server.port, 1);
  await server.authorize(http);
  try {
    for (const w of walks) {
      const walked = await walk(http, w.first);
      const result: WalkFigures = { name: w.name, pagesWalked: walked.paths.length, walkMs: walked.ms, pages: [], deepRatio: 0, ceiling: [], explained: [] };
      results.push(result);
      if (walked.unavailable) {
        result.unavailable = walked.unavailable;
        process.stdout.write(`  ${w.name}: not available on this server (${walked.unavailable})\n`);
        continue;
      }
      const pages = PAGES.filter((p) => p <= walked.paths.length);
      paths.set(w.name, walked.paths);
      result.pages = await timePages(pages, ctx.samples, async (page) => countEntries((await http.expectOk('GET', walked.paths[page - 1]!, undefined, true)).body));
      result.deepRatio = deepRatio(result.pages);
      process.stdout.write(`  ${w.name}: ${walked.paths.length} pages walked; ${result.pages.map((p) => `page ${p.page} ${p.median} ms`).join(', ')}\n`);
    }
  } finally {
    http.close();
    await server.stop();
  }

  if (ctx.ceiling) {
    db = await ctx.backend.connect(1);
    try {
      for (const [i, w] of walks.entries()) {
        const result = results[i]!;
        if (result.unavailable) continue;
        result.ceiling = await ceilingPages(db, w.kind, big.id, result.pages.map((p) => p.page), ctx.samples);
      }
    } finally {
      await db.close();
    }
  }
  for (const result of results) {
    const walked = paths.get(result.name);
    if (!walked) continue;
    const deepest = walked[Math.min(walked.length, 100) - 1]!;
    result.explained = await explainRequests(ctx.backend, walked.length > 1 ? [walked[0]!, deepest] : [walked[0]!]);
  }
  const patient = { ...big, toppedUp, topUpSeconds };
  return { patient, samples: ctx.samples, walks: results, text: everythingText(patient, results, ctx.samples) };
}

function everythingText(patient: EverythingFigures['patient'], walks: WalkFigures[], samples: number): string {
  let text = `  patient ${patient.id}: ${patient.resources} resources, ${patient.observations} Observations` +
    `${patient.toppedUp > 0 ? ` (${patient.toppedUp} written now in ${patient.topUpSeconds} s)` : ''}; median of ${samples} requests each, one at a time, _count=${COUNT}\n`;
  for (const w of walks) {
    if (w.unavailable) {
      text += `  ${w.name}: NOT AVAILABLE (${w.unavailable})\n`;
      continue;
    }
    const ceiling = new Map(w.ceiling.map((c) => [c.page, c]));
    text += `  ${w.name} (${w.pagesWalked} pages walked) | page | median ms | min / max | entries | ceiling median ms | ratio to ceiling\n`;
    for (const p of w.pages) {
      const c = ceiling.get(p.page);
      text += `    | ${p.page} | ${p.median} | ${p.min} / ${p.max} | ${p.entries} | ${c ? c.median : '-'} | ${c && c.median > 0 ? r2(p.median / c.median) : '-'}\n`;
    }
    const deepest = w.pages[w.pages.length - 1];
    if (deepest && deepest.page !== 100) text += `    (only ${w.pagesWalked} pages: page ${deepest.page} is the deepest measured)\n`;
    text += `    page ${deepest?.page ?? '-'} / page 1 = ${w.deepRatio} (target <= 2: ${w.deepRatio > 0 && w.deepRatio <= 2 ? 'met' : 'MISSED'})\n`;
    if (w.name === 'Patient/$everything' && w.pages[0]) {
      text += `    page 1 median ${w.pages[0].median} ms (target < 300 ms: ${w.pages[0].median < 300 ? 'met' : 'MISSED'})\n`;
    }
    text += `    EXPLAIN (ANALYZE, BUFFERS), run alone after the measurement:\n${explainText(w.explained, '      ')}`;
  }
  return text;
}
