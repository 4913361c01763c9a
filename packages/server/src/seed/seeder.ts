/**
 * Loads a synthetic population into the store in-process, through the same transaction-bundle
 * code the FHIR API runs (the router's `POST /`), so every resource is validated and indexed
 * exactly as if a client had sent it. First the directory, then the patients in order.
 *
 * Several patients go into one transaction: their bundles are PUTs with distinct deterministic
 * ids, so concatenating their entries gives one valid transaction bundle, written as one batched
 * write. The batch and the run's progress row commit together, which is what makes a run resume
 * exactly where it stopped (see seed-runs.ts). The seeder does not generate anything itself; the
 * population is passed in.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { isOutcomeError, SearchParamRegistry } from '@continuum/fhir';
import type { PatientBundles, DirectoryBundle, PopulationOptions } from '@continuum/synth';
import { route } from '../api/router.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { WriteObserver } from '../db/statistics.ts';
import type { Indexer } from '../store/indexer.ts';
import { Repository } from '../store/repository.ts';
import { writeInsertParams } from '../store/writer.ts';
import { PreparedBatches, stampBatch, type OffThreadSource, type PreparedBatch } from './prepared-batches.ts';
import { advanceSeedRun, claimSeedRun, releaseSeedRun, type SeedRun } from './seed-runs.ts';
import type { SeedProgress, SeedSummary } from './progress.ts';

export interface PopulationSource {
  directoryBundle: DirectoryBundle;
  patientBundles: PatientBundles;
  /**
   * Where a worker thread can load this same population, to prepare patients beside the
   * database work (see prepare-worker.ts). Without it, everything runs on the calling thread.
   */
  offThread?: OffThreadSource;
}

export interface SeedDeps {
  db: Database;
  indexer: Indexer;
  population: PopulationSource;
  writes?: WriteObserver;
  /** Only used to read absolute entry URLs; the generator writes relative ones. */
  baseUrl?: string;
}

export interface SeedOptions {
  tenant: string;
  seed: string;
  patients: number;
  /** The simulation's "today", passed to the generator (its default when unset). */
  now?: string;
  /** Stop before this patient index, leaving the run unfinished (tests; staged loads). */
  until?: number;
  /** Close a transaction once it holds this many resources (default 1,000). */
  batchResources?: number;
  /** Checked between batches: an aborted run stops cleanly and can be resumed. */
  signal?: AbortSignal;
  progress?: SeedProgress;
}

const DEFAULT_BATCH = 1_000;

export async function seedPopulation(deps: SeedDeps, opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const population: PopulationOptions = { seed: opts.seed, patients: opts.patients, ...(opts.now ? { now: opts.now } : {}) };
  const run = await claimSeedRun(deps.db, opts.tenant, opts.seed, opts.patients);
  const stop = Math.min(opts.until ?? opts.patients, opts.patients);
  const from = run.nextIndex;
  let resources = 0;
  let next = from;
  let preparedOffThread = 0;
  opts.progress?.begin({ total: opts.patients, from: Math.min(from, stop), to: stop });
  try {
    if (run.directoryPatients !== opts.patients) {
      const entries = deps.population.directoryBundle(population).entry ?? [];
      await commitBatch(deps, run, entries, { resources: entries.length, directoryPatients: opts.patients }, 'the directory');
      resources += entries.length;
    }
    const limit = opts.batchResources ?? DEFAULT_BATCH;
    const step = (patients: number, written: number): Promise<void> => {
      next = patients;
      resources += written;
      opts.progress?.advance({ patients: next - from, resources });
      // PGlite answers without real I/O, so without this the event loop would never turn: no
      // HTTP request would be served, and no signal handled, until the whole run was done.
      return new Promise((resolve) => setImmediate(resolve));
    };
    let inProcessFrom = from;
    if (from < stop && offThread(deps)) {
      inProcessFrom = await seedOffThread(deps, run, { population, from, stop, limit, ...(opts.signal ? { signal: opts.signal } : {}) }, (n, written, fast) => {
        if (fast) preparedOffThread += n - next;
        return step(n, written);
      });
    }
    if (inProcessFrom < stop && !opts.signal?.aborted) {
      let batch: BundleEntry[] = [];
      let batchStart = inProcessFrom;
      let at = inProcessFrom;
      const flush = async (): Promise<void> => {
        if (batch.length === 0 && at === batchStart) return;
        await commitBatch(deps, run, batch, { nextIndex: at, resources: batch.length }, `patients ${batchStart}..${at - 1}`);
        await step(at, batch.length);
        batch = [];
        batchStart = at;
      };
      for (const bundle of deps.population.patientBundles(population, inProcessFrom, stop)) {
        batch.push(...entriesOf(bundle));
        at++;
        if (batch.length >= limit) {
          await flush();
          if (opts.signal?.aborted) break;
        }
      }
      if (!opts.signal?.aborted) await flush();
    }
  } finally {
    await releaseSeedRun(deps.db, run);
  }
  const summary: SeedSummary = {
    patients: next - from,
    resources,
    seconds: (performance.now() - started) / 1000,
    nextIndex: Math.max(next, from),
    total: opts.patients,
    complete: Math.max(next, from) >= opts.patients,
    preparedOffThread,
  };
  opts.progress?.end(summary);
  return summary;
}

/**
 * Whether patients can be prepared off this thread: the population says where the worker finds
 * it, and the tenant indexes with the standard parameters only (the worker knows no others).
 */
function offThread(deps: SeedDeps): boolean {
  return deps.population.offThread !== undefined && (deps.indexer.indexing ?? deps.indexer.registry) === SearchParamRegistry.r4();
}

/**
 * Seeds patients from..stop-1 with a worker preparing the batches; returns where the calling
 * thread must take over (stop when the worker did them all). A batch the fast write cannot take
 * as it is (an id that already exists, search parameters changed meanwhile) is regenerated here
 * and goes through the transaction-bundle code instead.
 */
async function seedOffThread(
  deps: SeedDeps,
  run: SeedRun,
  opts: { population: PopulationOptions; from: number; stop: number; limit: number; signal?: AbortSignal },
  step: (next: number, resources: number, fast: boolean) => Promise<void>,
): Promise<number> {
  const batches = new PreparedBatches({
    ...deps.population.offThread!,
    tenant: run.tenantId,
    population: opts.population,
    from: opts.from,
    stop: opts.stop,
    batchResources: opts.limit,
  });
  try {
    for (;;) {
      const m = await batches.next();
      if (m.type === 'done') return opts.stop;
      if (m.type === 'unsupported') return m.from;
      if (m.type === 'error') throw new Error(`seeding worker: ${m.message}`);
      const fast = await commitPrepared(deps, run, m);
      if (!fast) {
        const entries = [...deps.population.patientBundles(opts.population, m.from, m.next)].flatMap(entriesOf);
        await commitBatch(deps, run, entries, { nextIndex: m.next, resources: entries.length }, `patients ${m.from}..${m.next - 1}`);
      }
      await step(m.next, m.resources, fast);
      if (opts.signal?.aborted) return m.next;
    }
  } finally {
    await batches.close();
  }
}

class NotAsPrepared extends Error {}

/** Writes a prepared batch and the run's progress atomically; false (nothing written) when it cannot. */
async function commitPrepared(deps: SeedDeps, run: SeedRun, batch: PreparedBatch): Promise<boolean> {
  try {
    await deps.db.transaction(async (tx: Queryable) => {
      // The same fence every write passes: parameters changed since the worker started mean re-indexing.
      if (deps.indexer.params && (await deps.indexer.params.fence(tx, false)) !== deps.indexer) throw new NotAsPrepared();
      const written = await writeInsertParams(tx, stampBatch(batch, new Date().toISOString()));
      if (written !== batch.resources) throw new NotAsPrepared();
      await advanceSeedRun(tx, run, { nextIndex: batch.next, resources: batch.resources });
    });
  } catch (err) {
    if (err instanceof NotAsPrepared) return false;
    throw err;
  }
  deps.writes?.noteWrites(batch.resources);
  return true;
}

function entriesOf(bundle: Bundle): BundleEntry[] {
  if (bundle.type !== 'transaction') throw new Error(`the generator gave a ${String(bundle.type)} bundle, not a transaction`);
  return bundle.entry ?? [];
}

/** One atomic step: the entries through the transaction-bundle code, and the run's progress. */
async function commitBatch(
  deps: SeedDeps,
  run: SeedRun,
  entry: BundleEntry[],
  change: Parameters<typeof advanceSeedRun>[2],
  what: string,
): Promise<void> {
  try {
    await deps.db.transaction(async (tx: Queryable) => {
      if (entry.length > 0) {
        const repo = new Repository(
          { db: deps.db, indexer: deps.indexer, trustedGenerator: true, ...(deps.writes ? { writes: deps.writes } : {}) },
          run.tenantId,
          tx,
          true,
        );
        const body: Bundle = { resourceType: 'Bundle', type: 'transaction', entry };
        await route({ repo, baseUrl: deps.baseUrl ?? 'http://localhost/fhir' }, { method: 'POST', path: '', query: [], headers: { prefer: 'return=minimal' }, body });
      }
      await advanceSeedRun(tx, run, change);
    });
  } catch (err) {
    // Name the batch; the outcome's text is about element paths, not values.
    if (isOutcomeError(err)) {
      const text = (err.outcome.issue ?? []).map((i) => i.diagnostics ?? i.details?.text ?? '').join('; ');
      throw new Error(`seeding ${what} failed (${err.status}): ${text}`);
    }
    throw err;
  }
}
