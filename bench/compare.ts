/**
 * `npm run bench -- compare <result.json> <result.json> ...`: puts result files of one suite side
 * by side, typically the same suite at 1,000 and at 10,000 patients, to show how latency grows
 * with the population. Each column is a file (headed by backend and population); the last column
 * is last / first. `compare <suite> [backend]` picks, from bench/results, the latest file of that
 * suite for each population size (PostgreSQL unless told), smallest population first. It
 * measures nothing.
 *
 * - `search`: overall req/s, p50 and p95; then p50 and p95 of each kind; and the ceiling's.
 * - `everything`: each walk's median latency per page and the deepest / page 1 ratio.
 * - any other suite: rate, p50, p95 and p99, and the ceiling's rate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface Loaded {
  file: string;
  suite: string;
  backend: string;
  population?: { patients: number; resources: number } | null;
  continuum?: { median: Record<string, number> };
  ceiling?: { median: Record<string, number> };
  details?: { byKind?: Record<string, Record<string, number>>; ceilingByKind?: Record<string, Record<string, number>> };
  walks?: { name: string; pages: { page: number; median: number }[]; deepRatio: number; unavailable?: string }[];
  patient?: { resources: number };
}

type Row = [label: string, values: (number | undefined)[]];

function load(file: string): Loaded {
  const r = JSON.parse(readFileSync(file, 'utf8')) as Loaded;
  if (typeof r.suite !== 'string' || typeof r.backend !== 'string') throw new Error(`${file} is not a bench result file`);
  return { ...r, file };
}

function rowsFor(results: Loaded[]): Row[] {
  const suite = results[0]!.suite;
  const rows: Row[] = [];
  const figure = (label: string, get: (r: Loaded) => number | undefined): void => void rows.push([label, results.map(get)]);
  if (suite === 'everything') {
    const names = [...new Set(results.flatMap((r) => (r.walks ?? []).map((w) => w.name)))];
    figure('patient resources', (r) => r.patient?.resources);
    for (const name of names) {
      const pages = [...new Set(results.flatMap((r) => r.walks?.find((w) => w.name === name)?.pages.map((p) => p.page) ?? []))].sort((a, b) => a - b);
      for (const page of pages) figure(`${name} page ${page} median ms`, (r) => r.walks?.find((w) => w.name === name)?.pages.find((p) => p.page === page)?.median);
      figure(`${name} deepest / page 1`, (r) => r.walks?.find((w) => w.name === name)?.deepRatio || undefined);
    }
    return rows;
  }
  figure('req/s', (r) => r.continuum?.median.rate);
  for (const k of ['p50', 'p95', 'p99']) figure(`${k} ms`, (r) => r.continuum?.median[k]);
  figure('ceiling req/s', (r) => r.ceiling?.median.rate || undefined);
  figure('ceiling p50 ms', (r) => r.ceiling?.median.p50);
  const kinds = [...new Set(results.flatMap((r) => Object.keys(r.details?.byKind ?? {})))];
  for (const kind of kinds) {
    for (const k of ['p50', 'p95']) figure(`${kind} ${k} ms`, (r) => r.details?.byKind?.[kind]?.[k]);
    figure(`${kind} entries/response`, (r) => r.details?.byKind?.[kind]?.resultsPerRequest);
    figure(`${kind} ceiling p50 ms`, (r) => r.details?.ceilingByKind?.[kind]?.p50);
  }
  return rows;
}

/** The latest result of `suite` on `backend` for each population size, smallest first. */
function latestPerPopulation(dir: string, suite: string, backend: string): Loaded[] {
  const prefix = `${suite}-${backend}-`;
  const latest = new Map<number, Loaded & { startedAt?: string }>();
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.json')) continue;
    const r = load(join(dir, name)) as Loaded & { startedAt?: string };
    const patients = r.population?.patients ?? 0;
    const seen = latest.get(patients);
    if (!seen || (r.startedAt ?? '') > (seen.startedAt ?? '')) latest.set(patients, r);
  }
  return [...latest.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

/** `args`: result files, or a suite name and optionally a backend. */
export function compareResults(args: readonly string[], resultsDir: string): string {
  const byName = args.length > 0 && args.length <= 2 && !args[0]!.endsWith('.json');
  const results = byName ? latestPerPopulation(resultsDir, args[0]!, args[1] ?? 'postgres') : args.map(load);
  if (results.length < 2) throw new Error(`compare needs at least two result files${byName ? ` (found ${results.length} population size(s) of '${args[0]!}' in ${resultsDir})` : ''}`);
  const suites = new Set(results.map((r) => r.suite));
  if (suites.size > 1) throw new Error(`compare takes files of one suite, got ${[...suites].join(', ')}`);
  const head = results.map((r) => `${r.backend}, ${r.population ? `${r.population.patients.toLocaleString('en-US')} patients` : 'no population'}`);
  let text = `${results[0]!.suite}: ${results.map((r) => basename(r.file)).join(' vs ')}\n\n`;
  text += `| figure | ${head.join(' | ')} | last / first |\n|---|${head.map(() => '---|').join('')}---|\n`;
  for (const [label, values] of rowsFor(results)) {
    const first = values[0];
    const last = values[values.length - 1];
    const growth = first !== undefined && last !== undefined && first > 0 ? (last / first).toFixed(2) : '-';
    text += `| ${label} | ${values.map((v) => (v === undefined ? '-' : String(v))).join(' | ')} | ${growth} |\n`;
  }
  return text;
}
