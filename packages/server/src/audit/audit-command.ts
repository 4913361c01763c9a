/**
 * `continuum audit verify|report`: checks the audit chain, or prints the audit report, on the
 * configured database (the same CONTINUUM_DATA_DIR / DATABASE_URL as `start`; with PGlite, stop
 * the server first). Exit codes: 0 done (chain intact), 1 chain broken or failed, 2 usage error.
 */
import type { Writable } from 'node:stream';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { openStoreDatabase } from '../store/open-store.ts';
import { AUDIT_USAGE, AuditUsageError, parseAuditArgs, type AuditArgs } from './audit-args.ts';
import { formatAuditReport } from './audit-output.ts';
import { AuditTrail } from './audit-trail.ts';

export interface AuditIo {
  stdout: Writable;
  stderr: Writable;
}

export interface AuditDeps {
  db: Database;
  tenant: string;
  io: AuditIo;
}

const DEFAULT_COUNT = 50;

async function auditCommand(args: AuditArgs, deps: AuditDeps): Promise<number> {
  const trail = new AuditTrail(deps.db);
  const { stdout, stderr } = deps.io;
  switch (args.action) {
    case 'verify': {
      const result = await trail.verify();
      if (result.ok) {
        stdout.write(`audit chain intact: ${result.checked} entries\n`);
        return 0;
      }
      const bad = result.firstBad!;
      stderr.write(`audit chain broken at entry ${bad.seq}: ${bad.reason} (${result.checked} entries before it are intact)\n`);
      return 1;
    }
    case 'report': {
      const count = args.count ?? DEFAULT_COUNT;
      const rows = await trail.search({
        tenant: args.tenant ?? deps.tenant, count,
        ...(args.user !== undefined ? { user: args.user } : {}),
        ...(args.patient !== undefined ? { patient: args.patient } : {}),
        ...(args.from !== undefined ? { from: args.from } : {}),
        ...(args.to !== undefined ? { to: args.to } : {}),
        ...(args.auditAction !== undefined ? { action: args.auditAction } : {}),
        ...(args.after !== undefined ? { after: args.after } : {}),
      });
      stdout.write(formatAuditReport(rows, count));
      return 0;
    }
    default: {
      const never: never = args.action;
      throw new Error(`unhandled action ${String(never)}`);
    }
  }
}

function parse(argv: readonly string[], io: AuditIo): AuditArgs | number {
  try {
    return parseAuditArgs(argv);
  } catch (err) {
    if (!(err instanceof AuditUsageError)) throw err;
    io.stderr.write(`continuum audit: ${err.message}\nUsage: continuum ${AUDIT_USAGE}\n`);
    return 2;
  }
}

/** The command on an open database (tests, and callers that hold one); resolves with the exit code. */
export async function runAudit(argv: readonly string[], deps: AuditDeps): Promise<number> {
  const args = parse(argv, deps.io);
  return typeof args === 'number' ? args : auditCommand(args, deps);
}

/** `continuum audit ...`: parses, opens the configured database, runs; resolves with the exit code. */
export async function runAuditCommand(argv: readonly string[], config: Config, io: AuditIo): Promise<number> {
  const args = parse(argv, io);
  if (typeof args === 'number') return args;
  const db = await openStoreDatabase({ dataDir: config.dataDir, poolSize: 2, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    return await auditCommand(args, { db, tenant: config.defaultTenant, io });
  } finally {
    await db.close();
  }
}
