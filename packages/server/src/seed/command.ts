/**
 * `continuum seed --patients N [--seed S] [--tenant T]`: loads a synthetic population into the
 * configured database (the same CONTINUUM_DATA_DIR / DATABASE_URL as `start`), in-process, with
 * a progress bar. The first Ctrl-C stops after the current batch (the run resumes when the same
 * command is run again); a second one exits at once, which is just as safe, because every batch
 * commits with its progress. Ends with ANALYZE, so searches plan well on the new data.
 */
import { loadDefinitions } from '@continuum/fhir';
import type { Config } from '../config.ts';
import { StatisticsKeeper } from '../db/statistics.ts';
import { SearchParamProvider } from '../search-params/provider.ts';
import { openStoreDatabase } from '../store/open-store.ts';
import { progressReporter } from './progress.ts';
import { SeedRunBusy } from './seed-runs.ts';
import { seedPopulation } from './seeder.ts';

export const SEED_USAGE = 'seed --patients N [--seed S] [--tenant T]';

export class UsageError extends Error {}

export interface SeedArgs {
  patients: number;
  seed: string;
  tenant?: string;
}

const MAX_PATIENTS = 10_000_000;

export function parseSeedArgs(args: readonly string[]): SeedArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!;
    if (!['--patients', '--seed', '--tenant'].includes(name)) throw new UsageError(`unknown option '${name}'`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    values.set(name, value);
  }
  const raw = values.get('--patients');
  if (raw === undefined) throw new UsageError('--patients N is required');
  const patients = Number(raw);
  if (!/^\d+$/.test(raw) || patients < 1 || patients > MAX_PATIENTS) {
    throw new UsageError(`--patients must be a whole number from 1 to ${MAX_PATIENTS.toLocaleString('en-US')}, got '${raw}'`);
  }
  const seed = values.get('--seed') ?? 'continuum';
  const tenant = values.get('--tenant');
  if (tenant !== undefined && !/^[A-Za-z0-9.-]{1,64}$/.test(tenant)) throw new UsageError(`--tenant must be 1-64 letters, digits, '-' or '.', got '${tenant}'`);
  return { patients, seed, ...(tenant !== undefined ? { tenant } : {}) };
}

/** Runs the command; resolves with the process exit code. */
export async function runSeedCommand(args: readonly string[], config: Config): Promise<number> {
  let parsed: SeedArgs;
  try {
    parsed = parseSeedArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`continuum seed: ${err.message}\nUsage: continuum ${SEED_USAGE}\n`);
    return 2;
  }
  const db = await openStoreDatabase({ dataDir: config.dataDir, poolSize: 4, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  const stop = new AbortController();
  const onSigint = (): void => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the current batch (Ctrl-C again to quit now; either way, run the command again to resume)\n');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    loadDefinitions();
    const { syntheticPopulation } = await import('./population.ts');
    const statistics = new StatisticsKeeper(db);
    const tenant = parsed.tenant ?? config.defaultTenant;
    const backend = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
    process.stderr.write(`seeding ${parsed.patients.toLocaleString('en-US')} patients (seed '${parsed.seed}', tenant '${tenant}') into ${backend}\n`);
    const summary = await seedPopulation(
      // The tenant's parameters, custom ones included; its write fence keeps them current.
      { db, indexer: await new SearchParamProvider(db).indexerFor(tenant), population: syntheticPopulation, writes: statistics },
      { tenant, seed: parsed.seed, patients: parsed.patients, signal: stop.signal, progress: progressReporter(process.stderr) },
    );
    await statistics.settled();
    await statistics.analyze();
    return summary.complete ? 0 : 130;
  } catch (err) {
    if (!(err instanceof SeedRunBusy)) throw err;
    process.stderr.write(`continuum seed: ${err.message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await db.close();
  }
}
