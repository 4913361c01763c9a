/**
 * Runs a parsed search against the store: builds the WHERE clause from the criteria, pages by
 * keyset on the surrogate row id, and returns the current (non-deleted) resources. Conditional
 * create, update and delete use `findMatches` with a small limit to tell none, one or several.
 */
import type { SearchRequest } from '@continuum/fhir';
import type { Queryable } from '../db/database.ts';
import { criterionSql, Params } from './sql-criteria.ts';

export interface Match {
  rid: number;
  id: string;
  versionId: number;
  content: string;
}

export interface SearchPage {
  matches: Match[];
  /** The keyset cursor for the next page, when there may be one. */
  nextAfter?: number;
}

export async function runSearch(
  q: Queryable,
  tenantId: string,
  req: SearchRequest,
  opts: { count: number; afterRid?: number },
): Promise<SearchPage> {
  const p = new Params();
  const where = [`r.tenant_id = ${p.add(tenantId)}`, `r.resource_type = ${p.add(req.resourceType)}`, 'NOT r.deleted'];
  for (const c of req.criteria) where.push(criterionSql(c, tenantId, req.resourceType, p));
  if (req.compartment) where.push(`r.compartments @> ARRAY[${p.add(req.compartment.id)}]::text[]`);
  if (opts.afterRid !== undefined) where.push(`r.rid > ${p.add(opts.afterRid)}`);
  const limit = p.add(opts.count + 1);
  const res = await q.query<{ rid: number; id: string; version_id: number; content: string }>(
    `SELECT r.rid, r.id, r.version_id, r.content FROM resource r WHERE ${where.join(' AND ')} ORDER BY r.rid LIMIT ${limit}`,
    p.values,
  );
  const rows = res.rows.map((r) => ({ rid: Number(r.rid), id: r.id, versionId: Number(r.version_id), content: r.content }));
  const more = rows.length > opts.count;
  const matches = more ? rows.slice(0, opts.count) : rows;
  const last = matches[matches.length - 1];
  return { matches, ...(more && last ? { nextAfter: last.rid } : {}) };
}

export async function countSearch(q: Queryable, tenantId: string, req: SearchRequest): Promise<number> {
  const p = new Params();
  const where = [`r.tenant_id = ${p.add(tenantId)}`, `r.resource_type = ${p.add(req.resourceType)}`, 'NOT r.deleted'];
  for (const c of req.criteria) where.push(criterionSql(c, tenantId, req.resourceType, p));
  if (req.compartment) where.push(`r.compartments @> ARRAY[${p.add(req.compartment.id)}]::text[]`);
  const res = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM resource r WHERE ${where.join(' AND ')}`, p.values);
  return Number(res.rows[0]?.n ?? 0);
}
