/**
 * Keeps the query planner's statistics current as data grows. Without them, PostgreSQL assumes
 * near-empty tables after a bulk load and picks nested-loop plans that turn a 2 ms search into
 * hundreds of milliseconds; PGlite has no autovacuum at all, so it would never gather them.
 *
 * Each node counts the writes it commits and runs ANALYZE in the background when the count
 * doubles (at most every 50,000 writes), plus once at start-up. ANALYZE samples a fixed number
 * of rows, so its cost does not grow with the table.
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
    if (this.written >= this.nextAt && !this.running) {
      this.nextAt = this.written + Math.min(this.written, MAX_STEP);
      void this.analyze();
    }
  }

  /** Resolves when no ANALYZE is running. */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Starts an ANALYZE unless one is running; resolves when the current one is done. */
  analyze(): Promise<void> {
    this.running ??= this.db
      .exec('ANALYZE')
      .catch((err: unknown) => this.log(`statistics: ANALYZE failed (${(err as Error).name})`))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
