/**
 * `npm run bench -- audit-append [--entries 8000] [--batches 1,4,8,16] [--patients 1]` (or
 * `node --import tsx bench/audit-append.ts ...`): what one durable audit append costs on the local
 * PostgreSQL, by batch size, and what the database's own commit of the same rows costs.
 *
 * For each batch size, `--entries` entries are appended through the real AuditRepository
 * (the hash chain, the head's compare-and-set and the insert, one commit per batch) on one
 * connection, one batch after another. Printed per entry: the wall time of a batch divided by its
 * size, the PostgreSQL backend's CPU (user + system, from /proc: the server must be on this
 * machine) and this process's CPU (building, hashing, serialising, the driver). With `--patients 1`
 * (the default) each entry is a read naming one patient; with more, a search naming that many
 * (the US Core search mix averages about 10, a name search 44). Ceiling, in the
 * same run and database: each batch's entries as one JSON text in one row of a plain table (no
 * indexes, no chain, no head, stored like audit_batch's rows), inserted and committed per batch,
 * which is the least a durable append of that batch could cost. The ratio is ceiling CPU over
 * trail CPU.
 *
 * Why it exists: it is the measurement behind docs/security.md's account of what audit costs a
 * read. One database, created and dropped by the run. Synthetic entries only.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { AuditRepository } from '../packages/server/src/audit/audit-repository.ts';
import { auditFields, type AuditContent } from '../packages/server/src/audit/types.ts';
import type { Database } from '../packages/server/src/db/database.ts';
import { openStoreDatabase } from '../packages/server/src/store/open-store.ts';

const SERVER = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

interface Figures {
  wallPerEntryUs: number;
  pgCpuPerEntryUs: number;
  clientCpuPerEntryUs: number;
}

/** The backend's CPU in microseconds (utime + stime, in clock ticks of 10 ms). */
function backendCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function measure(db: Database, pid: number, entries: number, batch: number, patients: number, append: (rows: AuditContent[]) => Promise<void>): Promise<Figures> {
  const rows = Array.from({ length: entries }, (_, i) => {
    // A read names its one patient; a search (patients > 1) names every patient it returned.
    const named = Array.from({ length: patients }, (_, k) => `6f1c0a52-0000-4000-8000-${String((i * 7919 + k * 104_729) % 10_000).padStart(12, '0')}`);
    return auditFields(
      patients === 1
        ? { tenant: 'default', action: 'read', outcome: 'success', userId: 'u-1', username: 'bench', fhirUser: 'Practitioner/p-1', role: 'physician', clientId: 'bench-app', patients: named, resource: `Patient/${named[0]}`, sourceIp: '127.0.0.1', detail: 'GET 200' }
        : { tenant: 'default', action: 'search', outcome: 'success', userId: 'u-1', username: 'bench', fhirUser: 'Practitioner/p-1', role: 'physician', clientId: 'bench-app', patients: named, resource: 'Observation', query: 'patient=x&code=y', sourceIp: '127.0.0.1', detail: 'GET 200' },
      new Date(),
    );
  });
  const pg0 = backendCpuUs(pid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < entries; i += batch) await append(rows.slice(i, i + batch));
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallPerEntryUs: (wall * 1000) / entries, pgCpuPerEntryUs: (backendCpuUs(pid) - pg0) / entries, clientCpuPerEntryUs: (cpu.user + cpu.system) / entries };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { entries: { type: 'string', default: '8000' }, batches: { type: 'string', default: '1,4,8,16' }, patients: { type: 'string', default: '1' } } });
  const patients = Number(values.patients);
  if (!Number.isInteger(patients) || patients < 1 || patients > 1000) throw new Error('--patients must be an integer from 1 to 1000');
  const entries = Number(values.entries);
  const batches = values.batches.split(',').map(Number);
  if (!Number.isInteger(entries) || entries < 16 || batches.some((b) => !Number.isInteger(b) || b < 1 || b > 500)) throw new Error('--entries must be an integer of at least 16, --batches integers from 1 to 500');
  const name = `continuum_bench_audit_${process.pid}`;
  const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const db = await openStoreDatabase({ databaseUrl: `${SERVER}/${name}`, dataDir: '', poolSize: 1 });
    try {
      await db.exec('CREATE TABLE bench_audit_ceiling (entries text NOT NULL) WITH (toast_tuple_target = 8160)');
      const pid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const repo = new AuditRepository(db);
      process.stdout.write(`audit append on PostgreSQL (${SERVER}), ${entries} entries per measurement naming ${patients} patient(s) each, one connection, one commit per batch\n\n`);
      process.stdout.write('| batch | trail: wall / entry | trail: PostgreSQL CPU / entry | trail: client CPU / entry | ceiling: PostgreSQL CPU / entry | ceiling: client CPU / entry | ratio (ceiling CPU / trail CPU) |\n|---|---|---|---|---|---|---|\n');
      for (const batch of batches) {
        const trail = await measure(db, pid, entries, batch, patients, (rows) => repo.append(0, rows));
        const ceiling = await measure(db, pid, entries, batch, patients, async (rows) => {
          await db.query('INSERT INTO bench_audit_ceiling (entries) VALUES ($1)', [JSON.stringify(rows)]);
        });
        const ratio = (ceiling.pgCpuPerEntryUs + ceiling.clientCpuPerEntryUs) / (trail.pgCpuPerEntryUs + trail.clientCpuPerEntryUs);
        const us = (n: number): string => `${n.toFixed(1)} µs`;
        process.stdout.write(`| ${batch} | ${us(trail.wallPerEntryUs)} | ${us(trail.pgCpuPerEntryUs)} | ${us(trail.clientCpuPerEntryUs)} | ${us(ceiling.pgCpuPerEntryUs)} | ${us(ceiling.clientCpuPerEntryUs)} | ${ratio.toFixed(2)} |\n`);
      }
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`audit-append: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
