/**
 * Opens the configured backend and brings its schema up to date. PostgreSQL when a URL is given,
 * otherwise PGlite in the data folder (or in memory when the folder is `:memory:`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export interface DatabaseConfig {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** Code-generated routines to (re)install after migrations. */
  routines?: readonly string[];
  /** Tests only: the in-memory PGlite starts from this data-folder dump (see openPglite). */
  snapshot?: Blob;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  let db: Database;
  if (config.databaseUrl) {
    db = openPostgres(config.databaseUrl, config.poolSize ?? 20);
  } else if (config.dataDir === ':memory:') {
    db = await openPglite(undefined, config.snapshot);
  } else {
    const dir = join(config.dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
    db = await openPglite(dir);
  }
  try {
    await migrate(db, undefined, config.routines ?? []);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}
