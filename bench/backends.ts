/**
 * The two backends a benchmark can run on, each as a throwaway store: a fresh PostgreSQL
 * database on the local server (dropped afterwards) or a temporary PGlite data folder (removed
 * afterwards). A kept store (`--population-db NAME`) is instead the database
 * `continuum_pop_NAME` or the folder bench/.populations/NAME, created when missing and never
 * dropped, so a seeded population survives between runs. Each gives the environment for the
 * server child and, for the ceiling, a direct connection to the same database: a pg pool for
 * PostgreSQL, or PGlite opened in this process once the server has stopped (only one process
 * may open a PGlite folder).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';

export type BackendName = 'postgres' | 'pglite';

/** A direct connection: `name` asks PostgreSQL to prepare the statement once per connection. */
export interface DirectDb {
  query(sql: string, params?: unknown[], name?: string): Promise<unknown[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface Backend {
  name: BackendName;
  /** Kept between runs (`--population-db`): where it lives, for reports. */
  kept?: string;
  serverEnv: Record<string, string>;
  connect(poolSize: number): Promise<DirectDb>;
  /** PostgreSQL: the pids of the backends serving this database now (for CPU accounting). */
  serverPids(): Promise<number[]>;
  dispose(): Promise<void>;
}

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Kept population names become part of a database name and a folder name. */
export const KEPT_NAME = /^[a-z0-9_]{1,40}$/;

/** `keep`: a kept store of that name (created if missing, never dropped) instead of a throwaway one. */
export async function createBackend(name: BackendName, keep?: string): Promise<Backend> {
  if (keep !== undefined && !KEPT_NAME.test(keep)) throw new Error(`--population-db must be 1-40 lower-case letters, digits or '_', got '${keep}'`);
  return name === 'postgres' ? createPostgres(keep) : createPglite(keep);
}

async function createPostgres(keep?: string): Promise<Backend> {
  const dbName = keep !== undefined ? `continuum_pop_${keep}` : `continuum_bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rows.length > 0;
    if (!exists) await admin.query(`CREATE DATABASE ${dbName}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  return {
    name: 'postgres',
    ...(keep !== undefined ? { kept: `PostgreSQL database ${dbName}` } : {}),
    serverEnv: { DATABASE_URL: url.toString() },
    async connect(poolSize) {
      const pool = new pg.Pool({ connectionString: url.toString(), max: poolSize });
      pool.on('error', () => undefined); // the drop at the end may terminate idle clients
      return {
        query: async (text, values = [], stmtName) => (await pool.query({ text, values, ...(stmtName ? { name: stmtName } : {}) })).rows,
        exec: async (sql) => void (await pool.query(sql)),
        close: () => pool.end(),
      };
    },
    async serverPids() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      const res = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]);
      await c.end();
      return res.rows.map((r) => r.pid);
    },
    async dispose() {
      if (keep !== undefined) return;
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Where kept PGlite populations live (git-ignored). */
export const KEPT_PGLITE_DIR = fileURLToPath(new URL('.populations', import.meta.url));

async function createPglite(keep?: string): Promise<Backend> {
  let dataDir: string;
  if (keep !== undefined) {
    dataDir = join(KEPT_PGLITE_DIR, keep);
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'continuum-bench-'));
  }
  return {
    name: 'pglite',
    ...(keep !== undefined ? { kept: `PGlite folder ${dataDir}` } : {}),
    serverEnv: { CONTINUUM_DATA_DIR: dataDir },
    async connect() {
      // The server keeps its cluster in <data dir>/pgdata (see packages/server/src/db/open.ts), and
      // loads pg_trgm (its trigram indexes must be usable here too) and works in UTC.
      const db = await PGlite.create({ dataDir: join(dataDir, 'pgdata'), extensions: { pg_trgm } });
      await db.exec("SET TIME ZONE 'UTC'");
      return {
        query: async (sql, params = []) => (await db.query(sql, params)).rows,
        exec: async (sql) => void (await db.exec(sql)),
        close: () => db.close(),
      };
    },
    serverPids: async () => [], // PGlite runs inside the server (or the bench) process
    async dispose() {
      if (keep === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
