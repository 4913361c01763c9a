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
 * every request back for seconds. Bulk writers that bypass the write count (a reindex job) ask
 * for the tables they wrote; such a request waits for a running analysis and then runs, since
 * the running one may have sampled those tables before the bulk write.
 */
import type { Database } from './database.ts';

export interface WriteObserver {
  noteWrites(count: number): void;
}

/** What a bulk writer needs: statistics refreshed for the tables it wrote. */
export interface TableAnalyzer {
  analyze(opts: { tables: readonly string[] }): Promise<void>;
}

export interface AnalyzeOptions {
  /** Only tables never analyzed (start-up). */
  missingOnly?: boolean;
  /** Only these tables (of the current schema), after any analysis already running. */
  tables?: readonly string[];
}

const FIRST_AT = 200;
const MAX_STEP = 50_000;

export class StatisticsKeeper implements WriteObserver, TableAnalyzer {
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
   * Starts an analysis (of every table, with `missingOnly` of those never analyzed, with
   * `tables` of those only); resolves when it is done. A whole-store request while one is
   * running joins it; a `tables` request runs after it.
   */
  analyze(opts: AnalyzeOptions = {}): Promise<void> {
    if (this.running && opts.tables === undefined) return this.running;
    const current: Promise<void> = (this.running ?? Promise.resolve())
      .then(() => this.run(opts))
      .catch((err: unknown) => this.log(`statistics: ANALYZE failed (${(err as Error).name})`))
      .finally(() => {
        if (this.running === current) this.running = undefined;
      });
    this.running = current;
    return current;
  }

  private async run(opts: AnalyzeOptions): Promise<void> {
    const writtenAtStart = this.written;
    // Names come from the catalogue (as regclass text, quoted where needed), never from callers.
    const tables = await this.db.query<{ name: string }>(
      `SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname = current_schema() ${opts.missingOnly === true ? 'AND c.reltuples < 0' : ''}
         AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))
       ORDER BY c.relname`,
      [opts.tables ? [...opts.tables] : null],
    );
    for (const t of tables.rows) await this.db.exec(`ANALYZE ${t.name}`);
    // A pass over some tables leaves the write-count schedule, which is about the whole store, alone.
    if (opts.tables !== undefined) return;
    const size = await this.db.query<{ n: number }>(`SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'resource'::regclass`);
    const rows = Number(size.rows[0]?.n ?? 0);
    this.nextAt = writtenAtStart + Math.min(MAX_STEP, Math.max(FIRST_AT, writtenAtStart, Math.ceil(rows / 10)));
  }
}
