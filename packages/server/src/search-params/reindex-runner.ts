/**
 * Runs reindex jobs inside a server process (or the CLI): claims one, then works through it in
 * batches until it is done, the runner stops, or it loses the job to another runner.
 *
 * A batch reads the next resources after the job's cursor and computes their index rows with
 * the tenant's current parameters, outside any lock. Then one transaction takes the tenant's
 * fence exclusively (so no write interleaves), checks that the parameters did not change since
 * (else the batch is redone with the new ones) and that the job is still this runner's, replaces
 * the index rows of every resource still at the version read (one changed meanwhile was written
 * behind the fence with current parameters already), and records the cursor. The last batch marks
 * the job done and bumps the tenant's generation, which is what makes its parameters searchable.
 * A finished job then has the planner's statistics refreshed for the index tables it rewrote
 * (PGlite has no autovacuum, and PostgreSQL's would come later), before the runner moves on.
 */
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import type { Database } from '../db/database.ts';
import type { TableAnalyzer } from '../db/statistics.ts';
import { REINDEXED_TABLES, replaceIndexRows } from '../store/writer.ts';
import { bumpGeneration, fenceGeneration } from './param-store.ts';
import type { SearchParamProvider, TenantIndexer } from './provider.ts';
import { claimJob, failJob, lockJob, recordBatch, releaseJob, type ReindexJob } from './reindex-jobs.ts';
import { currentVersionsByRid, jobRange, nextBatch, type JobRange } from './reindex-scan.ts';

export interface RunnerDeps {
  db: Database;
  searchParams: SearchParamProvider;
  /** Refreshes planner statistics on the index tables once a job is done. */
  statistics?: TableAnalyzer;
  log?: (line: string) => void;
}

export interface RunnerOptions {
  /** How long a claim lasts without a batch renewing it (default 30 s). */
  leaseSeconds?: number;
  /** Seconds between looks for runnable jobs when idle (default 5). */
  pollSeconds?: number;
  /** Failed attempts before a job is marked failed (default 3). */
  maxAttempts?: number;
}

export interface RunOptions {
  /** Claim this job only. */
  jobId?: string;
  /** Stop after this many batches (the job stays runnable from its cursor). */
  maxBatches?: number;
  signal?: AbortSignal;
  onBatch?: (job: ReindexJob) => void;
  /** Give the lease up when stopping early (default true); false leaves it to lapse, as a crash would. */
  release?: boolean;
}

/** The job was taken over by another runner (this one's lease lapsed). */
class LostJob extends Error {}

const MAX_REDOS = 20;

export class ReindexRunner {
  readonly id = randomUUID();
  readonly #deps: RunnerDeps;
  readonly #lease: number;
  readonly #poll: number;
  readonly #maxAttempts: number;
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(deps: RunnerDeps, opts: RunnerOptions = {}) {
    this.#deps = deps;
    this.#lease = opts.leaseSeconds ?? 30;
    this.#poll = opts.pollSeconds ?? 5;
    this.#maxAttempts = opts.maxAttempts ?? 3;
  }

  get leaseSeconds(): number {
    return this.#lease;
  }

  /** Runs jobs in the background until `close`. */
  start(): void {
    this.#loop ??= this.#runLoop();
  }

  /** Looks for a job now instead of at the next poll. */
  kick(): void {
    this.#wake?.();
  }

  /** Stops after the current batch and gives its job's lease up. */
  async close(): Promise<void> {
    this.#stop.abort();
    this.kick();
    await this.#loop;
  }

  /** Claims a runnable job (or `opts.jobId`) and runs it; undefined when there was none to claim. */
  async runNext(opts: RunOptions = {}): Promise<ReindexJob | undefined> {
    if (this.#stop.signal.aborted) return undefined;
    const job = await claimJob(this.#deps.db, this.id, this.#lease, opts.jobId);
    return job && this.run(job, opts);
  }

  /** Runs a job this runner holds, until done or stopped; returns its last state. */
  async run(job: ReindexJob, opts: RunOptions = {}): Promise<ReindexJob> {
    let current = job;
    let batches = 0;
    try {
      while (current.status === 'running') {
        if (opts.signal?.aborted || this.#stop.signal.aborted) break;
        if (opts.maxBatches !== undefined && batches >= opts.maxBatches) break;
        current = await this.#batch(current);
        batches++;
        opts.onBatch?.(current);
        // PGlite answers without real I/O: let requests in between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      if (err instanceof LostJob) return current;
      const e = err as { name?: string; code?: string; message?: string };
      this.#deps.log?.(`reindex: job ${current.id} batch failed (${e.name ?? 'Error'} ${e.code ?? ''})`);
      // A database error's message can quote stored values; keep only its SQLSTATE.
      const error = e.code ? `database error ${e.code}` : `${e.name ?? 'Error'}: ${e.message ?? ''}`;
      return (await failJob(this.#deps.db, current.id, this.id, error, this.#maxAttempts)) ?? current;
    }
    if (current.status === 'running' && opts.release !== false) await releaseJob(this.#deps.db, current.id, this.id);
    if (current.status === 'done') await this.#analyze();
    return current;
  }

  /** The job is done whatever happens here: a failed analysis is only logged. */
  async #analyze(): Promise<void> {
    try {
      await this.#deps.statistics?.analyze({ tables: REINDEXED_TABLES });
    } catch (err) {
      this.#deps.log?.(`reindex: could not refresh statistics (${err instanceof Error ? err.name : 'error'})`);
    }
  }

  async #batch(job: ReindexJob): Promise<ReindexJob> {
    const { db, searchParams } = this.#deps;
    for (let redo = 0; redo < MAX_REDOS; redo++) {
      let range: JobRange | undefined;
      let indexer: TenantIndexer;
      if (job.generation === undefined) {
        range = await jobRange(db, job.tenantId, job.resourceTypes);
        indexer = await searchParams.current(db, job.tenantId, range.generation);
      } else {
        indexer = await searchParams.indexerFor(job.tenantId);
      }
      const maxRid = range?.maxRid ?? job.maxRid ?? 0;
      const scanned = await nextBatch(db, job.tenantId, job.resourceTypes, job.cursor, maxRid, job.batchSize);
      const computed = scanned.map((r) => ({ ...r, ...indexer.index(JSON.parse(r.content) as Resource) }));
      const result = await db.transaction(async (tx) => {
        const generation = await fenceGeneration(tx, job.tenantId, true);
        if (generation !== indexer.params.generation || (range && range.generation !== generation)) return undefined;
        const locked = await lockJob(tx, job.id);
        if (locked?.status !== 'running' || locked.runner !== this.id) throw new LostJob();
        const versions = await currentVersionsByRid(tx, computed.map((c) => c.rid));
        await replaceIndexRows(tx, job.tenantId, computed.filter((c) => versions.get(c.rid) === c.versionId));
        const last = scanned[scanned.length - 1]?.rid ?? maxRid;
        const finished = scanned.length < job.batchSize || last >= maxRid;
        const next = await recordBatch(tx, job.id, { cursor: last, processed: scanned.length, finished, leaseSeconds: this.#lease, ...(range ? { range } : {}) });
        if (finished) await bumpGeneration(tx, job.tenantId);
        return next;
      });
      // Parameters changed (redo the batch), or the job finished (its parameters are searchable now).
      if (result?.status !== 'running') searchParams.invalidate(job.tenantId);
      if (result) return result;
    }
    throw new Error('the search parameters kept changing during the batch');
  }

  async #runLoop(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      let ran: ReindexJob | undefined;
      try {
        ran = await this.runNext({ signal: this.#stop.signal });
      } catch (err) {
        this.#deps.log?.(`reindex: could not claim a job (${err instanceof Error ? err.name : 'error'})`);
      }
      // Straight on to the next job after a finished one; otherwise wait for a kick or the poll.
      if (ran?.status === 'done') continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#poll * 1000);
        timer.unref();
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }
}
