/**
 * PGlite adapter: PostgreSQL in WASM, stored in a data folder (or in memory for tests).
 *
 * Every statement and transaction goes through one mutex, because PGlite is a single connection:
 * a statement from another request must never land inside someone else's open transaction.
 * The one extension the schema uses, pg_trgm (trigram indexes for `:contains`), is loaded here.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Database, QueryResult, Queryable } from './database.ts';
import { Mutex } from './mutex.ts';

/**
 * `snapshot` (tests only) starts an in-memory database from a data-folder dump (PGlite's
 * `dumpDataDir`) instead of a new cluster: the tests open many databases, and a migrated dump
 * skips initdb and the migrations in each.
 */
export async function openPglite(dataDir: string | undefined, snapshot?: Blob): Promise<Database> {
  // Same value shapes as the pg adapter: timestamps and numerics as text, bigint as number.
  const parsers = { 1184: (v: string) => v, 1114: (v: string) => v, 1700: (v: string) => v, 20: (v: string) => Number(v) };
  const pg = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(snapshot ? { loadDataDir: snapshot } : {}), parsers, extensions: { pg_trgm } });
  await pg.exec("SET TIME ZONE 'UTC'");
  const mutex = new Mutex();

  const raw: Queryable = {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const res = await pg.query<Row>(sql, params as unknown[]);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await pg.exec(sql);
    },
  };

  const db: Database = {
    dialect: 'pglite',
    query: (sql, params) => mutex.run(() => raw.query(sql, params)),
    exec: (sql) => mutex.run(() => raw.exec(sql)),
    transaction: (fn) =>
      mutex.run(async () => {
        await raw.query('BEGIN');
        try {
          const out = await fn(raw);
          await raw.query('COMMIT');
          return out;
        } catch (err) {
          await raw.query('ROLLBACK');
          throw err;
        }
      }),
    // Under the mutex: LISTEN is a statement, and must not land inside another caller's transaction.
    async listen(channel, onMessage) {
      const stop = await mutex.run(() => pg.listen(channel, onMessage));
      return () => mutex.run(() => stop());
    },
    ownConnection: () => db,
    close: () => mutex.run(() => pg.close()),
  };
  return db;
}
