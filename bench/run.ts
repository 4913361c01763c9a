/**
 * `npm run bench -- <read|create|ingest|all> [options]`: the benchmark CLI. For each backend and
 * suite it makes a throwaway database, starts the server as a child process, seeds, warms up and
 * measures at the given concurrency; then it stops the server, connects to the same database
 * directly and measures the database ceiling the same way, so every figure comes with a ratio.
 * Results go to the console and to bench/results/<suite>-<backend>-<timestamp>.json. See
 * bench/README.md for what each suite measures.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, type BackendName } from './backends.ts';
import { cpuMeter } from './cpu.ts';
import { HttpClient, runLoad, type Task } from './load.ts';
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
}

const USAGE = `Usage: npm run bench -- <read|create|ingest|all> [--backend postgres|pglite|both] [--concurrency 16]
       [--duration 10] [--warmup 3] [--repeat 1] [--profile] [--no-ceiling]`;

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
  if (suite !== 'all' && !SUITES.includes(suite as SuiteName)) throw new Error(USAGE);
  const backend = opt('backend', 'both');
  if (!['postgres', 'pglite', 'both'].includes(backend)) throw new Error(USAGE);
  return {
    suites: suite === 'all' ? [...SUITES] : [suite as SuiteName],
    backends: backend === 'both' ? ['postgres', 'pglite'] : [backend as BackendName],
    concurrency: Math.max(1, Math.floor(num('concurrency', 16))),
    duration: num('duration', 10),
    warmup: num('warmup', 3),
    repeat: Math.max(1, Math.floor(num('repeat', 1))),
    profile: rest.includes('--profile'),
    ceiling: !rest.includes('--no-ceiling'),
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

async function runSuite(o: Options, suite: SuiteName, backendName: BackendName): Promise<SuiteReport> {
  const startedAt = new Date().toISOString();
  process.stdout.write(`\n== ${suite} on ${backendName} ==\n`);
  const backend = await createBackend(backendName);
  let server: ServerProcess | undefined;
  try {
    const nodeArgs = o.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles')}`] : [];
    server = await startServer(ROOT, backend.serverEnv, nodeArgs);
    const http = new HttpClient('127.0.0.1', server.port, o.concurrency);
    const prepared = await prepareSuite(suite, http);
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
      settings: { concurrency: o.concurrency, duration: o.duration, warmup: o.warmup, repeat: o.repeat, profile: o.profile },
      continuum: { median: c, runs, serverRssMiB },
      ceiling: { median: d, runs: ceilingRuns, method: ceilingMethod(suite, backendName, o.concurrency) },
      ratio: d.rate > 0 ? c.rate / d.rate : 0,
      startedAt,
    };
  } finally {
    await server?.stop();
    await backend.dispose();
  }
}

function ceilingMethod(suite: SuiteName, backend: BackendName, concurrency: number): string {
  const conn = backend === 'postgres' ? `pg pool of ${concurrency}, named prepared statements` : 'PGlite opened in the bench process';
  const what = {
    read: 'PK lookup SELECT content FROM resource WHERE tenant_id, resource_type, id',
    create: 'single-row INSERT into a LIKE resource INCLUDING ALL scratch table (GIN index included)',
    ingest: 'INSERT ... SELECT FROM unnest of 100 rows per statement into the scratch table',
  }[suite];
  return `${what}; ${concurrency} concurrent workers; ${conn}`;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const m = machine();
  process.stdout.write(`Continuum bench: ${String(m.cpus)} x ${String(m.cpuModel)}, ${String(m.totalMemoryMiB)} MiB, node ${String(m.node)}\n`);
  process.stdout.write(`suites ${o.suites.join(',')}; backends ${o.backends.join(',')}; concurrency ${o.concurrency}, ${o.duration} s (+${o.warmup} s warm-up) x ${o.repeat}\n`);
  const reports: SuiteReport[] = [];
  for (const backend of o.backends) {
    for (const suite of o.suites) {
      const r = await runSuite(o, suite, backend);
      printReport(r);
      process.stdout.write(`  -> ${writeReport(RESULTS, r)}\n`);
      reports.push(r);
    }
  }
  process.stdout.write('\n| suite | backend | continuum | ceiling | ratio | p50 / p95 / p99 ms | errors | RSS MiB | target |\n|---|---|---|---|---|---|---|---|---|\n');
  for (const r of reports) {
    const c = r.continuum.median;
    process.stdout.write(
      `| ${r.suite} | ${r.backend} | ${c.rate} ${r.unit} | ${r.ceiling.median.rate} | ${r.ratio.toFixed(2)} | ${c.p50} / ${c.p95} / ${c.p99} | ${c.errors} | ${r.continuum.serverRssMiB} | ${r.target} ${c.rate >= r.target ? 'met' : 'MISSED'} |\n`,
    );
  }
  if (reports.some((r) => r.continuum.median.errors > 0 || r.ceiling.median.errors > 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
