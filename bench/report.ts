/**
 * Turns load results into figures and writes them down: the median over repeated runs, the
 * one-line console summary (`continuum X/s | database ceiling Y/s | ratio`), and a JSON file per
 * suite and backend under bench/results/ with the machine, the settings and every run's
 * figures. It measures nothing itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { CpuShare } from './cpu.ts';
import { percentile, type LoadResult } from './load.ts';

export interface Figures {
  rate: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  errors: number;
  firstError?: string;
  /** Cores busy on average during the run (server child, load generator, whole machine). */
  cpu?: CpuShare;
}

export function figures(r: LoadResult, cpu?: CpuShare): Figures {
  const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
  return {
    rate: round(r.units / r.seconds, 0),
    requestsPerSecond: round(r.requests / r.seconds, 0),
    p50: round(percentile(r.latencies, 50)),
    p95: round(percentile(r.latencies, 95)),
    p99: round(percentile(r.latencies, 99)),
    requests: r.requests,
    errors: r.errors,
    ...(r.firstError ? { firstError: r.firstError } : {}),
    ...(cpu ? { cpu } : {}),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The median of each figure separately over repeated runs; errors are summed, not averaged. */
export function medianOf(runs: Figures[]): Figures {
  const m = (k: 'rate' | 'requestsPerSecond' | 'p50' | 'p95' | 'p99'): number => median(runs.map((r) => r[k]));
  const firstError = runs.find((r) => r.firstError)?.firstError;
  const cpus = runs.map((r) => r.cpu).filter((c): c is CpuShare => c !== undefined);
  const cpu = (k: keyof CpuShare): number => median(cpus.map((c) => c[k]));
  return {
    rate: m('rate'),
    requestsPerSecond: m('requestsPerSecond'),
    p50: m('p50'),
    p95: m('p95'),
    p99: m('p99'),
    requests: runs.reduce((n, r) => n + r.requests, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    ...(firstError ? { firstError } : {}),
    ...(cpus.length > 0 ? { cpu: { serverCores: cpu('serverCores'), databaseCores: cpu('databaseCores'), loadGeneratorCores: cpu('loadGeneratorCores'), machineCores: cpu('machineCores') } } : {}),
  };
}

/** Cores busy, and CPU milliseconds per request: robust to a shared machine, unlike rates. */
function cpuText(f: Figures): string {
  if (!f.cpu) return '';
  const perReq = (cores: number): string => (f.requestsPerSecond > 0 ? ` (${((cores * 1000) / f.requestsPerSecond).toFixed(2)} ms/req)` : '');
  // Medians of two runs are means of two figures: round them as the figures are.
  const c = (cores: number): string => String(Math.round(cores * 100) / 100);
  const server = f.cpu.serverCores > 0 ? `server ${c(f.cpu.serverCores)}${perReq(f.cpu.serverCores)}, ` : '';
  const db = f.cpu.databaseCores > 0 ? `postgres ${c(f.cpu.databaseCores)}${perReq(f.cpu.databaseCores)}, ` : '';
  return `; cores busy: ${server}${db}load generator ${c(f.cpu.loadGeneratorCores)}, machine ${c(f.cpu.machineCores)}`;
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export interface SuiteReport {
  suite: string;
  backend: string;
  unit: string;
  target: number;
  /** p95 latency target in ms, if the suite has one on this backend. */
  p95Target?: number;
  settings: Record<string, unknown>;
  continuum: { median: Figures; runs: Figures[]; serverRssMiB: number };
  ceiling: { median: Figures; runs: Figures[]; method: string };
  ratio: number;
  /** A suite's own figures (search: by kind, and EXPLAIN plans) and their console text. */
  details?: Record<string, unknown>;
  detailsText?: string;
  /** The seeded population the suite ran on (`--population`), or null. */
  population?: { patients: number; kept?: string; reused: boolean; codeChanged?: boolean; resources: number; seedSeconds: number; seedRate: number; seederSeconds: number | null } | null;
  startedAt: string;
}

export function printReport(r: SuiteReport): void {
  const c = r.continuum.median;
  const d = r.ceiling.median;
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  process.stdout.write(
    `\n[${r.suite} / ${r.backend}${r.population ? ` / population ${n(r.population.patients)} patients, ${n(r.population.resources)} resources` : ''}] continuum ${n(c.rate)} ${r.unit} | database ceiling ${n(d.rate)} ${r.unit} | ratio ${r.ratio.toFixed(2)}\n` +
      `  continuum latency p50 ${c.p50} ms, p95 ${c.p95} ms, p99 ${c.p99} ms; ${c.requests} requests, errors ${c.errors}` +
      `${c.firstError ? ` (first: ${c.firstError})` : ''}; server RSS ${r.continuum.serverRssMiB} MiB${cpuText(c)}\n` +
      (r.ceiling.runs.length > 0
        ? `  ceiling   latency p50 ${d.p50} ms, p95 ${d.p95} ms, p99 ${d.p99} ms; errors ${d.errors}${d.firstError ? ` (first: ${d.firstError})` : ''}${cpuText(d)}\n`
        : '') +
      (r.target > 0 ? `  target ${n(r.target)} ${r.unit}: ${c.rate >= r.target ? 'met' : 'MISSED'}\n` : '') +
      (r.p95Target ? `  target p95 < ${r.p95Target} ms: ${c.p95 < r.p95Target ? 'met' : 'MISSED'}\n` : '') +
      (r.detailsText ?? ''),
  );
}

/** Writes `<suite>-<backend>[-w<N>]-<timestamp>.json` with the machine first; returns its path. */
export function writeReport<R extends { suite: string; backend: string; startedAt: string; settings: Record<string, unknown> }>(dir: string, r: R): string {
  mkdirSync(dir, { recursive: true });
  const workers = Number(r.settings.workers ?? 1) > 1 ? `-w${String(r.settings.workers)}` : '';
  const file = join(dir, `${r.suite}-${r.backend}${workers}-${r.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ machine: machine(), ...r }, null, 2) + '\n');
  return file;
}
