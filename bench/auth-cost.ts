/**
 * `npm run bench -- auth-cost [--clients 16,32,64,128,192] [--rounds 5] [--duration 5] [--warmup 2]`:
 * what authorization and audit cost a read, measured as issue 5 states its target (authenticated
 * read throughput at least 80% of unauthenticated), on the local PostgreSQL.
 *
 * Two servers run side by side, each on its own throwaway database with the same 1,000 Patients
 * (the `read` suite's data): one with CONTINUUM_AUTH=off, one as shipped (a bootstrap system token,
 * scope checks, and each read's audit entry durable before its response). Only one of them is
 * under load at a time. For every number of closed-loop clients in `--clients`, each round
 * measures both, in the order off-on in even rounds and on-off in odd ones, so the machine's drift
 * (a third within minutes on the shared machines) falls on both alike.
 *
 * Printed per client count: the median rate and p50 of each, their ratio, every round's paired
 * ratio, and CPU per request (server, PostgreSQL). Then **throughput**, each configuration's
 * highest median rate over the client counts (its capacity), and the ratio of the two. A closed
 * loop of few clients measures latency rather than capacity: every authenticated read waits for
 * its entry's commit (the issue requires it), so at low client counts the ratio shows what that
 * wait does to each client, and at the peak what the server can serve. Both are reported; the
 * ceiling of this bench is the unauthenticated server itself, measured in the same run.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend, type Backend } from './backends.ts';
import { cpuMeter } from './cpu.ts';
import { HttpClient, runLoad, type Task } from './load.ts';
import { figures, machine, medianOf, writeReport, type Figures } from './report.ts';
import { startServer, type ServerProcess } from './server-process.ts';
import { prepareSuite } from './suites.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results');

type Mode = 'off' | 'on';

interface Side {
  mode: Mode;
  backend: Backend;
  server: ServerProcess;
  http: HttpClient;
  task: Task;
}

async function startSide(mode: Mode, sockets: number): Promise<Side> {
  const backend = await createBackend('postgres');
  let server: ServerProcess | undefined;
  try {
    server = await startServer(ROOT, { ...backend.serverEnv, ...(mode === 'off' ? { CONTINUUM_AUTH: 'off' } : {}) });
    const http = new HttpClient('127.0.0.1', server.port, sockets);
    await server.authorize(http);
    const prepared = await prepareSuite('read', http);
    return { mode, backend, server, http, task: prepared.task(http) };
  } catch (err) {
    // A server that started but could not be prepared must not outlive the bench.
    await server?.stop();
    await backend.dispose();
    throw err;
  }
}

async function stopSide(side: Side | undefined): Promise<void> {
  if (!side) return;
  side.http.close();
  await side.server.stop();
  await side.backend.dispose();
}

async function run(side: Side, clients: number, warmup: number, duration: number): Promise<Figures> {
  if (warmup > 0) await runLoad(clients, warmup, side.task);
  const cpu = cpuMeter(side.server.pid, await side.backend.serverPids());
  const f = figures(await runLoad(clients, duration, side.task), cpu());
  if (f.errors > 0) throw new Error(`auth ${side.mode}, ${clients} clients: ${f.errors} errors (first: ${f.firstError ?? '?'})`);
  return f;
}

const perRequest = (cores: number | undefined, f: Figures): string =>
  cores !== undefined && f.requestsPerSecond > 0 ? ((cores * 1000) / f.requestsPerSecond).toFixed(3) : '-';

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { clients: { type: 'string', default: '16,32,64,128,192' }, rounds: { type: 'string', default: '5' }, duration: { type: 'string', default: '5' }, warmup: { type: 'string', default: '2' } },
  });
  const clients = values.clients.split(',').map(Number);
  const rounds = Number(values.rounds);
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);
  if (clients.some((c) => !Number.isInteger(c) || c < 1) || !Number.isInteger(rounds) || rounds < 1 || !(duration > 0) || !(warmup >= 0)) {
    throw new Error('usage: npm run bench -- auth-cost [--clients 16,32,64,128,192] [--rounds 5] [--duration 5] [--warmup 2]');
  }
  const m = machine();
  process.stdout.write(`Continuum bench auth-cost: ${String(m.cpus)} x ${String(m.cpuModel)}, ${String(m.totalMemoryMiB)} MiB, node ${String(m.node)}\n`);
  process.stdout.write(`read of 1,000 Patients on postgres; clients ${clients.join(', ')}; ${rounds} rounds of ${duration} s (+${warmup} s warm-up) per side\n`);
  const startedAt = new Date().toISOString();
  const sockets = Math.max(...clients);
  let off: Side | undefined;
  let on: Side | undefined;
  try {
    off = await startSide('off', sockets);
    on = await startSide('on', sockets);
    const sides = { off, on };
    const runs = new Map<number, Record<Mode, Figures[]>>(clients.map((c) => [c, { off: [], on: [] }]));
    for (let r = 0; r < rounds; r++) {
      for (const c of clients) {
        const order: Mode[] = r % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
        for (const mode of order) {
          const f = await run(sides[mode], c, warmup, duration);
          runs.get(c)![mode].push(f);
          process.stdout.write(`  round ${r + 1}/${rounds}, ${c} clients, auth ${mode}: ${f.rate}/s, p50 ${f.p50} ms\n`);
        }
      }
    }

    const rows = clients.map((c) => {
      const x = runs.get(c)!;
      const paired = x.on.map((f, i) => f.rate / x.off[i]!.rate);
      return { clients: c, off: medianOf(x.off), on: medianOf(x.on), paired };
    });
    process.stdout.write(
      '\n| clients | auth off req/s | auth on req/s | on / off | each round | p50 off / on ms | server CPU ms/req off / on | PostgreSQL CPU ms/req off / on | machine cores busy off / on |\n|---|---|---|---|---|---|---|---|---|\n',
    );
    const ms = (x: number): string => x.toFixed(2);
    for (const row of rows) {
      const { off: a, on: b } = row;
      process.stdout.write(
        `| ${row.clients} | ${Math.round(a.rate)} | ${Math.round(b.rate)} | ${(b.rate / a.rate).toFixed(2)} | ${row.paired.map((p) => p.toFixed(2)).join(', ')} | ${ms(a.p50)} / ${ms(b.p50)} | ` +
          `${perRequest(a.cpu?.serverCores, a)} / ${perRequest(b.cpu?.serverCores, b)} | ${perRequest(a.cpu?.databaseCores, a)} / ${perRequest(b.cpu?.databaseCores, b)} | ${a.cpu?.machineCores ?? '-'} / ${b.cpu?.machineCores ?? '-'} |\n`,
      );
    }
    const peak = (mode: Mode): { rate: number; clients: number } => rows.reduce((best, row) => (row[mode].rate > best.rate ? { rate: row[mode].rate, clients: row.clients } : best), { rate: 0, clients: 0 });
    const peakOff = peak('off');
    const peakOn = peak('on');
    const throughputRatio = peakOn.rate / peakOff.rate;
    process.stdout.write(
      `\nthroughput (highest median over the client counts): auth off ${Math.round(peakOff.rate)} req/s at ${peakOff.clients} clients, ` +
        `auth on ${Math.round(peakOn.rate)} req/s at ${peakOn.clients} clients; on / off ${throughputRatio.toFixed(2)} (target 0.80: ${throughputRatio >= 0.8 ? 'met' : 'MISSED'})\n`,
    );
    const file = writeReport(RESULTS, {
      suite: 'auth-cost',
      backend: 'postgres',
      startedAt,
      settings: { clients, rounds, duration, warmup },
      rows: rows.map((row) => ({ ...row, ratio: row.on.rate / row.off.rate, runs: runs.get(row.clients) })),
      throughput: { off: peakOff, on: peakOn, ratio: throughputRatio },
    });
    process.stdout.write(`  -> ${file}\n`);
  } finally {
    await stopSide(on);
    await stopSide(off);
  }
}
