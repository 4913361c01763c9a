/**
 * The two backends a benchmark can run on, each as a throwaway store: a fresh PostgreSQL
 * database on the local server (dropped afterwards) or a temporary PGlite data folder (removed
 * afterwards). Each gives the environment for the server child and, for the ceiling, a direct
 * connection to the same database: a pg pool for PostgreSQL, or PGlite opened in this process
 * once the server has stopped (only one process may open a PGlite folder).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
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
  serverEnv: Record<string, string>;
  connect(poolSize: number): Promise<DirectDb>;
  /** PostgreSQL: the pids of the backends serving this database now (for CPU accounting). */
  serverPids(): Promise<number[]>;
  dispose(): Promise<void>;
}

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createBackend(name: BackendName): Promise<Backend> {
  return name === 'postgres' ? createPostgres() : createPglite();
}

async function createPostgres(): Promise<Backend> {
  const dbName = `continuum_bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  return {
    name: 'postgres',
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
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function createPglite(): Promise<Backend> {
  const dataDir = mkdtempSync(join(tmpdir(), 'continuum-bench-'));
  return {
    name: 'pglite',
    serverEnv: { CONTINUUM_DATA_DIR: dataDir },
    async connect() {
      // The server keeps its cluster in <data dir>/pgdata (see packages/server/src/db/open.ts).
      const db = await PGlite.create({ dataDir: join(dataDir, 'pgdata') });
      return {
        query: async (sql, params = []) => (await db.query(sql, params)).rows,
        exec: async (sql) => void (await db.exec(sql)),
        close: () => db.close(),
      };
    },
    serverPids: async () => [], // PGlite runs inside the server (or the bench) process
    async dispose() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
