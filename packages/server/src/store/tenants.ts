/**
 * Which tenants hold a current resource with a given token, for work that runs across tenants
 * (the e-prescribing send loop, inbound exchange notifications). The token index is keyed by
 * tenant first, so `SELECT DISTINCT tenant_id ... WHERE resource_type = .. AND code = ..` can only
 * read the whole index: on the 10,000-patient population, 13,500 pages and 250 to 690 ms, every
 * five seconds for the send loop. This walks the tenants instead (each the next one after the
 * last, one index descent apiece) and asks each for the token (a LATERAL probe with LIMIT 1, which
 * the planner cannot turn into one read of the token across tenants): a few pages whatever the size.
 */
import type { Queryable } from '../db/database.ts';

export interface TokenKey {
  resourceType: string;
  param: string;
  system: string;
  code: string;
}

/** Parameters: resource type, param, code, system. */
export const TENANTS_WITH_TOKEN = `WITH RECURSIVE tenants(id) AS (
    SELECT min(tenant_id) FROM sp_token
    UNION ALL
    SELECT (SELECT min(s.tenant_id) FROM sp_token s WHERE s.tenant_id > t.id) FROM tenants t WHERE t.id IS NOT NULL
  )
  SELECT t.id AS tenant_id FROM tenants t
  CROSS JOIN LATERAL (
    SELECT 1 FROM sp_token s WHERE s.tenant_id = t.id AND s.resource_type = $1 AND s.param = $2 AND s.code = $3 AND s.system = $4 LIMIT 1) hit
  WHERE t.id IS NOT NULL
  ORDER BY t.id`;

/** The tenants with at least one current resource of `resourceType` whose `param` has `system|code`, in order. */
export async function tenantsWithToken(q: Queryable, key: TokenKey): Promise<string[]> {
  const { rows } = await q.query<{ tenant_id: string }>(TENANTS_WITH_TOKEN, [key.resourceType, key.param, key.code, key.system]);
  return rows.map((r) => r.tenant_id);
}
