/**
 * Runs a parsed search against the store.
 *
 * The WHERE clause comes from the criteria; results are ordered by the `_sort` keys and then by
 * the surrogate row id, and paged by keyset on exactly those values (never OFFSET), forwards or
 * backwards, so that pages stay stable while writes continue and deep pages cost what the first
 * does. A sort key is the smallest (ascending) or largest (descending) index value the resource
 * has for the parameter; resources without one sort last. `_include` and `_revinclude` are
 * resolved per page over the reference index. Conditional interactions use `runSearch` with a
 * small count to tell none, one or several matches. A row limit (row-limit.ts), when given, holds
 * the matches, counts and estimates to what the caller may find; includes are not limited here.
 */
import { createHash } from 'node:crypto';
import type { IncludeSpec, SearchRequest, SortKey } from '@continuum/fhir';
import { badRequest, storedCodes } from '@continuum/fhir';
import type { Queryable } from '../db/database.ts';
import { closestDistanceSql } from './near-sql.ts';
import { inCompartments, type RowLimit } from './row-limit.ts';
import { anchorOf, CANDIDATE, correlatable, criterionSql, INDEX_TABLE, limitedRows, Params, testsIndexRowsOnly, valueSetUrls, type CompileContext, type Expansion } from './sql-criteria.ts';
import { expandValueSet } from './valuesets.ts';

export interface Match {
  rid: number;
  resourceType: string;
  id: string;
  versionId: number;
  content: string;
}

/** A keyset position: the sort keys of a row (as text) and its row id. */
export interface Position {
  keys: (string | null)[];
  rid: number;
}

export interface SearchPage {
  matches: Match[];
  /** Resources added by `_include` / `_revinclude` (never repeating a match). */
  included: Match[];
  /** Position after the last match, when there may be a next page. */
  next?: Position;
  /** Position before the first match, when there may be a previous page. */
  previous?: Position;
  total?: number;
}

export interface SearchOptions {
  count: number;
  /** Continue after this position (forwards) or before it (backwards). */
  from?: Position & { backwards?: boolean };
  /** Cap on resources added by includes per page. */
  maxIncluded?: number;
  /** What the caller may find (see row-limit.ts); none: everything in the tenant. */
  limit?: RowLimit;
}

const MAX_INCLUDE_ROUNDS = 4;
const DEFAULT_MAX_INCLUDED = 1000;

interface SortSql {
  expr: string;
  cast: string;
  descending: boolean;
}

/** The SQL value a resource sorts by for one key. */
function sortSql(key: SortKey, p: Params): SortSql {
  if (key.def === 'id') return { expr: 'r.id', cast: 'text', descending: key.descending };
  if (key.def === 'lastUpdated') return { expr: 'r.last_updated', cast: 'timestamptz', descending: key.descending };
  const agg = key.descending ? 'max' : 'min';
  const table = INDEX_TABLE[key.def.type];
  if (!table) throw badRequest(`Cannot sort by '${key.code}'`);
  const column = ((): [string, string] => {
    switch (key.def.type) {
      case 'string': return ['norm', 'text'];
      case 'token': return ['code', 'text'];
      case 'date': return [key.descending ? 'high' : 'low', 'timestamptz'];
      case 'number':
      case 'quantity': return ['value', 'numeric'];
      case 'reference': return ["coalesce(o.target_type || '/' || o.target_id, o.url)", 'text'];
      case 'uri': return ['value', 'text'];
      // The distance from the searched point(s) (the parser attached them: see SortKey.points).
      case 'special':
        if (!key.points) throw badRequest(`Cannot sort by '${key.code}'`);
        return [closestDistanceSql('o.latitude', 'o.longitude', key.points, p), 'float8'];
      case 'composite': throw badRequest(`Cannot sort by '${key.code}'`);
    }
  })();
  const col = column[0].includes('(') ? column[0] : `o.${column[0]}`;
  const codes = storedCodes(key.def);
  return {
    expr: `(SELECT ${agg}(${col}) FROM ${table} o WHERE o.rid = r.rid AND o.param = ${codes.length === 1 ? p.add(codes[0]) : `ANY(${p.add(codes)}::text[])`} AND o.grp IS NULL)`,
    cast: column[1],
    descending: key.descending,
  };
}

/**
 * Rows strictly after `pos` in the order given by `keys` (each ascending or descending, NULLs
 * last; when `reverse`, every direction and the NULL placement flip) and then `t.rid`.
 */
function keysetAfter(keys: SortSql[], pos: Position, reverse: boolean, p: Params): string {
  if (pos.keys.length !== keys.length) throw badRequest('Invalid paging cursor for this sort');
  const build = (i: number): string => {
    if (i === keys.length) return `t.rid ${reverse ? '<' : '>'} ${p.add(pos.rid)}`;
    const key = keys[i]!;
    const col = `t.k${i}`;
    const value = pos.keys[i];
    const descending = key.descending !== reverse;
    const nullsLast = !reverse;
    let strict: string;
    let tie: string;
    if (value === null || value === undefined) {
      strict = nullsLast ? 'false' : `${col} IS NOT NULL`;
      tie = `${col} IS NULL`;
    } else {
      const v = `${p.add(value)}::${key.cast}`;
      strict = `(${col} ${descending ? '<' : '>'} ${v}${nullsLast ? ` OR ${col} IS NULL` : ''})`;
      tie = `${col} = ${v}`;
    }
    return `(${strict} OR (${tie} AND ${build(i + 1)}))`;
  };
  return build(0);
}

function orderBy(keys: SortSql[], reverse: boolean): string {
  const terms = keys.map((k, i) => `t.k${i} ${k.descending !== reverse ? 'DESC' : 'ASC'} NULLS ${reverse ? 'FIRST' : 'LAST'}`);
  terms.push(`t.rid ${reverse ? 'DESC' : 'ASC'}`);
  return terms.join(', ');
}

async function expansionsFor(q: Queryable, tenantId: string, req: SearchRequest): Promise<Map<string, Expansion>> {
  const out = new Map<string, Expansion>();
  for (const url of valueSetUrls(req.criteria)) out.set(url, await expandValueSet(q, tenantId, url));
  return out;
}

/**
 * The WHERE clause of a request on alias `r`, held to the caller's row limit when there is one.
 * When `cacheable` and the search has an anchor (one patient, one identifier or one string
 * prefix, see `anchorRank`), its other criteria become per-row tests and `anchored` is true: its
 * plan then does not depend on the values, so it may be cached. Counts and estimates keep the
 * planner's free choice.
 */
async function whereClause(q: Queryable, tenantId: string, req: SearchRequest, p: Params, limit: RowLimit | undefined, cacheable = false): Promise<{ where: string[]; anchored: boolean }> {
  const ctx: CompileContext = { tenant: tenantId, p, expansions: await expansionsFor(q, tenantId, req), depth: 0, ...(limit ? { limit } : {}) };
  const anchor = cacheable ? anchorOf(req.criteria) : -1;
  const anchored = anchor >= 0 && req.criteria.every((c, i) => i === anchor || correlatable(c));
  const where = [`r.tenant_id = ${p.add(tenantId)}`, `r.resource_type = ${p.add(req.resourceType)}`, 'NOT r.deleted'];
  if (!anchored) {
    req.criteria.forEach((c) => where.push(criterionSql(c, 'r', req.resourceType, ctx)));
  } else {
    // The other criteria test the anchor's candidates on their index rows before any resource
    // row is read (a patient's 170 Observations, say, of which a code keeps 14: 14 resource rows
    // read instead of 170). `_id` and `_lastUpdated` test the resource row, after it.
    const correlated: CompileContext = { ...ctx, correlate: true };
    const rowTests: string[] = [];
    req.criteria.forEach((c, i) => {
      if (i === anchor) return;
      if (testsIndexRowsOnly(c)) rowTests.push(criterionSql(c, CANDIDATE, req.resourceType, correlated));
      else where.push(criterionSql(c, 'r', req.resourceType, correlated));
    });
    where.push(criterionSql(req.criteria[anchor]!, 'r', req.resourceType, { ...ctx, anchor: true, rowTests }));
  }
  if (req.compartment) where.push(inCompartments('r', [req.compartment.id], p));
  if (limit) where.push(limitedRows(limit, 'r', req.resourceType, ctx));
  return { where, anchored };
}

/**
 * Statement names for anchored searches (see whereClause), by SQL text. PostgreSQL plans a named
 * statement for its values five times, then keeps a generic plan when that costs no more: for a
 * patient's or an identifier's search, planning costs more than running it. Each name stays
 * prepared on every pool connection that ran it, at about 100 KB of PostgreSQL memory per shape
 * and connection (measured on the 10,000-patient population), so the shapes named are capped:
 * at most 64 × the pool size (20 by default: about 128 MB); later shapes run unnamed.
 */
const statementNames = new Map<string, string>();
const MAX_NAMED_SHAPES = 64;

function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_NAMED_SHAPES) {
    name = `search_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

interface Row {
  rid: number | string;
  resource_type: string;
  id: string;
  version_id: number;
  content: string;
  [key: `c${number}`]: string | null;
}

const toMatch = (r: Row): Match => ({ rid: Number(r.rid), resourceType: r.resource_type, id: r.id, versionId: Number(r.version_id), content: r.content });

export async function runSearch(q: Queryable, tenantId: string, req: SearchRequest, opts: SearchOptions): Promise<SearchPage> {
  const p = new Params();
  const keys = req.sort.map((k) => sortSql(k, p));
  const { where, anchored } = await whereClause(q, tenantId, req, p, opts.limit, true);
  const reverse = opts.from?.backwards === true;
  const outer = opts.from ? `WHERE ${keysetAfter(keys, opts.from, reverse, p)}` : '';
  const limit = p.add(opts.count + 1);
  const keyCols = keys.map((k, i) => `, ${k.expr} AS k${i}`).join('');
  const keyText = keys.map((_, i) => `, t.k${i}::text AS c${i}`).join('');
  const sql =
    `SELECT t.rid, t.resource_type, t.id, t.version_id, t.content${keyText} FROM (` +
    `SELECT r.rid, r.resource_type, r.id, r.version_id, r.content${keyCols} FROM resource r WHERE ${where.join(' AND ')}` +
    `) t ${outer} ORDER BY ${orderBy(keys, reverse)} LIMIT ${limit}`;
  const name = anchored ? statementName(sql) : undefined;
  const res = await q.query<Row>(sql, p.values, name ? { name } : undefined);
  let rows = res.rows;
  const more = rows.length > opts.count;
  if (more) rows = rows.slice(0, opts.count);
  if (reverse) rows = rows.reverse();
  const position = (r: Row | undefined): Position | undefined =>
    r ? { keys: keys.map((_, i) => r[`c${i}`] ?? null), rid: Number(r.rid) } : undefined;
  const matches = rows.map(toMatch);
  const page: SearchPage = { matches, included: [] };
  // Forwards: a next page exists when we read past the page; a previous one when we came from a cursor.
  // Backwards: the reverse.
  const first = position(rows[0]);
  const last = position(rows[rows.length - 1]);
  const hasNext = reverse ? true : more;
  const hasPrevious = reverse ? more : opts.from !== undefined;
  if (hasNext) page.next = last ?? opts.from;
  if (hasPrevious) page.previous = first ?? opts.from;
  if (page.next === undefined && !page.previous && opts.from === undefined) page.total = matches.length;
  if (matches.length > 0 && (req.include.length > 0 || req.revinclude.length > 0)) {
    page.included = await resolveIncludes(q, tenantId, req, matches, opts.maxIncluded ?? DEFAULT_MAX_INCLUDED);
  }
  return page;
}

export async function countSearch(q: Queryable, tenantId: string, req: SearchRequest, limit?: RowLimit): Promise<number> {
  const p = new Params();
  const { where } = await whereClause(q, tenantId, req, p, limit);
  const res = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM resource r WHERE ${where.join(' AND ')}`, p.values);
  return Number(res.rows[0]?.n ?? 0);
}

/** The planner's row estimate for the search (`_total=estimate`): no rows are read. */
export async function estimateSearch(q: Queryable, tenantId: string, req: SearchRequest, limit?: RowLimit): Promise<number> {
  const p = new Params();
  const { where } = await whereClause(q, tenantId, req, p, limit);
  const res = await q.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) SELECT r.rid FROM resource r WHERE ${where.join(' AND ')}`, p.values);
  const raw = res.rows[0]?.['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan?: { 'Plan Rows'?: number } }[];
  return Math.round(plan[0]?.Plan?.['Plan Rows'] ?? 0);
}

/** Follows `_include` / `_revinclude` from the page's matches; `:iterate` ones also from what they add. */
async function resolveIncludes(q: Queryable, tenantId: string, req: SearchRequest, matches: Match[], cap: number): Promise<Match[]> {
  const seen = new Set(matches.map((m) => m.rid));
  const included: Match[] = [];
  let frontier = matches;
  for (let round = 0; round < MAX_INCLUDE_ROUNDS && frontier.length > 0 && included.length < cap; round++) {
    const applies = (spec: IncludeSpec): boolean => round === 0 || spec.iterate;
    const found: Match[] = [];
    for (const spec of req.include.filter(applies)) found.push(...(await forwardIncludes(q, tenantId, spec, frontier, round === 0 ? req.resourceType : undefined)));
    for (const spec of req.revinclude.filter(applies)) found.push(...(await reverseIncludes(q, tenantId, spec, frontier)));
    const fresh: Match[] = [];
    for (const m of found) {
      if (seen.has(m.rid) || included.length + fresh.length >= cap) continue;
      seen.add(m.rid);
      fresh.push(m);
    }
    included.push(...fresh);
    frontier = fresh;
  }
  return included;
}

async function forwardIncludes(q: Queryable, tenantId: string, spec: IncludeSpec, from: Match[], searchedType: string | undefined): Promise<Match[]> {
  const sources = from.filter((m) => spec.sourceType === '*' || m.resourceType === spec.sourceType);
  if (sources.length === 0 || (searchedType !== undefined && spec.sourceType !== '*' && spec.sourceType !== searchedType)) return [];
  const p = new Params();
  const conds = [`s.tenant_id = ${p.add(tenantId)}`, `s.rid = ANY(${p.add(sources.map((m) => m.rid))}::bigint[])`, 's.grp IS NULL', 's.target_id IS NOT NULL'];
  if (spec.param !== '*') conds.push(`s.param = ${p.add(spec.param)}`);
  if (spec.targetType) conds.push(`s.target_type = ${p.add(spec.targetType)}`);
  const res = await q.query<Row>(
    `SELECT r.rid, r.resource_type, r.id, r.version_id, r.content FROM resource r
     WHERE r.tenant_id = ${p.add(tenantId)} AND NOT r.deleted AND (r.resource_type, r.id) IN (SELECT s.target_type, s.target_id FROM sp_reference s WHERE ${conds.join(' AND ')})
     ORDER BY r.rid`,
    p.values,
  );
  return res.rows.map(toMatch);
}

async function reverseIncludes(q: Queryable, tenantId: string, spec: IncludeSpec, to: Match[]): Promise<Match[]> {
  const targets = to.filter((m) => !spec.targetType || m.resourceType === spec.targetType);
  if (targets.length === 0) return [];
  const p = new Params();
  const byType = new Map<string, string[]>();
  for (const m of targets) byType.set(m.resourceType, [...(byType.get(m.resourceType) ?? []), m.id]);
  const pointsAt = [...byType].map(([type, ids]) => `(s.target_type = ${p.add(type)} AND s.target_id = ANY(${p.add(ids)}::text[]))`);
  const conds = [`s.tenant_id = ${p.add(tenantId)}`, 's.grp IS NULL', `(${pointsAt.join(' OR ')})`];
  if (spec.sourceType !== '*') conds.push(`s.resource_type = ${p.add(spec.sourceType)}`);
  if (spec.param !== '*') conds.push(`s.param = ${p.add(spec.param)}`);
  const res = await q.query<Row>(
    `SELECT r.rid, r.resource_type, r.id, r.version_id, r.content FROM resource r
     WHERE NOT r.deleted AND r.rid IN (SELECT s.rid FROM sp_reference s WHERE ${conds.join(' AND ')})
     ORDER BY r.rid`,
    p.values,
  );
  return res.rows.map(toMatch);
}
