/**
 * `continuum reindex [--type T ...] [--tenant T] [--batch-size N] [--job ID]`: re-extracts the
 * search-index rows of every current resource (of the given types) with the tenant's current
 * search parameters, in this process, printing progress (done/total, rate, ETA), and once done
 * refreshes the planner's statistics of the index tables. It runs the job through the same
 * `reindex_job` table as the server: Ctrl-C stops after the current batch, and `--job ID` resumes
 * that job from its cursor (so does any running server, once this process has let go of it).
 * With PGlite, stop the server first: one process at a time opens a data folder.
 */
import { isResourceType } from '@continuum/fhir';
import type { Config } from '../config.ts';
import { StatisticsKeeper } from '../db/statistics.ts';
import { openStoreDatabase } from '../store/open-store.ts';
import { SearchParamProvider } from './provider.ts';
import { reindexProgress } from './reindex-progress.ts';
import { createJob, readJob, retryJob, type ReindexJob } from './reindex-jobs.ts';
import { ReindexRunner } from './reindex-runner.ts';
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from './reindex-service.ts';

export const REINDEX_USAGE = 'reindex [--type T ...] [--tenant T] [--batch-size N] [--job ID]';

export class UsageError extends Error {}

export interface ReindexArgs {
  types?: string[];
  tenant?: string;
  batchSize: number;
  job?: string;
}

export function parseReindexArgs(args: readonly string[]): ReindexArgs {
  const out: ReindexArgs = { batchSize: DEFAULT_BATCH_SIZE };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!;
    const value = args[i + 1];
    if (!['--type', '--tenant', '--batch-size', '--job'].includes(name)) throw new UsageError(`unknown option '${name}'`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    if (name === '--type') {
      for (const t of value.split(',')) {
        if (!isResourceType(t)) throw new UsageError(`'${t}' is not a resource type`);
        out.types = [...(out.types ?? []), t];
      }
    } else if (name === '--tenant') {
      if (!/^[A-Za-z0-9.-]{1,64}$/.test(value)) throw new UsageError(`--tenant must be 1-64 letters, digits, '-' or '.', got '${value}'`);
      out.tenant = value;
    } else if (name === '--batch-size') {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > MAX_BATCH_SIZE) throw new UsageError(`--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
      out.batchSize = n;
    } else {
      out.job = value;
    }
  }
  if (out.job !== undefined && out.types !== undefined) throw new UsageError('--job resumes a job as it was created; it takes no --type');
  return out;
}

/** Runs the command; resolves with the process exit code. */
export async function runReindexCommand(args: readonly string[], config: Config): Promise<number> {
  let parsed: ReindexArgs;
  try {
    parsed = parseReindexArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`continuum reindex: ${err.message}\nUsage: continuum ${REINDEX_USAGE}\n`);
    return 2;
  }
  const db = await openStoreDatabase({ dataDir: config.dataDir, poolSize: 4, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  const stop = new AbortController();
  const onSigint = (): void => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the current batch (Ctrl-C again to quit now; the job resumes from its last batch either way)\n');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  // A finished job refreshes the statistics of the index tables it rewrote before this exits.
  const runner = new ReindexRunner({ db, searchParams: new SearchParamProvider(db), statistics: new StatisticsKeeper(db) });
  try {
    const tenant = parsed.tenant ?? config.defaultTenant;
    const progress = reindexProgress(process.stderr);
    const opts = { signal: stop.signal, onBatch: (j: ReindexJob) => progress.advance(j) };
    let job: ReindexJob | undefined;
    if (parsed.job !== undefined) {
      await retryJob(db, tenant, parsed.job);
      const existing = await readJob(db, tenant, parsed.job);
      if (existing) progress.begin(existing);
      job = existing && (await runner.runNext({ ...opts, jobId: parsed.job }));
      if (!job) {
        process.stderr.write(`continuum reindex: job '${parsed.job}' is not runnable (unknown, finished, or held by another process)\n`);
        return 1;
      }
    } else {
      const created = await createJob(db, { tenantId: tenant, resourceTypes: parsed.types, batchSize: parsed.batchSize, runner: { id: runner.id, leaseSeconds: runner.leaseSeconds } });
      process.stderr.write(`reindex job ${created.id}: ${parsed.types?.join(', ') ?? 'every resource type'} (tenant '${tenant}')\n`);
      progress.begin(created);
      job = await runner.run(created, opts);
    }
    progress.end(job);
    if (job.status === 'done') return 0;
    if (job.status === 'failed') return 1;
    process.stderr.write(`stopped; resume with: continuum reindex --job ${job.id}\n`);
    return 130;
  } finally {
    process.off('SIGINT', onSigint);
    await db.close();
  }
}
