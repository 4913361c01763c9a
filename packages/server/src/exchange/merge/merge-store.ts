/**
 * The SQL of merge and duplicate detection: the resources that reference a patient (through
 * the reference index and the compartment column, so a reference in any indexed element is
 * found), the tenant's Patients for the duplicate scan, and the `patient_merge` table
 * (migration 022) that remembers what each merge moved.
 */
import type { Patient } from '@medplum/fhirtypes';
import { conflict } from '@continuum/fhir';
import type { Queryable } from '../../db/database.ts';
import type { MovedRef } from './references.ts';

export interface MovedResource {
  type: string;
  id: string;
  refs: MovedRef[];
}

export interface MergeRecord {
  id: string;
  sourceId: string;
  targetId: string;
  mergedAt: string;
  mergedBy: string;
  moved: MovedResource[];
  sourceActive: boolean | null;
}

/** Every live resource that references Patient/`patientId` or sits in its compartment, except the Patient itself. */
export async function referencing(q: Queryable, tenant: string, patientId: string): Promise<{ type: string; id: string }[]> {
  const { rows } = await q.query<{ resource_type: string; id: string }>(
    `SELECT r.resource_type, r.id FROM resource r
      WHERE r.tenant_id = $1 AND NOT r.deleted AND NOT (r.resource_type = 'Patient' AND r.id = $2)
        AND (r.compartments @> ARRAY[$2]::text[]
             OR r.rid IN (SELECT x.rid FROM sp_reference x WHERE x.tenant_id = $1 AND x.target_type = 'Patient' AND x.target_id = $2))
      ORDER BY r.resource_type, r.id`,
    [tenant, patientId],
  );
  return rows.map((r) => ({ type: r.resource_type, id: r.id }));
}

/** Up to `limit` live Patients of the tenant, oldest first. */
export async function tenantPatients(q: Queryable, tenant: string, limit: number): Promise<Patient[]> {
  const { rows } = await q.query<{ content: string }>(
    `SELECT content FROM resource WHERE tenant_id = $1 AND resource_type = 'Patient' AND NOT deleted ORDER BY rid LIMIT $2`,
    [tenant, limit],
  );
  return rows.map((r) => JSON.parse(r.content) as Patient);
}

/**
 * Holds, to the end of the transaction, a lock on merging each of these patients, taken in a
 * fixed order so that two merges naming the same patients queue instead of deadlocking. The
 * second then sees the first's result (a 409) rather than losing a version race.
 */
export async function lockPatients(q: Queryable, tenant: string, ids: readonly string[]): Promise<void> {
  for (const id of [...new Set(ids)].sort()) {
    await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`patient-merge\u001f${tenant}\u001f${id}`]);
  }
}

/** Records a merge; a concurrent merge of the same source (the unique index) is a 409. */
export async function insertMerge(q: Queryable, tenant: string, m: MergeRecord): Promise<void> {
  try {
    await q.query(
      `INSERT INTO patient_merge (tenant_id, id, source_id, target_id, merged_at, merged_by, moved, source_active) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
      [tenant, m.id, m.sourceId, m.targetId, m.mergedAt, m.mergedBy, JSON.stringify(m.moved), m.sourceActive],
    );
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw conflict(`Patient/${m.sourceId} was merged by another request at the same time`);
    throw err;
  }
}

/**
 * The merge of `sourceId` in force; with `lock`, its row is locked for the rest of the
 * transaction (take `lockPatients` first: locks are always taken in that order).
 */
export async function mergeInForce(q: Queryable, tenant: string, sourceId: string, lock = true): Promise<MergeRecord | undefined> {
  const { rows } = await q.query<{ id: string; source_id: string; target_id: string; merged_at: Date | string; merged_by: string; moved: MovedResource[] | string; source_active: boolean | null }>(
    `SELECT id, source_id, target_id, merged_at, merged_by, moved, source_active FROM patient_merge
      WHERE tenant_id = $1 AND source_id = $2 AND unmerged_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
    [tenant, sourceId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    sourceId: r.source_id,
    targetId: r.target_id,
    mergedAt: new Date(r.merged_at).toISOString(),
    mergedBy: r.merged_by,
    moved: typeof r.moved === 'string' ? (JSON.parse(r.moved) as MovedResource[]) : r.moved,
    sourceActive: r.source_active,
  };
}

export async function markUnmerged(q: Queryable, tenant: string, id: string, by: string, at: string): Promise<void> {
  await q.query(`UPDATE patient_merge SET unmerged_at = $3, unmerged_by = $4 WHERE tenant_id = $1 AND id = $2`, [tenant, id, at, by]);
}
