/**
 * `npm run bench -- <suites|all|scale|populate|compare> [options]`: the benchmark CLI. For each backend and
 * suite it makes a throwaway database, starts the server as a child process, seeds, warms up and
 * measures at the given concurrency; then it stops the server, connects to the same database
 * directly and measures the database ceiling the same way, so every figure comes with a ratio.
 * `--population N` first loads N synthetic patients with the real seeder into one database per
 * backend, which all the given suites then share (read, update and mixed use the seeded ids).
 * `--workers N` runs the server as `start --workers N`; `scale` runs read, create and mixed on
 * PostgreSQL with 1 worker and then N (default 2), without ceilings, and prints them side by side.
 * `search` (the US Core search mix) and `everything` (deep paging, one request at a time) need a
 * population; `--population-db NAME` keeps it between runs, and `populate` only seeds it.
 * `compare` prints result files side by side. Results go to the console and to
 * bench/results/<suite>-<backend>-<timestamp>.json. See bench/README.md for what each suite measures.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, type Backend, type BackendName } from './backends.ts';
import { compareResults } from './compare.ts';
import { cpuMeter } from './cpu.ts';
import { HttpClient, runLoad, type Task } from './load.ts';
import { loadPopulation, populationFigures, type Population } from './population.ts';
import { figures, machine, medianOf, printReport, writeReport, type Figures, type SuiteReport } from './report.ts';
import { startServer, type ServerProcess } from './server-process.ts';
import { runEverything, type EverythingFigures } from './everything-suite.ts';
import { prepareSearchSuite } from './search-suite.ts';
import { prepareSuite, SUITES, type RunProbe, type SuiteName } from './suites.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results');

/** Suites measured under closed-loop load with a ceiling: those of suites.ts, and search. */
type LoadSuite = SuiteName | 'search';
/** Every suite the CLI runs; `everything` times single requests instead. */
type BenchSuite = LoadSuite | 'everything';
const BENCH_SUITES: readonly BenchSuite[] = [...SUITES, 'search', 'everything'];
/** Suites that sample a seeded population, so they need `--population`. */
const NEED_POPULATION: readonly BenchSuite[] = ['search', 'everything'];

interface Options {
  /** Authorization and audit on the server (the default); off measures what they cost. */
  auth: boolean;
  suites: BenchSuite[];
  backends: BackendName[];
  concurrency: number;
  duration: number;
  warmup: number;
  repeat: number;
  profile: boolean;
  ceiling: boolean;
  workers: number;
  /** `scale`: compare 1 worker with `workers`. */
  scale: boolean;
  /** Synthetic patients to seed first (0: none; each suite then makes its own database and data). */
  population: number;
  /** `--population-db NAME`: keep the seeded population in a named store and reuse it next time. */
  populationDb?: string;
  /** `everything`: requests per measured page (one at a time). */
  samples: number;
}

const USAGE = `Usage: npm run bench -- <read|create|ingest|mixed|update|search|everything|all|scale|populate|suite,suite,...> [--backend postgres|pglite|both]
       [--concurrency 16] [--duration 10] [--warmup 3] [--repeat 1] [--profile] [--no-ceiling] [--workers 1] [--population N] [--population-db NAME]
       [--auth on|off]   (off: the server runs with CONTINUUM_AUTH=off, to measure what authorization and audit cost)
       npm run bench -- compare <result.json> <result.json> ...`;

/** `all`: the suites that need no population. */
const ALL: readonly BenchSuite[] = ['read', 'create', 'ingest', 'mixed', 'update'];

/** Suites that write into the database they run on (a kept population keeps what they wrote). */
const WRITING: readonly BenchSuite[] = ['create', 'ingest', 'mixed', 'update', 'everything'];

function parseArgs(argv: string[]): Options {
  const [suite = '', ...rest] = argv;
  const opt = (name: string, fallback: string): string => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 && rest[i + 1] !== undefined ? rest[i + 1]! : fallback;
  };
  const num = (name: string, fallback: number): number => {
    const n = Number(opt(name, String(fallback)));
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
    return n;
  };
  const scale = suite === 'scale';
  // `populate`: only seed (or check) the population, measure nothing: for a kept population.
  const populate = suite === 'populate';
  const listed = suite.split(',');
  if (suite !== 'all' && !scale && !populate && !listed.every((s) => BENCH_SUITES.includes(s as BenchSuite))) throw new Error(USAGE);
  const population = Math.floor(num('population', 0));
  if (scale && population > 0) throw new Error('--population is not supported with scale');
  const populationDb = opt('population-db', '');
  if (populationDb && population === 0) throw new Error('--population-db needs --population N');
  if (populate && population === 0) throw new Error('populate needs --population N');
  const needy = listed.filter((s) => NEED_POPULATION.includes(s as BenchSuite));
  if (needy.length > 0 && population === 0) throw new Error(`${needy.join(', ')} need(s) a seeded population: add --population N (and --population-db NAME to keep it)`);
  const backend = scale ? 'postgres' : opt('backend', 'both');
  if (!['postgres', 'pglite', 'both'].includes(backend)) throw new Error(USAGE);
  const workers = Math.max(1, Math.floor(num('workers', scale ? 2 : 1)));
  if (workers > 1 && backend !== 'postgres') throw new Error('--workers needs --backend postgres: PGlite has one writer');
  return {
    suites: scale ? ['read', 'create', 'mixed'] : populate ? [] : suite === 'all' ? [...ALL] : (listed as BenchSuite[]),
    backends: backend === 'both' ? ['postgres', 'pglite'] : [backend as BackendName],
    concurrency: Math.max(1, Math.floor(num('concurrency', 16))),
    duration: num('duration', 10),
    warmup: num('warmup', 3),
    repeat: Math.max(1, Math.floor(num('repeat', 1))),
    profile: rest.includes('--profile'),
    ceiling: !scale && !rest.includes('--no-ceiling'),
    workers,
    scale,
    population,
    ...(populationDb ? { populationDb } : {}),
    samples: Math.max(1, Math.floor(num('samples', 20))),
    auth: opt('auth', 'on') !== 'off',
  };
}

/** Warm-up, then `repeat` measured runs; `probe` figures of each measured run go to `probed`. */
async function measure(
  o: Options,
  label: string,
  task: Task,
  pids: { server?: number; database: () => Promise<number[]> },
  probe?: RunProbe,
  probed: unknown[] = [],
): Promise<Figures[]> {
  if (o.warmup > 0) {
    probe?.start();
    await runLoad(o.concurrency, o.warmup, task);
  }
  const runs: Figures[] = [];
  for (let i = 0; i < o.repeat; i++) {
    const cpu = cpuMeter(pids.server, await pids.database());
    probe?.start();
    const load = await runLoad(o.concurrency, o.duration, task);
    if (probe) probed.push(probe.end());
    runs.push(figures(load, cpu()));
    process.stdout.write(`  ${label} run ${i + 1}/${o.repeat}: ${runs[i]!.rate}/s, p50 ${runs[i]!.p50} ms, errors ${runs[i]!.errors}\n`);
  }
  return runs;
}

/** A database loaded with a population, shared by every suite of a run on one backend. */
interface Shared {
  backend: Backend;
  population: Population;
}

async function runSuite(o: Options, suite: LoadSuite, backendName: BackendName, shared?: Shared): Promise<SuiteReport> {
  const startedAt = new Date().toISOString();
  process.stdout.write(`\n== ${suite} on ${backendName}${shared ? `, population ${shared.population.patients}` : ''} ==\n`);
  const backend = shared?.backend ?? (await createBackend(backendName));
  let server: ServerProcess | undefined;
  try {
    // The search values come straight from the database, before a PGlite server holds its folder.
    const early = suite === 'search' ? await prepareSearchSuite(backend) : undefined;
    const nodeArgs = o.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles')}`] : [];
    server = await startServer(ROOT, { ...backend.serverEnv, ...(o.auth ? {} : { CONTINUUM_AUTH: 'off' }) }, nodeArgs, o.workers > 1 ? ['--workers', String(o.workers)] : []);
    const http = new HttpClient('127.0.0.1', server.port, o.concurrency);
    await server.authorize(http);
    const prepared = early ?? (await prepareSuite(suite as SuiteName, http, shared?.population.ids));
    const probed = { continuum: [] as unknown[], ceiling: [] as unknown[] };
    const runs = await measure(o, 'continuum', prepared.task(http), { server: server.pid, database: () => backend.serverPids() }, prepared.probe, probed.continuum);
    const serverRssMiB = server.rssMiB();
    http.close();
    await server.stop();
    server = undefined;

    let ceilingRuns: Figures[] = [];
    if (o.ceiling) {
      const db = await backend.connect(o.concurrency);
      try {
        ceilingRuns = await measure(o, 'ceiling', await prepared.ceiling(db), { database: () => backend.serverPids() }, prepared.probe, probed.ceiling);
      } finally {
        await db.close();
      }
    }
    const c = medianOf(runs);
    const d = ceilingRuns.length > 0 ? medianOf(ceilingRuns) : { ...c, rate: 0 };
    const extra = prepared.finish ? await prepared.finish({ continuumRuns: probed.continuum, ceilingRuns: probed.ceiling, backend }) : undefined;
    return {
      suite,
      backend: backendName,
      unit: prepared.unit,
      target: backendName === 'postgres' ? prepared.target : Math.round(prepared.target / 3),
      ...(backendName === 'postgres' && prepared.p95Target ? { p95Target: prepared.p95Target } : {}),
      settings: { auth: o.auth, concurrency: o.concurrency, duration: o.duration, warmup: o.warmup, repeat: o.repeat, profile: o.profile, workers: o.workers, population: o.population },
      population: populationFigures(shared?.population),
      continuum: { median: c, runs, serverRssMiB },
      ceiling: { median: d, runs: ceilingRuns, method: ceilingMethod(suite, backendName, o.concurrency) },
      ratio: d.rate > 0 ? c.rate / d.rate : 0,
      ...(extra ? { details: extra.details, detailsText: extra.text } : {}),
      startedAt,
    };
  } finally {
    await server?.stop();
    if (!shared) await backend.dispose();
  }
}

interface EverythingRow {
  backend: BackendName;
  patients: number;
  walks: EverythingFigures['walks'];
}

async function runEverythingAndReport(o: Options, backendName: BackendName, shared: Shared): Promise<EverythingRow> {
  const startedAt = new Date().toISOString();
  const { backend, population } = shared;
  process.stdout.write(`\n== everything on ${backendName}, population ${population.patients} ==\n`);
  const nodeArgs = o.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles')}`] : [];
  const start = (): Promise<ServerProcess> => startServer(ROOT, { ...backend.serverEnv, ...(o.auth ? {} : { CONTINUUM_AUTH: 'off' }) }, nodeArgs, o.workers > 1 ? ['--workers', String(o.workers)] : []);
  const { text, ...figures } = await runEverything({ backend, start, samples: o.samples, ceiling: o.ceiling });
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  process.stdout.write(`\n[everything / ${backendName} / population ${n(population.patients)} patients, ${n(population.resources)} resources]\n${text}`);
  const settings = { samples: o.samples, ceiling: o.ceiling, workers: o.workers, population: o.population };
  const file = writeReport(RESULTS, { suite: 'everything', backend: backendName, startedAt, settings, population: populationFigures(population), ...figures });
  process.stdout.write(`  -> ${file}\n`);
  return { backend: backendName, patients: population.patients, walks: figures.walks };
}

async function runAndReport(o: Options, suite: LoadSuite, backend: BackendName, shared?: Shared): Promise<SuiteReport> {
  const r = await runSuite(o, suite, backend, shared);
  printReport(r);
  process.stdout.write(`  -> ${writeReport(RESULTS, r)}\n`);
  return r;
}

/** `scale`: each suite with 1 worker, then with `o.workers`, on PostgreSQL; one table at the end. */
async function runScale(o: Options): Promise<void> {
  const m = machine();
  process.stdout.write(`Continuum bench scale: ${String(m.cpus)} x ${String(m.cpuModel)}, ${String(m.totalMemoryMiB)} MiB, node ${String(m.node)}\n`);
  process.stdout.write(`suites ${o.suites.join(',')}; postgres; 1 vs ${o.workers} workers; concurrency ${o.concurrency}, ${o.duration} s (+${o.warmup} s warm-up) x ${o.repeat}\n`);
  const rows: SuiteReport[][] = [];
  for (const suite of o.suites) {
    const pair: SuiteReport[] = [];
    for (const workers of [1, o.workers]) pair.push(await runAndReport({ ...o, workers }, suite as LoadSuite, 'postgres'));
    rows.push(pair);
  }
  process.stdout.write('\n| suite | workers | req/s | vs 1 | p50 / p95 / p99 ms | cores: server / postgres / load gen / machine | server CPU ms/req | RSS MiB | errors |\n|---|---|---|---|---|---|---|---|---|\n');
  for (const pair of rows) {
    const base = pair[0]!.continuum.median.rate;
    for (const r of pair) {
      const c = r.continuum.median;
      const cpu = c.cpu;
      const cores = cpu ? `${cpu.serverCores} / ${cpu.databaseCores} / ${cpu.loadGeneratorCores} / ${cpu.machineCores}` : '-';
      const perReq = cpu && c.requestsPerSecond > 0 ? ((cpu.serverCores * 1000) / c.requestsPerSecond).toFixed(2) : '-';
      process.stdout.write(
        `| ${r.suite} | ${String(r.settings.workers)} | ${c.rate} | ${base > 0 ? (c.rate / base).toFixed(2) : '-'} | ${c.p50} / ${c.p95} / ${c.p99} | ${cores} | ${perReq} | ${r.continuum.serverRssMiB} | ${c.errors} |\n`,
      );
    }
  }
  if (rows.flat().some((r) => r.continuum.median.errors > 0)) process.exitCode = 1;
}

function ceilingMethod(suite: LoadSuite, backend: BackendName, concurrency: number): string {
  const statements = suite === 'search' ? 'unnamed statements, planned for each execution' : 'named prepared statements';
  const conn = backend === 'postgres' ? `pg pool of ${concurrency}, ${statements}` : 'PGlite opened in the bench process';
  const what = {
    read: 'PK lookup SELECT content FROM resource WHERE tenant_id, resource_type, id',
    create: 'single-row INSERT into a LIKE resource INCLUDING ALL scratch table (GIN index included)',
    ingest: 'INSERT ... SELECT FROM unnest of 100 rows per statement into the scratch table',
    mixed: '80% PK lookups, 20% single-row INSERTs into the scratch table',
    update: 'single-row UPDATE of content, version_id and last_updated (WHERE PK AND version_id) of copies of the same rows in the scratch table',
    search: 'each search as one hand-written SELECT of the first page (51 rows by rid, content included) with rid IN (index-table subqueries), same values, same rotation',
  }[suite];
  return `${what}; ${concurrency} concurrent workers; ${conn}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'compare') return void process.stdout.write(compareResults(argv.slice(1), RESULTS));
  const o = parseArgs(argv);
  if (o.scale) return runScale(o);
  const m = machine();
  process.stdout.write(`Continuum bench: ${String(m.cpus)} x ${String(m.cpuModel)}, ${String(m.totalMemoryMiB)} MiB, node ${String(m.node)}\n`);
  process.stdout.write(
    `suites ${o.suites.join(',')}; backends ${o.backends.join(',')}; population ${o.population > 0 ? `${o.population} patients (seed 'bench')` : 'none'}; ` +
      `concurrency ${o.concurrency}, ${o.duration} s (+${o.warmup} s warm-up) x ${o.repeat}\n`,
  );
  const reports: SuiteReport[] = [];
  const seeded: { backend: BackendName; population: Population }[] = [];
  const everything: EverythingRow[] = [];
  for (const name of o.backends) {
    if (o.population === 0) {
      for (const suite of o.suites) reports.push(await runAndReport(o, suite as LoadSuite, name));
      continue;
    }
    process.stdout.write(`\n== population on ${name} ==\n`);
    const backend = await createBackend(name, o.populationDb);
    try {
      const population = await loadPopulation(ROOT, backend, o.population);
      seeded.push({ backend: name, population });
      const writers = o.suites.filter((s) => WRITING.includes(s));
      if (backend.kept && writers.length > 0) {
        process.stdout.write(`  note: ${writers.join(', ')} will write into the kept population (${backend.kept}); later runs will see those resources too\n`);
      }
      for (const suite of o.suites) {
        if (suite === 'everything') everything.push(await runEverythingAndReport(o, name, { backend, population }));
        else reports.push(await runAndReport(o, suite, name, { backend, population }));
      }
    } finally {
      await backend.dispose();
    }
  }
  if (seeded.length > 0) {
    process.stdout.write('\n| backend | patients | resources | seeding s (child) | resources/s | seeder\'s own s | kept |\n|---|---|---|---|---|---|---|\n');
    for (const { backend, population: p } of seeded) {
      const kept = p.kept ? `${p.kept}${p.reused ? ' (reused)' : ''}${p.codeChanged ? ' (seeded by other code: see the warning)' : ''}` : '-';
      process.stdout.write(`| ${backend} | ${p.patients} | ${p.resources} | ${p.seedSeconds} | ${p.reused ? '-' : p.seedRate} | ${p.seederSeconds ?? '-'} | ${kept} |\n`);
    }
  }
  if (everything.length > 0) {
    process.stdout.write('\n| everything | backend | population | page 1 ms | deepest page | its ms | deepest / page 1 |\n|---|---|---|---|---|---|---|\n');
    for (const e of everything) {
      for (const w of e.walks) {
        const first = w.pages[0];
        const deep = w.pages[w.pages.length - 1];
        process.stdout.write(`| ${w.name} | ${e.backend} | ${e.patients} | ${w.unavailable ? 'not available' : (first?.median ?? '-')} | ${deep?.page ?? '-'} | ${deep?.median ?? '-'} | ${w.deepRatio || '-'} |\n`);
      }
    }
  }
  if (reports.length === 0) return;
  process.stdout.write('\n| suite | backend | population | continuum | ceiling | ratio | p50 / p95 / p99 ms | errors | RSS MiB | target |\n|---|---|---|---|---|---|---|---|---|---|\n');
  for (const r of reports) {
    const c = r.continuum.median;
    process.stdout.write(
      `| ${r.suite} | ${r.backend} | ${r.population ? r.population.patients : '-'} | ${c.rate} ${r.unit} | ${r.ceiling.median.rate} | ${r.ratio.toFixed(2)} | ${c.p50} / ${c.p95} / ${c.p99} | ${c.errors} | ${r.continuum.serverRssMiB} | ${r.target > 0 ? `${r.target} ${c.rate >= r.target ? 'met' : 'MISSED'}` : '-'}${r.p95Target ? `, p95 < ${r.p95Target} ms ${c.p95 < r.p95Target ? 'met' : 'MISSED'}` : ''} |\n`,
    );
  }
  if (reports.some((r) => r.continuum.median.errors > 0 || r.ceiling.median.errors > 0)) process.exitCode = 1;
}

// `chart-open` times the web app's chart in Chromium: its own runner (bench/chart-open.ts).
// `cds-order-sign` times the order-sign CDS hook over HTTP: its own runner (bench/cds-order-sign.ts).
// `matching` times the patient matcher, scoring and blocking: its own runner (bench/matching.ts).
// `audit-append` times one durable audit append by batch size: its own runner (bench/audit-append.ts).
// `auth-cost` compares reads with and without authorization and audit, alternated: bench/auth-cost.ts.
const entry =
  process.argv[2] === 'chart-open'
    ? import('./chart-open.ts').then((m) => m.main(process.argv.slice(3)))
    : process.argv[2] === 'cds-order-sign'
      ? import('./cds-order-sign.ts').then((m) => m.main(process.argv.slice(3)))
      : process.argv[2] === 'matching'
        ? import('./matching.ts').then((m) => m.main(process.argv.slice(3)))
        : process.argv[2] === 'audit-append'
          ? import('./audit-append.ts').then((m) => m.main(process.argv.slice(3)))
          : process.argv[2] === 'auth-cost'
            ? import('./auth-cost.ts').then((m) => m.main(process.argv.slice(3)))
            : main();
entry.catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
