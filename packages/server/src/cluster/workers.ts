/**
 * The `--workers N` setting of `continuum start`: how many app processes to run on one port, and
 * how the PostgreSQL connection budget is split between them. It decides; it starts nothing
 * (primary.ts does). PGlite is refused for N > 1 because an embedded database has exactly one
 * writer: only one process may open its data folder.
 */
import type { Config } from '../config.ts';

/** Parses `--workers`; 1 when absent. Throws a readable error for bad values or PGlite. */
export function workerCount(raw: string | undefined, config: Pick<Config, 'databaseUrl'>): number {
  if (raw === undefined) return 1;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1) throw new Error(`--workers must be a positive integer, got '${raw}'`);
  const n = Number(raw);
  if (n > 1 && !config.databaseUrl) {
    throw new Error(
      `--workers ${n} needs PostgreSQL: set DATABASE_URL. The embedded PGlite database has one writer, so only one process may open its data folder; run without --workers.`,
    );
  }
  return n;
}

/**
 * Connections each worker's pool may open. CONTINUUM_DB_POOL is the budget of one `start`
 * command (one host), so N workers share it instead of multiplying it: 20 connections serve a
 * 2-core host whatever N is, and hosts x budget is what must stay under max_connections.
 * Each worker keeps at least 2, so one long transaction cannot starve its health check.
 */
export function workerPoolSize(budget: number, workers: number): number {
  return Math.max(2, Math.ceil(budget / workers));
}
