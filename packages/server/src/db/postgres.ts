/**
 * PostgreSQL adapter over a pg.Pool. Several app nodes may share one server; nothing here keeps
 * per-process state beyond the pool. Timestamps and numerics come back as strings so that values
 * round-trip exactly.
 */
import pg from 'pg';
import type { Database, QueryOptions, QueryResult, Queryable } from './database.ts';
import { listenPostgres } from './pg-listen.ts';

// Keep timestamptz (1184), timestamp (1114) and numeric (1700) as text: no lossy JS Date/float.
for (const oid of [1184, 1114, 1700]) pg.types.setTypeParser(oid, (v: string) => v);
// bigint (20) as number: our bigints are sequence values far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));

export function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c TimeZone=UTC' });
  // An idle client's error (for example the server restarting) must not crash the process.
  pool.on('error', () => undefined);

  const run = async <Row>(q: pg.Pool | pg.PoolClient, sql: string, params: readonly unknown[] = [], opts?: QueryOptions): Promise<QueryResult<Row>> => {
    const res = await q.query({ text: sql, values: params as unknown[], ...(opts?.name ? { name: opts.name } : {}) });
    return { rows: res.rows as Row[], rowCount: res.rowCount ?? res.rows.length };
  };

  const own: Database[] = [];
  return {
    dialect: 'postgres',
    query: (sql, params, opts) => run(pool, sql, params, opts),
    exec: async (sql) => void (await pool.query(sql)),
    async transaction(fn) {
      const client = await pool.connect();
      const tx: Queryable = {
        query: (sql, params, opts) => run(client, sql, params, opts),
        exec: async (sql) => void (await client.query(sql)),
      };
      try {
        await client.query('BEGIN');
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    listen: (channel, onMessage, onReset) => listenPostgres(url, channel, onMessage, onReset),
    ownConnection(connections = 1) {
      const db = openPostgres(url, connections);
      own.push(db);
      return db;
    },
    async close() {
      await Promise.all(own.map((db) => db.close()));
      await pool.end();
    },
  };
}
