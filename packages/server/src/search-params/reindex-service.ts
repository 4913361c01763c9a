/**
 * What the API needs of reindexing: queue a job (and wake this node's runner, if it has one;
 * otherwise another node's runner claims it at its next poll) and read a job's progress.
 */
import type { Database } from '../db/database.ts';
import { createJob, readJob, type ReindexJob } from './reindex-jobs.ts';
import type { ReindexRunner } from './reindex-runner.ts';

export const DEFAULT_BATCH_SIZE = 250;
export const MAX_BATCH_SIZE = 10_000;

export interface ReindexRequest {
  /** undefined: every resource type. */
  resourceTypes?: readonly string[];
  batchSize?: number;
}

export interface ReindexService {
  start(tenantId: string, request: ReindexRequest): Promise<ReindexJob>;
  status(tenantId: string, jobId: string): Promise<ReindexJob | undefined>;
}

export function reindexService(db: Database, runner?: ReindexRunner): ReindexService {
  return {
    async start(tenantId, request) {
      const job = await createJob(db, { tenantId, resourceTypes: request.resourceTypes, batchSize: request.batchSize ?? DEFAULT_BATCH_SIZE });
      runner?.kick();
      return job;
    },
    status: (tenantId, jobId) => readJob(db, tenantId, jobId),
  };
}

/** Resources per second so far and seconds left at that rate (undefined when unknown). */
export function jobRate(job: ReindexJob, now = Date.now()): { rate?: number; eta?: number } {
  if (!job.startedAt || job.done === 0) return {};
  const end = job.finishedAt?.getTime() ?? (job.status === 'running' ? now : job.updatedAt.getTime());
  const seconds = Math.max((end - job.startedAt.getTime()) / 1000, 1e-3);
  const rate = job.done / seconds;
  const left = Math.max((job.total ?? job.done) - job.done, 0);
  return { rate, eta: job.status === 'done' ? 0 : left / rate };
}
