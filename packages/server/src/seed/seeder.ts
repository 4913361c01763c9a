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
import { isOutcomeError } from '@continuum/fhir';
import type { PatientBundles, DirectoryBundle, PopulationOptions } from '@continuum/synth';
import { route } from '../api/router.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { WriteObserver } from '../db/statistics.ts';
import type { Indexer } from '../store/indexer.ts';
import { Repository } from '../store/repository.ts';
import { advanceSeedRun, claimSeedRun, releaseSeedRun, type SeedRun } from './seed-runs.ts';
import type { SeedProgress, SeedSummary } from './progress.ts';

export interface PopulationSource {
  directoryBundle: DirectoryBundle;
  patientBundles: PatientBundles;
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
  opts.progress?.begin({ total: opts.patients, from: Math.min(from, stop), to: stop });
  try {
    if (run.directoryPatients !== opts.patients) {
      const entries = deps.population.directoryBundle(population).entry ?? [];
      await commitBatch(deps, run, entries, { resources: entries.length, directoryPatients: opts.patients }, 'the directory');
      resources += entries.length;
    }
    let batch: BundleEntry[] = [];
    let batchStart = next;
    const limit = opts.batchResources ?? DEFAULT_BATCH;
    const flush = async (): Promise<void> => {
      if (batch.length === 0 && next === batchStart) return;
      await commitBatch(deps, run, batch, { nextIndex: next, resources: batch.length }, `patients ${batchStart}..${next - 1}`);
      resources += batch.length;
      opts.progress?.advance({ patients: next - from, resources });
      batch = [];
      batchStart = next;
      // PGlite answers without real I/O, so without this the event loop would never turn: no
      // HTTP request would be served, and no signal handled, until the whole run was done.
      await new Promise((resolve) => setImmediate(resolve));
    };
    if (from < stop) {
      for (const bundle of deps.population.patientBundles(population, from, stop)) {
        batch.push(...entriesOf(bundle));
        next++;
        if (batch.length >= limit) {
          await flush();
          if (opts.signal?.aborted) break;
        }
      }
      await flush();
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
  };
  opts.progress?.end(summary);
  return summary;
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
