/**
 * The demo clinic: on the first start over an empty store, a small synthetic population (fixed
 * seed, about 200 patients) is seeded so that a new install has something to look at. "First
 * start" means the tenant has no resources, or a demo run was interrupted (it then resumes); once
 * the demo is complete, or the store holds real data, nothing happens. It is a seeding run like
 * any other, so it is resumable and safe when several nodes start together (one seeds, the
 * others skip). Turned off with CONTINUUM_DEMO=0.
 */
import type { DemoStaff, PopulationOptions } from '@continuum/synth';
import type { Queryable } from '../db/database.ts';
import { demoLoginsText, type DemoAccounts } from './demo-accounts.ts';
import { summaryLine, type SeedProgress, type SeedSummary } from './progress.ts';
import { findSeedRun, SeedRunBusy, storeIsEmpty } from './seed-runs.ts';
import { seedPopulation, type PopulationSource, type SeedDeps } from './seeder.ts';
import { seedDemoPharmacies } from './demo-pharmacies.ts';
import { Repository } from '../store/repository.ts';

export const DEMO_SEED = 'continuum-demo';
export const DEMO_PATIENTS = 200;

export interface DemoSource extends PopulationSource {
  demoStaff(options: PopulationOptions): DemoStaff[];
}

export interface DemoOptions {
  tenant: string;
  patients?: number;
  progress?: SeedProgress;
  /** Stops the seeding between two batches (the next start resumes it). */
  signal?: AbortSignal;
  /** The day a new demo is generated up to (default: the clock's); a resumed one keeps its first day. */
  today?: Date;
  /** Told once the demo is found to be needed, before seeding starts. */
  onStart?: (patients: number) => void;
}

export interface DemoResult {
  summary: SeedSummary;
  staff: DemoStaff[];
  /** The demo logins, once created (they need the authorization tables: absent with auth off). */
  accounts?: DemoAccounts;
}

/** True when this start should seed (or finish seeding) the demo clinic. */
export async function demoNeeded(q: Queryable, tenant: string): Promise<boolean> {
  const run = await findSeedRun(q, tenant, DEMO_SEED);
  if (run) return !run.finished;
  return storeIsEmpty(q, tenant);
}

const DEMO_BATCH_RESOURCES = 300;

/**
 * The demo population's "today": the UTC day its seeding began. A new install's charts then end
 * in the present, with upcoming appointments still ahead, and a run resumed on a later day
 * continues the very same population.
 */
export async function demoToday(q: Queryable, tenant: string, today: Date = new Date()): Promise<string> {
  const run = await findSeedRun(q, tenant, DEMO_SEED);
  return `${run?.startedDay ?? today.toISOString().slice(0, 10)}T00:00:00Z`;
}

/**
 * Seeds the demo when it is needed. Returns undefined when it was not, or when another node is
 * seeding it right now.
 */
export async function seedDemo(deps: SeedDeps & { population: DemoSource }, opts: DemoOptions): Promise<DemoResult | undefined> {
  if (!(await demoNeeded(deps.db, opts.tenant))) return undefined;
  const patients = opts.patients ?? DEMO_PATIENTS;
  const now = await demoToday(deps.db, opts.tenant, opts.today);
  opts.onStart?.(patients);
  try {
    const summary = await seedPopulation(deps, {
      tenant: opts.tenant,
      seed: DEMO_SEED,
      patients,
      now,
      // Smaller batches than the CLI's: the server is answering requests meanwhile, and on PGlite
      // each batch holds the one connection until it commits.
      batchResources: DEMO_BATCH_RESOURCES,
      ...(opts.progress ? { progress: opts.progress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    // Another node may have finished it between our check and our claim: then nothing was written.
    // Stopped early (server closing): the next start resumes it.
    if (summary.resources === 0 || !summary.complete) return undefined;
    await seedDemoPharmacies(new Repository({ db: deps.db, indexer: deps.indexer }, opts.tenant));
    return { summary, staff: deps.population.demoStaff({ seed: DEMO_SEED, patients, now }) };
  } catch (err) {
    if (err instanceof SeedRunBusy) return undefined;
    throw err;
  }
}

/** What start-up prints once the demo is in: counts, timing and the (synthetic) staff. */
export function demoBanner(result: DemoResult): string {
  const lines = [`Demo clinic ready: ${summaryLine(result.summary)}`];
  if (result.staff.length > 0) {
    lines.push(`  Synthetic staff (${result.staff.length}), as Practitioners in the FHIR API:`);
    const roles = new Map<string, string[]>();
    for (const s of result.staff) roles.set(s.role, [...(roles.get(s.role) ?? []), s.name]);
    for (const [role, names] of roles) lines.push(`    ${role}: ${names.join('; ')}`);
  }
  if (result.accounts) lines.push(demoLoginsText(result.accounts).trimEnd());
  lines.push('  Set CONTINUUM_DEMO=0 to start without the demo on a new data folder.');
  return lines.join('\n') + '\n';
}
