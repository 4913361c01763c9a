/**
 * The SQL behind custom search parameters: the only code that reads the generation and revision
 * tables (see migration 004_reindex.sql). A tenant's parameters load in one statement, so the
 * generation and the SearchParameters it labels come from one snapshot.
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.ts';
import type { TenantParams } from './effective.ts';

export const SEARCH_PARAMS_CHANNEL = 'continuum_search_params';

const LOAD = `SELECT
  coalesce((SELECT generation FROM search_param_generation WHERE tenant_id = $1), 0)::text AS generation,
  (SELECT coalesce(json_agg(json_build_object('resource', r.content::json, 'revision', coalesce(v.generation, 0)) ORDER BY r.rid), '[]')::text
     FROM resource r LEFT JOIN search_param_revision v ON v.tenant_id = r.tenant_id AND v.id = r.id
     WHERE r.tenant_id = $1 AND r.resource_type = 'SearchParameter' AND NOT r.deleted) AS params,
  (SELECT coalesce(json_object_agg(c.type, c.generation), '{}')::text FROM (
     SELECT coalesce(t.type, '*') AS type, max(j.generation) AS generation
     FROM reindex_job j LEFT JOIN LATERAL unnest(j.resource_types) AS t(type) ON true
     WHERE j.tenant_id = $1 AND j.status = 'done' GROUP BY 1) c) AS coverage`;

export async function loadTenantParams(q: Queryable, tenantId: string): Promise<TenantParams> {
  const res = await q.query<{ generation: string; params: string; coverage: string }>(LOAD, [tenantId]);
  const row = res.rows[0]!;
  const params = JSON.parse(row.params) as { resource: SearchParameter; revision: number }[];
  const coverage = new Map(Object.entries(JSON.parse(row.coverage) as Record<string, number>).map(([k, v]) => [k, Number(v)]));
  return { generation: Number(row.generation), params: params.map((p) => ({ resource: p.resource, revision: Number(p.revision) })), coverage };
}

/**
 * Inside a transaction: takes the tenant's search-parameter lock (shared for ordinary writes,
 * exclusive for SearchParameter writes and reindex batches), held to commit, and returns the
 * generation current once the lock is held.
 */
export async function fenceGeneration(q: Queryable, tenantId: string, exclusive: boolean): Promise<number> {
  const res = await q.query<{ g: string | number }>('SELECT continuum_search_params_fence($1, $2) AS g', [tenantId, exclusive], {
    name: exclusive ? 'continuum_fence_x' : 'continuum_fence_s',
  });
  return Number(res.rows[0]!.g);
}

/** The current generation of each tenant (0 when it never had a SearchParameter). */
export async function currentGenerations(q: Queryable, tenantIds: readonly string[]): Promise<Map<string, number>> {
  const res = await q.query<{ tenant_id: string; generation: string | number }>(
    'SELECT tenant_id, generation FROM search_param_generation WHERE tenant_id = ANY($1::text[])',
    [tenantIds],
  );
  const out = new Map(tenantIds.map((t) => [t, 0]));
  for (const r of res.rows) out.set(r.tenant_id, Number(r.generation));
  return out;
}

/** Records that the tenant's searchable parameters changed (a reindex finished); on `q`'s transaction. */
export async function bumpGeneration(q: Queryable, tenantId: string): Promise<number> {
  const res = await q.query<{ g: string | number }>('SELECT continuum_search_params_bump($1) AS g', [tenantId]);
  return Number(res.rows[0]!.g);
}
