/**
 * The `seed_run` table: where a seeding run records how far it got, so that it can resume. This
 * is the only seed code that touches SQL. A run is claimed with a short lease (renewed with every
 * batch), so two processes on one PostgreSQL never seed the same (tenant, seed) at once; a killed
 * process's lease simply lapses. PGlite has one process per data folder, so there a left-over
 * lease can only be a killed run's, and is taken over at once. Progress is written on the batch's own transaction, so it can never disagree
 * with the resources that were stored.
 */
import type { Database, Queryable } from '../db/database.ts';

export interface SeedRun {
  tenantId: string;
  seed: string;
  patients: number;
  nextIndex: number;
  resources: number;
  /** The population size the directory was last written for (null: not yet). */
  directoryPatients: number | null;
  finished: boolean;
  /** The UTC day the run began (YYYY-MM-DD). */
  startedDay: string;
}

/** Another process holds the run. */
export class SeedRunBusy extends Error {
  constructor(readonly until: string) {
    super(`another process is seeding this tenant and seed (its lease runs until ${until}); if it was killed, retry after that`);
    this.name = 'SeedRunBusy';
  }
}

export const LEASE_SECONDS = 30;

interface Row {
  patients: number;
  next_index: number;
  resources: string | number;
  directory_patients: number | null;
  finished_at: string | null;
  lease_until: string | null;
  leased: boolean;
  started_day: string;
}

function toRun(tenantId: string, seed: string, r: Row): SeedRun {
  return {
    tenantId,
    seed,
    patients: Number(r.patients),
    nextIndex: Number(r.next_index),
    resources: Number(r.resources),
    directoryPatients: r.directory_patients === null ? null : Number(r.directory_patients),
    finished: r.finished_at !== null,
    startedDay: r.started_day,
  };
}

const SELECT = `SELECT patients, next_index, resources, directory_patients, finished_at, lease_until::text AS lease_until,
  coalesce(lease_until > now(), false) AS leased, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS started_day FROM seed_run WHERE tenant_id = $1 AND seed = $2`;

export async function findSeedRun(q: Queryable, tenantId: string, seed: string): Promise<SeedRun | undefined> {
  const res = await q.query<Row>(SELECT, [tenantId, seed]);
  return res.rows[0] ? toRun(tenantId, seed, res.rows[0]) : undefined;
}

/**
 * Claims the run for `patients` patients: creates it, or takes over a stopped one (resetting
 * finished_at when the population grew). Throws SeedRunBusy while another process holds it.
 */
export async function claimSeedRun(db: Database, tenantId: string, seed: string, patients: number): Promise<SeedRun> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`seed_run\u001f${tenantId}\u001f${seed}`]);
    const existing = (await tx.query<Row>(SELECT, [tenantId, seed])).rows[0];
    // An embedded database has one process, so a lease left behind is from a killed one.
    if (existing?.leased && db.dialect !== 'pglite') throw new SeedRunBusy(existing.lease_until!);
    const res = await tx.query<Row>(
      `INSERT INTO seed_run (tenant_id, seed, patients, lease_until) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       ON CONFLICT (tenant_id, seed) DO UPDATE SET patients = EXCLUDED.patients, lease_until = EXCLUDED.lease_until, updated_at = now(),
         finished_at = CASE WHEN seed_run.next_index >= EXCLUDED.patients THEN seed_run.finished_at END
       RETURNING patients, next_index, resources, directory_patients, finished_at, lease_until::text AS lease_until, true AS leased`,
      [tenantId, seed, patients, LEASE_SECONDS],
    );
    return toRun(tenantId, seed, res.rows[0]!);
  });
}

/** Records a committed batch (on the batch's transaction) and renews the lease. */
export async function advanceSeedRun(
  tx: Queryable,
  run: SeedRun,
  change: { nextIndex?: number; resources: number; directoryPatients?: number },
): Promise<void> {
  await tx.query(
    `UPDATE seed_run SET next_index = coalesce($3, next_index), resources = resources + $4,
       directory_patients = coalesce($5, directory_patients), updated_at = now(),
       lease_until = now() + make_interval(secs => $6),
       finished_at = CASE WHEN coalesce($3, next_index) >= patients THEN now() END
     WHERE tenant_id = $1 AND seed = $2`,
    [run.tenantId, run.seed, change.nextIndex ?? null, change.resources, change.directoryPatients ?? null, LEASE_SECONDS],
  );
}

/** Gives the run up (finished or interrupted), so that the next process need not wait. */
export async function releaseSeedRun(db: Database, run: SeedRun): Promise<void> {
  await db.query('UPDATE seed_run SET lease_until = NULL WHERE tenant_id = $1 AND seed = $2', [run.tenantId, run.seed]);
}

/** True when the tenant has no resources at all (deleted ones count: someone used the store). */
export async function storeIsEmpty(q: Queryable, tenantId: string): Promise<boolean> {
  const res = await q.query('SELECT 1 FROM resource WHERE tenant_id = $1 LIMIT 1', [tenantId]);
  return res.rows.length === 0;
}
