/**
 * `npm run bench -- chart-open [--backend pglite|postgres] [--runs 7] [--sizes 100,1000,5000]`:
 * how long a clinician waits for a chart. A real server (in this process, on a fresh PGlite or
 * PostgreSQL store with a small demo clinic) gets one patient per size, of that many resources;
 * headless Chromium signs in as the demo physician and opens `/patients/:id/summary`, timing
 * from the navigation until the summary is fully rendered (the `chart-summary-ready` mark the
 * Summary sets once every section is in), and counting the FHIR API calls the open made and how
 * many were in flight at once.
 *
 * - warm: in-app navigation from the patient list (what a user does), median of `--runs`;
 * - cold: a full page load of the chart URL, silent sign-in redirect included (3 runs);
 * - ceiling: the SQL statements the server's search engine runs for the very same requests,
 *   replayed directly on the same database pool, in parallel as the browser sends them: what
 *   the database alone needs, so `warm / ceiling` is the cost of everything else (HTTP, auth,
 *   JSON, React).
 *
 * Results go to the console and bench/results/chart-open-<backend>-<time>.json. With
 * BENCH_DEBUG=1 it also prints each captured statement and its time, once per size.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { parseSearch } from '@continuum/fhir';
import type { Resource } from '@medplum/fhirtypes';
import { chartBundles, chartPatient } from './chart-patients.ts';
import { machine } from './report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

interface Args {
  backend: 'pglite' | 'postgres';
  runs: number;
  sizes: number[];
}

function parseArgs(argv: string[]): Args {
  const opt = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
  };
  const backend = opt('backend', 'pglite');
  if (backend !== 'pglite' && backend !== 'postgres') throw new Error('--backend is pglite or postgres');
  const sizes = opt('sizes', '100,1000,5000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 20)) throw new Error('--sizes are whole numbers of at least 20');
  return { backend, runs: Math.max(1, Number(opt('runs', '7'))), sizes };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;

interface Statement {
  sql: string;
  params: unknown[];
}

/** What one measured open saw in the browser. */
interface Open {
  ms: number;
  calls: number;
  maxInFlight: number;
  urls: string[];
}

export interface SizeResult {
  resources: number;
  warmMs: number;
  warmRuns: number[];
  coldMs: number;
  apiCalls: number;
  maxInFlight: number;
  ceilingMs: number;
  ratio: number;
  requests: string[];
}

/** Counts the FHIR requests a page makes, and the most in flight at once, while `watching`. */
function watchRequests(page: Page) {
  let urls: string[] = [];
  let inFlight = 0;
  let max = 0;
  const isApi = (url: string) => new URL(url).pathname.startsWith('/fhir/');
  page.on('request', (r) => {
    if (!isApi(r.url())) return;
    urls.push(r.url());
    inFlight++;
    max = Math.max(max, inFlight);
  });
  const done = (r: { url(): string }) => {
    if (isApi(r.url())) inFlight = Math.max(0, inFlight - 1);
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    reset() {
      urls = [];
      max = inFlight;
    },
    take: () => ({ urls: [...urls], max }),
  };
}

/** In-app navigation (as a link click does), timed in the page from the push to the ready mark. */
async function openInApp(page: Page, path: string, watch: ReturnType<typeof watchRequests>): Promise<Open> {
  // Strings, run in the page: this file is compiled for Node, without the DOM's types.
  await page.evaluate(`history.pushState({}, '', '/'); dispatchEvent(new PopStateEvent('popstate'))`);
  await page.getByLabel('Search patients').waitFor();
  await page.waitForLoadState('networkidle');
  watch.reset();
  await page.evaluate(`performance.clearMarks('chart-summary-ready'); window.benchStart = performance.now();
    history.pushState({}, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'))`);
  await page.locator('[data-summary-ready]').waitFor();
  const ms = await page.evaluate<number>(`(performance.getEntriesByName('chart-summary-ready').pop()?.startTime ?? NaN) - window.benchStart`);
  const { urls, max } = watch.take();
  return { ms, calls: urls.length, maxInFlight: max, urls };
}

export async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  // The test fixtures pick the store from this variable when they are first loaded.
  process.env.CONTINUUM_TEST_BACKEND = args.backend;
  const { createTestDatabase } = await import('../packages/server/test/fixtures/backend.ts');
  const { clientCredentialsToken, TEST_CLIENT } = await import('../packages/server/test/fixtures/server.ts');
  const { configFromEnv } = await import('../packages/server/src/config.ts');
  const { startServer } = await import('../packages/server/src/server.ts');
  const { silentProgress } = await import('../packages/server/src/seed/progress.ts');
  const { DEMO_PASSWORD } = await import('../packages/server/src/seed/demo-accounts.ts');
  const { Repository } = await import('../packages/server/src/store/repository.ts');
  const { createIndexer } = await import('../packages/server/src/store/indexer.ts');

  const built = spawnSync(process.execPath, [join(ROOT, 'packages/web/scripts/ensure-build.mjs')], { stdio: 'inherit' });
  assert.equal(built.status, 0, 'the web app builds');
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'continuum-chart-bench-'));
  const config = configFromEnv({ PORT: '1', CONTINUUM_DATA_DIR: dataDir, CONTINUUM_BOOTSTRAP_CLIENT_ID: TEST_CLIENT.id, CONTINUUM_BOOTSTRAP_CLIENT_SECRET: TEST_CLIENT.secret });
  config.port = 0;
  config.host = '127.0.0.1';
  const running = await startServer(config, { db: database.db, log: () => undefined, demoPatients: 2, demoProgress: silentProgress, announce: () => undefined });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    await running.demo;
    const origin = running.url;
    const token = await clientCredentialsToken(origin, TEST_CLIENT);
    const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${origin}/fhir/${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const json = (await res.json()) as Record<string, unknown>;
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
      return json;
    };

    // One patient per size, through the API; the count is the API's, not the generator's.
    const patients: { size: number; id: string; resources: number; seedSeconds: number }[] = [];
    for (const size of args.sizes) {
      const started = performance.now();
      const resources = chartPatient(size, String(size));
      const patient = (await api('POST', 'Patient', resources[0])) as unknown as Resource;
      for (const bundle of chartBundles(resources, patient.id!)) await api('POST', '', bundle);
      let count = 1;
      for (const type of new Set(resources.slice(1).map((r) => r.resourceType))) {
        count += Number((await api('GET', `${type}?patient=${patient.id}&_summary=count`)).total);
      }
      patients.push({ size, id: patient.id!, resources: count, seedSeconds: (performance.now() - started) / 1000 });
      process.stdout.write(`  seeded a patient of ${count} resources in ${round((performance.now() - started) / 1000)} s\n`);
    }

    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.getByLabel('User name').fill('demo.physician');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Search patients').waitFor();
    const watch = watchRequests(page);

    // The ceiling: the statements the search engine runs for each request, captured once.
    const captured: Statement[] = [];
    const db = database.db;
    const recording = new Proxy(db, {
      get(target, key, receiver) {
        if (key === 'query') {
          return (sql: string, params: unknown[] = [], opts?: unknown) => {
            captured.push({ sql, params });
            return (target.query as (...a: unknown[]) => Promise<unknown>)(sql, params, opts);
          };
        }
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const repo = new Repository({ db: recording, indexer: createIndexer() }, config.defaultTenant);
    const statementsOf = async (url: string): Promise<Statement[]> => {
      const u = new URL(url);
      const type = u.pathname.slice('/fhir/'.length);
      const params = [...u.searchParams].filter(([k]) => k !== '_count');
      const req = parseSearch(type, params, createIndexer().registry);
      captured.length = 0;
      await repo.search(req, { count: Number(u.searchParams.get('_count') ?? 20) });
      return [...captured];
    };

    const results: SizeResult[] = [];
    for (const p of patients) {
      const path = `/patients/${p.id}/summary`;
      await openInApp(page, path, watch); // warm-up: caches, JIT, planner statistics
      const opens: Open[] = [];
      for (let i = 0; i < args.runs; i++) opens.push(await openInApp(page, path, watch));
      const banner = await page.getByRole('region', { name: 'Patient banner' }).innerText();
      assert.ok(banner.includes(`Benchmark${p.size}`) && banner.includes('DNR'), 'the chart shown is the seeded patient');

      const cold: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await page.goto(`${origin}${path}`);
        await page.locator('[data-summary-ready]').waitFor();
        cold.push(performance.now() - t);
      }

      const perRequest: Statement[][] = [];
      for (const url of opens[0]!.urls) perRequest.push(await statementsOf(url));
      if (process.env.BENCH_DEBUG) {
        for (const list of perRequest) {
          for (const st of list) {
            const t = performance.now();
            await db.query(st.sql, st.params);
            process.stdout.write(`    ${round(performance.now() - t)} ms  ${st.sql.slice(0, 160).replace(/\s+/g, ' ')}\n`);
          }
        }
      }
      const ceiling: number[] = [];
      for (let i = 0; i < args.runs + 1; i++) {
        const t = performance.now();
        await Promise.all(perRequest.map(async (list) => {
          for (const s of list) await db.query(s.sql, s.params);
        }));
        if (i > 0) ceiling.push(performance.now() - t);
      }
      const warm = median(opens.map((o) => o.ms));
      results.push({
        resources: p.resources, warmMs: round(warm), warmRuns: opens.map((o) => round(o.ms)), coldMs: round(median(cold)),
        apiCalls: median(opens.map((o) => o.calls)), maxInFlight: median(opens.map((o) => o.maxInFlight)),
        ceilingMs: round(median(ceiling)), ratio: round(warm / median(ceiling)),
        requests: opens[0]!.urls.map((u) => decodeURIComponent(new URL(u).pathname + new URL(u).search)),
      });
    }
    await context.close();

    const lines = [
      `chart-open on ${args.backend}, ${args.runs} runs each (medians), Chromium ${browser.version()}`,
      'resources | warm open ms | cold load ms | API calls | in flight | DB ceiling ms | warm / ceiling',
      ...results.map((r) => `${String(r.resources).padStart(9)} | ${String(r.warmMs).padStart(12)} | ${String(r.coldMs).padStart(12)} | ${String(r.apiCalls).padStart(9)} | ${String(r.maxInFlight).padStart(9)} | ${String(r.ceilingMs).padStart(13)} | ${r.ratio}x`),
      `requests per open: ${results[0]?.requests.join('  ') ?? ''}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `chart-open-${args.backend}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ suite: 'chart-open', backend: args.backend, machine: machine(), runs: args.runs, patients, results }, null, 2)}\n`);
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await browser.close();
    await running.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
