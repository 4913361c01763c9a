/**
 * `npm run bench -- <read|create|ingest|mixed|update|all|scale> [options]`: the benchmark CLI. For each backend and
 * suite it makes a throwaway database, starts the server as a child process, seeds, warms up and
 * measures at the given concurrency; then it stops the server, connects to the same database
 * directly and measures the database ceiling the same way, so every figure comes with a ratio.
 * `--population N` first loads N synthetic patients with the real seeder into one database per
 * backend, which all the given suites then share (read, update and mixed use the seeded ids).
 * `--workers N` runs the server as `start --workers N`; `scale` runs read, create and mixed on
 * PostgreSQL with 1 worker and then N (default 2), without ceilings, and prints them side by side.
 * Results go to the console and to bench/results/<suite>-<backend>-<timestamp>.json. See
 * bench/README.md for what each suite measures.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, type Backend, type BackendName } from './backends.ts';
import { cpuMeter } from './cpu.ts';
import { HttpClient, runLoad, type Task } from './load.ts';
import { loadPopulation, populationFigures, type Population } from './population.ts';
import { figures, machine, medianOf, printReport, writeReport, type Figures, type SuiteReport } from './report.ts';
import { startServer, type ServerProcess } from './server-process.ts';
import { prepareSuite, SUITES, type SuiteName } from './suites.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results');

interface Options {
  suites: SuiteName[];
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
}

const USAGE = `Usage: npm run bench -- <read|create|ingest|mixed|update|all|scale|suite,suite,...> [--backend postgres|pglite|both]
       [--concurrency 16] [--duration 10] [--warmup 3] [--repeat 1] [--profile] [--no-ceiling] [--workers 1] [--population N]`;

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
  const listed = suite.split(',');
  if (suite !== 'all' && !scale && !listed.every((s) => SUITES.includes(s as SuiteName))) throw new Error(USAGE);
  const population = Math.floor(num('population', 0));
  if (scale && population > 0) throw new Error('--population is not supported with scale');
  const backend = scale ? 'postgres' : opt('backend', 'both');
  if (!['postgres', 'pglite', 'both'].includes(backend)) throw new Error(USAGE);
  const workers = Math.max(1, Math.floor(num('workers', scale ? 2 : 1)));
  if (workers > 1 && backend !== 'postgres') throw new Error('--workers needs --backend postgres: PGlite has one writer');
  return {
    suites: scale ? ['read', 'create', 'mixed'] : suite === 'all' ? [...SUITES] : (listed as SuiteName[]),
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
  };
}

async function measure(o: Options, label: string, task: Task, pids: { server?: number; database: () => Promise<number[]> }): Promise<Figures[]> {
  if (o.warmup > 0) await runLoad(o.concurrency, o.warmup, task);
  const runs: Figures[] = [];
  for (let i = 0; i < o.repeat; i++) {
    const cpu = cpuMeter(pids.server, await pids.database());
    const load = await runLoad(o.concurrency, o.duration, task);
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

async function runSuite(o: Options, suite: SuiteName, backendName: BackendName, shared?: Shared): Promise<SuiteReport> {
  const startedAt = new Date().toISOString();
  process.stdout.write(`\n== ${suite} on ${backendName}${shared ? `, population ${shared.population.patients}` : ''} ==\n`);
  const backend = shared?.backend ?? (await createBackend(backendName));
  let server: ServerProcess | undefined;
  try {
    const nodeArgs = o.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles')}`] : [];
    server = await startServer(ROOT, backend.serverEnv, nodeArgs, o.workers > 1 ? ['--workers', String(o.workers)] : []);
    const http = new HttpClient('127.0.0.1', server.port, o.concurrency);
    const prepared = await prepareSuite(suite, http, shared?.population.ids);
    const runs = await measure(o, 'continuum', prepared.task(http), { server: server.pid, database: () => backend.serverPids() });
    const serverRssMiB = server.rssMiB();
    http.close();
    await server.stop();
    server = undefined;

    let ceilingRuns: Figures[] = [];
    if (o.ceiling) {
      const db = await backend.connect(o.concurrency);
      try {
        ceilingRuns = await measure(o, 'ceiling', await prepared.ceiling(db), { database: () => backend.serverPids() });
      } finally {
        await db.close();
      }
    }
    const c = medianOf(runs);
    const d = ceilingRuns.length > 0 ? medianOf(ceilingRuns) : { ...c, rate: 0 };
    return {
      suite,
      backend: backendName,
      unit: prepared.unit,
      target: backendName === 'postgres' ? prepared.target : Math.round(prepared.target / 3),
      settings: { concurrency: o.concurrency, duration: o.duration, warmup: o.warmup, repeat: o.repeat, profile: o.profile, workers: o.workers, population: o.population },
      population: populationFigures(shared?.population),
      continuum: { median: c, runs, serverRssMiB },
      ceiling: { median: d, runs: ceilingRuns, method: ceilingMethod(suite, backendName, o.concurrency) },
      ratio: d.rate > 0 ? c.rate / d.rate : 0,
      startedAt,
    };
  } finally {
    await server?.stop();
    if (!shared) await backend.dispose();
  }
}

async function runAndReport(o: Options, suite: SuiteName, backend: BackendName, shared?: Shared): Promise<SuiteReport> {
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
    for (const workers of [1, o.workers]) pair.push(await runAndReport({ ...o, workers }, suite, 'postgres'));
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

function ceilingMethod(suite: SuiteName, backend: BackendName, concurrency: number): string {
  const conn = backend === 'postgres' ? `pg pool of ${concurrency}, named prepared statements` : 'PGlite opened in the bench process';
  const what = {
    read: 'PK lookup SELECT content FROM resource WHERE tenant_id, resource_type, id',
    create: 'single-row INSERT into a LIKE resource INCLUDING ALL scratch table (GIN index included)',
    ingest: 'INSERT ... SELECT FROM unnest of 100 rows per statement into the scratch table',
    mixed: '80% PK lookups, 20% single-row INSERTs into the scratch table',
    update: 'single-row UPDATE of content, version_id and last_updated (WHERE PK AND version_id) of copies of the same rows in the scratch table',
  }[suite];
  return `${what}; ${concurrency} concurrent workers; ${conn}`;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.scale) return runScale(o);
  const m = machine();
  process.stdout.write(`Continuum bench: ${String(m.cpus)} x ${String(m.cpuModel)}, ${String(m.totalMemoryMiB)} MiB, node ${String(m.node)}\n`);
  process.stdout.write(
    `suites ${o.suites.join(',')}; backends ${o.backends.join(',')}; population ${o.population > 0 ? `${o.population} patients (seed 'bench')` : 'none'}; ` +
      `concurrency ${o.concurrency}, ${o.duration} s (+${o.warmup} s warm-up) x ${o.repeat}\n`,
  );
  const reports: SuiteReport[] = [];
  const seeded: { backend: BackendName; population: Population }[] = [];
  for (const name of o.backends) {
    if (o.population === 0) {
      for (const suite of o.suites) reports.push(await runAndReport(o, suite, name));
      continue;
    }
    process.stdout.write(`\n== population on ${name} ==\n`);
    const backend = await createBackend(name);
    try {
      const population = await loadPopulation(ROOT, backend, o.population);
      seeded.push({ backend: name, population });
      for (const suite of o.suites) reports.push(await runAndReport(o, suite, name, { backend, population }));
    } finally {
      await backend.dispose();
    }
  }
  if (seeded.length > 0) {
    process.stdout.write('\n| backend | patients | resources | seeding s (child) | resources/s | seeder\'s own s |\n|---|---|---|---|---|---|\n');
    for (const { backend, population: p } of seeded) {
      process.stdout.write(`| ${backend} | ${p.patients} | ${p.resources} | ${p.seedSeconds} | ${p.seedRate} | ${p.seederSeconds ?? '-'} |\n`);
    }
  }
  process.stdout.write('\n| suite | backend | population | continuum | ceiling | ratio | p50 / p95 / p99 ms | errors | RSS MiB | target |\n|---|---|---|---|---|---|---|---|---|---|\n');
  for (const r of reports) {
    const c = r.continuum.median;
    process.stdout.write(
      `| ${r.suite} | ${r.backend} | ${r.population ? r.population.patients : '-'} | ${c.rate} ${r.unit} | ${r.ceiling.median.rate} | ${r.ratio.toFixed(2)} | ${c.p50} / ${c.p95} / ${c.p99} | ${c.errors} | ${r.continuum.serverRssMiB} | ${r.target > 0 ? `${r.target} ${c.rate >= r.target ? 'met' : 'MISSED'}` : '-'} |\n`,
    );
  }
  if (reports.some((r) => r.continuum.median.errors > 0 || r.ceiling.median.errors > 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
