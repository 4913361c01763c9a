/**
 * Keeps the query planner's statistics current as data grows. Without them, PostgreSQL assumes
 * near-empty tables after a bulk load and picks nested-loop plans that turn a 2 ms search into
 * hundreds of milliseconds; PGlite has no autovacuum at all, so it would never gather them.
 *
 * Each node counts the writes it commits and, in the background, analyzes when the count passes
 * a threshold: 200 writes at first, then doubling, but never sooner than a tenth of the rows the
 * store held at the last analysis (at most 50,000 writes apart), so a large store is not
 * re-analyzed for a handful of writes. At start-up only tables that were never analyzed are.
 * ANALYZE samples a fixed number of rows, so its cost does not grow with the table; it runs one
 * table per statement, because PGlite has one connection and a whole-database ANALYZE would hold
 * every request back for seconds.
 */
import type { Database } from './database.ts';

export interface WriteObserver {
  noteWrites(count: number): void;
}

const FIRST_AT = 200;
const MAX_STEP = 50_000;

export class StatisticsKeeper implements WriteObserver {
  private written = 0;
  private nextAt = FIRST_AT;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  noteWrites(count: number): void {
    this.written += count;
    if (this.written >= this.nextAt && !this.running) void this.analyze();
  }

  /** Resolves when no ANALYZE is running. */
  async settled(): Promise<void> {
    await this.running;
  }

  /**
   * Starts an analysis unless one is running (of every table, or with `missingOnly` of those
   * never analyzed); resolves when the current one is done.
   */
  analyze(opts: { missingOnly?: boolean } = {}): Promise<void> {
    this.running ??= this.run(opts.missingOnly === true)
      .catch((err: unknown) => this.log(`statistics: ANALYZE failed (${(err as Error).name})`))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async run(missingOnly: boolean): Promise<void> {
    const writtenAtStart = this.written;
    const tables = await this.db.query<{ name: string }>(
      `SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname = current_schema() ${missingOnly ? 'AND c.reltuples < 0' : ''}
       ORDER BY c.relname`,
    );
    for (const t of tables.rows) await this.db.exec(`ANALYZE ${t.name}`);
    const size = await this.db.query<{ n: number }>(`SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'resource'::regclass`);
    const rows = Number(size.rows[0]?.n ?? 0);
    this.nextAt = writtenAtStart + Math.min(MAX_STEP, Math.max(FIRST_AT, writtenAtStart, Math.ceil(rows / 10)));
  }
}
