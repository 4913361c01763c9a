/**
 * The `reindex_job` table: creating, claiming, advancing and reading reindex jobs. This is the
 * only code that touches it (see migration 004_reindex.sql for the columns).
 *
 * A runner claims a job with a lease (`SELECT ... FOR UPDATE SKIP LOCKED`, so of several nodes
 * only one gets it) and renews the lease with every batch; a job whose runner died keeps its
 * cursor and is claimed again once the lease lapses.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface ReindexJob {
  id: string;
  tenantId: string;
  /** undefined: every resource type. */
  resourceTypes: string[] | undefined;
  status: JobStatus;
  batchSize: number;
  /** The parameters' generation at its first batch; undefined before. */
  generation: number | undefined;
  maxRid: number | undefined;
  /** The last rid done. */
  cursor: number;
  done: number;
  total: number | undefined;
  attempts: number;
  runner: string | undefined;
  createdAt: Date;
  startedAt: Date | undefined;
  updatedAt: Date;
  finishedAt: Date | undefined;
  error: string | undefined;
}

interface Row {
  id: string;
  tenant_id: string;
  resource_types: string[] | null;
  status: JobStatus;
  batch_size: number;
  generation: string | number | null;
  max_rid: string | number | null;
  cursor_rid: string | number;
  done: string | number;
  total: string | number | null;
  attempts: number;
  runner: string | null;
  created_ms: number;
  started_ms: number | null;
  updated_ms: number;
  finished_ms: number | null;
  error: string | null;
}

const COLUMNS = `id, tenant_id, resource_types, status, batch_size, generation, max_rid, cursor_rid, done, total, attempts, runner,
  extract(epoch FROM created_at)::float8 * 1000 AS created_ms, extract(epoch FROM started_at)::float8 * 1000 AS started_ms,
  extract(epoch FROM updated_at)::float8 * 1000 AS updated_ms, extract(epoch FROM finished_at)::float8 * 1000 AS finished_ms, error`;

const num = (v: string | number | null): number | undefined => (v === null ? undefined : Number(v));
const date = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(Number(ms)));

function toJob(r: Row): ReindexJob {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    resourceTypes: r.resource_types ?? undefined,
    status: r.status,
    batchSize: Number(r.batch_size),
    generation: num(r.generation),
    maxRid: num(r.max_rid),
    cursor: Number(r.cursor_rid),
    done: Number(r.done),
    total: num(r.total),
    attempts: Number(r.attempts),
    runner: r.runner ?? undefined,
    createdAt: new Date(Number(r.created_ms)),
    startedAt: date(r.started_ms),
    updatedAt: new Date(Number(r.updated_ms)),
    finishedAt: date(r.finished_ms),
    error: r.error ?? undefined,
  };
}

export interface NewJob {
  tenantId: string;
  resourceTypes: readonly string[] | undefined;
  batchSize: number;
  /** Claim it at once for this runner (the CLI runs the job it creates). */
  runner?: { id: string; leaseSeconds: number };
}

export async function createJob(q: Queryable, job: NewJob): Promise<ReindexJob> {
  const res = await q.query<Row>(
    `INSERT INTO reindex_job (id, tenant_id, resource_types, batch_size, status, runner, lease_until, started_at)
     VALUES ($1, $2, $3, $4, CASE WHEN $5::text IS NULL THEN 'queued' ELSE 'running' END, $5,
             CASE WHEN $5::text IS NULL THEN NULL ELSE now() + make_interval(secs => $6) END,
             CASE WHEN $5::text IS NULL THEN NULL ELSE now() END)
     RETURNING ${COLUMNS}`,
    [randomUUID(), job.tenantId, job.resourceTypes ? [...job.resourceTypes] : null, job.batchSize, job.runner?.id ?? null, job.runner?.leaseSeconds ?? 0],
  );
  return toJob(res.rows[0]!);
}

/** Claims the oldest runnable job (or job `jobId`): queued, or running with a lapsed lease. */
export async function claimJob(q: Queryable, runner: string, leaseSeconds: number, jobId?: string): Promise<ReindexJob | undefined> {
  const res = await q.query<Row>(
    `UPDATE reindex_job SET status = 'running', runner = $1, lease_until = now() + make_interval(secs => $2),
       started_at = coalesce(started_at, now()), updated_at = now()
     WHERE id = (SELECT id FROM reindex_job
                 WHERE status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < now()) AND ($3::text IS NULL OR id = $3)
                 ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [runner, leaseSeconds, jobId ?? null],
  );
  return res.rows[0] ? toJob(res.rows[0]) : undefined;
}

export async function readJob(q: Queryable, tenantId: string, id: string): Promise<ReindexJob | undefined> {
  const res = await q.query<Row>(`SELECT ${COLUMNS} FROM reindex_job WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return res.rows[0] ? toJob(res.rows[0]) : undefined;
}

/** Inside a batch's transaction: the job row, locked to commit. */
export async function lockJob(q: Queryable, id: string): Promise<ReindexJob | undefined> {
  const res = await q.query<Row>(`SELECT ${COLUMNS} FROM reindex_job WHERE id = $1 FOR UPDATE`, [id]);
  return res.rows[0] ? toJob(res.rows[0]) : undefined;
}

export interface BatchRecord {
  cursor: number;
  processed: number;
  finished: boolean;
  leaseSeconds: number;
  /** Set by the first batch: the range the job covers. */
  range?: { generation: number; maxRid: number; total: number };
}

/** Records a committed batch on the batch's own transaction, and renews the lease. */
export async function recordBatch(q: Queryable, id: string, b: BatchRecord): Promise<ReindexJob> {
  const res = await q.query<Row>(
    `UPDATE reindex_job SET cursor_rid = $2, done = done + $3, updated_at = now(),
       generation = coalesce(generation, $5), max_rid = coalesce(max_rid, $6), total = coalesce(total, $7),
       status = CASE WHEN $4 THEN 'done' ELSE status END,
       finished_at = CASE WHEN $4 THEN now() END,
       runner = CASE WHEN $4 THEN NULL ELSE runner END,
       lease_until = CASE WHEN $4 THEN NULL ELSE now() + make_interval(secs => $8) END
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, b.cursor, b.processed, b.finished, b.range?.generation ?? null, b.range?.maxRid ?? null, b.range?.total ?? null, b.leaseSeconds],
  );
  return toJob(res.rows[0]!);
}

/** Gives up the lease (the runner stops), so that another runner need not wait for it to lapse. */
export async function releaseJob(q: Queryable, id: string, runner: string): Promise<void> {
  await q.query('UPDATE reindex_job SET lease_until = NULL, runner = NULL, updated_at = now() WHERE id = $1 AND runner = $2', [id, runner]);
}

/** Records a failed attempt; after `maxAttempts` the job is `failed`, else it is left to be claimed again. */
export async function failJob(q: Queryable, id: string, runner: string, error: string, maxAttempts: number): Promise<ReindexJob | undefined> {
  const res = await q.query<Row>(
    `UPDATE reindex_job SET attempts = attempts + 1, error = $3, updated_at = now(), lease_until = NULL, runner = NULL,
       status = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE status END,
       finished_at = CASE WHEN attempts + 1 >= $4 THEN now() END
     WHERE id = $1 AND runner = $2 RETURNING ${COLUMNS}`,
    [id, runner, error.slice(0, 500), maxAttempts],
  );
  return res.rows[0] ? toJob(res.rows[0]) : undefined;
}

/** Makes a failed job runnable again (the CLI's `--job`), keeping its cursor. */
export async function retryJob(q: Queryable, tenantId: string, id: string): Promise<void> {
  await q.query(`UPDATE reindex_job SET status = 'running', attempts = 0, error = NULL, finished_at = NULL WHERE tenant_id = $1 AND id = $2 AND status = 'failed'`, [
    tenantId,
    id,
  ]);
}
