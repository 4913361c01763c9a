/**
 * `continuum audit verify|anchor|report`: checks the audit chain (and that it passes through the
 * signed anchors given), signs the current head as an anchor to keep elsewhere, or prints the
 * audit report, on the configured database (the same CONTINUUM_DATA_DIR / DATABASE_URL as
 * `start`; with PGlite, stop the server first). Reading the report is itself audited: it shows
 * who accessed what, so it is recorded as a search of AuditEvent by the operating-system user.
 * Exit codes: 0 done (chain intact), 1 chain broken or failed, 2 usage error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Writable } from 'node:stream';
import { loadKeys, type AuthKeys } from '../auth/keys.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { openStoreDatabase } from '../store/open-store.ts';
import { AUDIT_USAGE, AuditUsageError, parseAuditArgs, type AuditArgs } from './audit-args.ts';
import { formatAuditReport } from './audit-output.ts';
import { readAnchor, signAnchor, type AuditAnchor } from './anchor.ts';
import { AuditTrail } from './audit-trail.ts';
import { AuditError } from './types.ts';

export interface AuditIo {
  stdout: Writable;
  stderr: Writable;
}

export interface AuditDeps {
  db: Database;
  tenant: string;
  io: AuditIo;
  /** The signing keys (anchors); loaded only by the actions that need them. */
  keys: () => Promise<AuthKeys>;
  /** Who runs the command, for the audit entry of a report; defaults to the operating-system user. */
  operator?: string;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

/** The anchors in the files, checked; an unreadable or invalid one is an error naming its file. */
async function anchorsFrom(files: readonly string[], keys: AuthKeys): Promise<AuditAnchor[]> {
  const anchors: AuditAnchor[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new AuditError(`the anchor file ${file} cannot be read`);
    }
    try {
      anchors.push(await readAnchor(text, keys));
    } catch (err) {
      throw new AuditError(`the anchor in ${file} is not valid: ${(err as Error).message}`);
    }
  }
  return anchors;
}

const DEFAULT_COUNT = 50;

async function auditCommand(args: AuditArgs, deps: AuditDeps): Promise<number> {
  const trail = new AuditTrail(deps.db);
  const { stdout, stderr } = deps.io;
  switch (args.action) {
    case 'verify': {
      let anchors: AuditAnchor[] = [];
      if (args.anchors !== undefined) {
        try {
          anchors = await anchorsFrom(args.anchors, await deps.keys());
        } catch (err) {
          if (!(err instanceof AuditError)) throw err;
          stderr.write(`${err.message}\n`);
          return 1;
        }
      }
      const result = await trail.verify({ anchors: anchors.flatMap((a) => a.heads) });
      if (result.ok) {
        const newest = anchors.map((a) => a.signedAt).sort().at(-1);
        const through = newest === undefined ? '' : `, through ${anchors.length} signed anchor${anchors.length === 1 ? '' : 's'} (the newest signed ${newest})`;
        stdout.write(`audit chain intact: ${result.checked} entries${through}\n`);
        return 0;
      }
      const bad = result.firstBad!;
      const id = bad.seq === undefined ? '' : ` (id ${bad.seq})`;
      stderr.write(`audit chain broken at lane ${bad.lane}, entry ${bad.pos}${id}: ${bad.reason} (${result.checked} entries before it are intact)\n`);
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
      // Recorded before the report is shown: if it cannot be recorded, nothing is disclosed.
      const filters = Object.entries({ user: args.user, patient: args.patient, from: args.from?.toISOString(), to: args.to?.toISOString(), action: args.auditAction, after: args.after, count: String(count) })
        .filter((e): e is [string, string] => e[1] !== undefined);
      await trail.record({
        tenant: args.tenant ?? deps.tenant, action: 'search', outcome: 'success', resource: 'AuditEvent',
        query: new URLSearchParams(filters).toString(), username: deps.operator ?? osUser(), role: 'operator', clientId: 'continuum-cli',
        patients: [...new Set(rows.flatMap((r) => r.patients))], detail: 'continuum audit report',
      });
      stdout.write(formatAuditReport(rows, count));
      return 0;
    }
    case 'anchor': {
      const heads = await trail.heads();
      const entries = heads.reduce((n, h) => n + BigInt(h.pos), 0n);
      const jws = await signAnchor(heads, await deps.keys());
      if (args.out === undefined) {
        stdout.write(`${jws}\n`);
        return 0;
      }
      try {
        writeFileSync(args.out, `${jws}\n`, { flag: 'wx', mode: 0o644 });
      } catch (err) {
        stderr.write(`cannot write ${args.out}: ${(err as NodeJS.ErrnoException).code === 'EEXIST' ? 'it already exists' : (err as Error).message}\n`);
        return 1;
      }
      stdout.write(`anchored ${entries} entries (${heads.length} lanes) in ${args.out}\n`);
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
    const keys = (): Promise<AuthKeys> => loadKeys({
      dataDir: config.dataDir,
      ...(config.jwksJson !== undefined ? { jwksJson: config.jwksJson } : {}),
      ...(config.jwksFile !== undefined ? { jwksFile: config.jwksFile } : {}),
    });
    return await auditCommand(args, { db, tenant: config.defaultTenant, io, keys });
  } finally {
    await db.close();
  }
}
