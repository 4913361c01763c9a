/**
 * What a reindex job reads from the resource table: the range it covers, the next batch of
 * current resources in rid order, and whether those are still current when the batch commits.
 * Reads only; the rows are replaced by the writer's `replaceIndexRows`.
 */
import type { Queryable } from '../db/database.ts';

export interface JobRange {
  generation: number;
  maxRid: number;
  total: number;
}

const TYPES = '($2::text[] IS NULL OR resource_type = ANY($2::text[]))';

/**
 * The range a job starts on, in one snapshot: the parameters' generation, the highest rid of a
 * current resource of the types, and how many there are. Any write indexed with an older
 * generation committed before that generation did, so it is inside the range.
 */
export async function jobRange(q: Queryable, tenantId: string, types: readonly string[] | undefined): Promise<JobRange> {
  const res = await q.query<{ generation: string | number; max_rid: string | number; total: string | number }>(
    `WITH m AS (SELECT coalesce(max(rid), 0) AS max_rid FROM resource WHERE tenant_id = $1 AND ${TYPES} AND NOT deleted)
     SELECT coalesce((SELECT generation FROM search_param_generation WHERE tenant_id = $1), 0) AS generation, m.max_rid,
       (SELECT count(*) FROM resource WHERE tenant_id = $1 AND ${TYPES} AND NOT deleted AND rid <= m.max_rid) AS total
     FROM m`,
    [tenantId, types ? [...types] : null],
  );
  const r = res.rows[0]!;
  return { generation: Number(r.generation), maxRid: Number(r.max_rid), total: Number(r.total) };
}

export interface ScannedResource {
  rid: number;
  resourceType: string;
  versionId: number;
  content: string;
}

export async function nextBatch(
  q: Queryable,
  tenantId: string,
  types: readonly string[] | undefined,
  after: number,
  maxRid: number,
  limit: number,
): Promise<ScannedResource[]> {
  const res = await q.query<{ rid: string | number; resource_type: string; version_id: number; content: string }>(
    `SELECT rid, resource_type, version_id, content FROM resource
     WHERE tenant_id = $1 AND ${TYPES} AND NOT deleted AND rid > $3 AND rid <= $4
     ORDER BY rid LIMIT $5`,
    [tenantId, types ? [...types] : null, after, maxRid, limit],
  );
  return res.rows.map((r) => ({ rid: Number(r.rid), resourceType: r.resource_type, versionId: Number(r.version_id), content: r.content }));
}

/** rid → current version, for those of `rids` that are not deleted. */
export async function currentVersionsByRid(q: Queryable, rids: readonly number[]): Promise<Map<number, number>> {
  if (rids.length === 0) return new Map();
  const res = await q.query<{ rid: string | number; version_id: number }>(
    'SELECT rid, version_id FROM resource WHERE rid = ANY($1::bigint[]) AND NOT deleted',
    [[...rids]],
  );
  return new Map(res.rows.map((r) => [Number(r.rid), Number(r.version_id)]));
}
