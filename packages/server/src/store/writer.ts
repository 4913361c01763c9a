/**
 * Writes a batch of resource versions in one SQL statement: the current-row upsert, the history
 * rows and the search-index rows all commit together or not at all.
 *
 * New resources use INSERT ... ON CONFLICT DO NOTHING; replacements use UPDATE guarded by the
 * previous version number, which is how optimistic concurrency reaches the database. The caller
 * learns how many writes took effect: fewer than asked means a version conflict, and the caller
 * (inside a transaction) must roll back. Everything is passed as parameter arrays: no values are
 * ever spliced into SQL text.
 */
import { createHash } from 'node:crypto';
import { arrayLiteral } from '../db/array-literal.ts';
import type { Queryable } from '../db/database.ts';
import type { IndexRows } from '@continuum/fhir';
import { INDEX_TABLES, type IndexTable } from './index-tables.ts';
import type { PreparedWrite } from './types.ts';

const INPUT_COLUMNS = [
  ['resource_type', 'text'],
  ['id', 'text'],
  ['version_id', 'int'],
  ['previous_version', 'int'],
  ['last_updated', 'timestamptz'],
  ['method', 'text'],
  ['content', 'text'],
  ['compartments', 'text'],
] as const;

interface Statement {
  sql: string;
  /** SQL types of $1..$n, in order. */
  types: string[];
}

function buildSql(mode: 'insert' | 'update'): Statement {
  let n = 1; // $1 is the tenant
  const types = ['text'];
  const arg = (type: string): string => {
    types.push(`${type}[]`);
    return `$${++n}::${type}[]`;
  };
  const inputArgs = INPUT_COLUMNS.map(([, type]) => arg(type)).join(', ');
  const inputNames = INPUT_COLUMNS.map(([name]) => name).join(', ');
  const parts: string[] = [
    `input AS (SELECT * FROM unnest(${inputArgs}) WITH ORDINALITY AS t(${inputNames}, k))`,
  ];
  if (mode === 'insert') {
    parts.push(`w AS (
      INSERT INTO resource (rid, tenant_id, resource_type, id, version_id, last_updated, deleted, content, compartments)
      SELECT nextval('resource_rid_seq'), $1, i.resource_type, i.id, i.version_id, i.last_updated, i.content IS NULL, i.content,
             coalesce(string_to_array(nullif(i.compartments, ''), ','), '{}')
      FROM input i ORDER BY i.k
      ON CONFLICT (tenant_id, resource_type, id) DO NOTHING
      RETURNING rid, resource_type, id)`);
  } else {
    parts.push(`w AS (
      UPDATE resource r SET version_id = i.version_id, last_updated = i.last_updated, deleted = i.content IS NULL,
             content = i.content,
             compartments = CASE WHEN i.content IS NULL THEN r.compartments
                                 ELSE coalesce(string_to_array(nullif(i.compartments, ''), ','), '{}') END
      FROM input i
      WHERE r.tenant_id = $1 AND r.resource_type = i.resource_type AND r.id = i.id AND r.version_id = i.previous_version
      RETURNING r.rid, r.resource_type, r.id)`);
  }
  parts.push(`h AS (
    INSERT INTO resource_history (tenant_id, resource_type, id, version_id, last_updated, method, content)
    SELECT $1, i.resource_type, i.id, i.version_id, i.last_updated, i.method, i.content
    FROM w JOIN input i ON i.resource_type = w.resource_type AND i.id = w.id)`);
  for (const t of INDEX_TABLES) {
    if (mode === 'update') {
      parts.push(`d_${t.key} AS (DELETE FROM ${t.table} WHERE rid IN (SELECT rid FROM w))`);
    }
    parts.push(`i_${t.key} AS (${insertIndexRows(t, arg, 'w', `JOIN input i ON i.k = x.k
      JOIN w ON w.resource_type = i.resource_type AND w.id = i.id`)})`);
  }
  return { sql: `WITH ${parts.join(',\n')}\nSELECT count(*)::int AS n FROM w`, types };
}

/**
 * The INSERT of one table's index rows from its argument arrays (`x`, numbered by item `k`);
 * `join` brings in `source`, which gives each item's rid and resource type.
 */
function insertIndexRows(t: IndexTable, arg: (type: string) => string, source: string, join: string): string {
  const args = [arg('int'), arg('text'), ...t.columns.map(([, type]) => arg(type))];
  const names = ['k', 'param', ...t.columns.map(([name]) => name)];
  const cols = t.columns.map(([name]) => name);
  return `
      INSERT INTO ${t.table} (rid, tenant_id, resource_type, param, ${cols.join(', ')})
      SELECT ${source}.rid, $1, ${source}.resource_type, x.param, ${t.columns.map(([c, , store]) => (store ? store(`x.${c}`) : `x.${c}`)).join(', ')}
      FROM unnest(${args.join(', ')}) AS x(${names.join(', ')})
      ${join}`;
}

const SQL = { insert: buildSql('insert'), update: buildSql('update') };

/**
 * The same statements wrapped in PL/pgSQL functions, for single writes. PL/pgSQL keeps a plan
 * per session, so a one-resource write no longer pays to parse and plan a large statement each
 * time (measured: about half the database time per write, on PGlite and PostgreSQL alike).
 * Batches keep the plain statement: a plan made for their actual sizes beats a cached generic one.
 * Function names carry a hash of their text, so nodes running different versions never collide.
 */
function routine(mode: 'insert' | 'update', guarded = false): { name: string; create: string; call: string } {
  const { sql, types: writeTypes } = SQL[mode];
  let body = sql.replace(/SELECT count\(\*\)::int AS n FROM w$/, 'SELECT count(*)::int INTO n FROM w');
  const types = guarded ? [...writeTypes, 'bigint', 'boolean'] : writeTypes;
  // The guard's check runs first; the write's statement then takes a fresh snapshot (volatile).
  if (guarded) body = `PERFORM continuum_search_params_check($1, $${types.length - 1}, $${types.length});\n${body}`;
  const name = `continuum_write_${mode}_${guarded ? 'guarded_' : ''}${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
  return {
    name,
    create: `CREATE OR REPLACE FUNCTION ${name}(${types.join(', ')}) RETURNS int LANGUAGE plpgsql AS $fn$
DECLARE n int;
BEGIN
${body};
RETURN n;
END
$fn$`,
    call: `SELECT ${name}(${types.map((_, i) => `$${i + 1}`).join(', ')}) AS n`,
  };
}

const ROUTINES = { insert: routine('insert'), update: routine('update') };
/** Single writes that first check the tenant's search-parameter generation (see WriteGuard). */
const GUARDED = { insert: routine('insert', true), update: routine('update', true) };

/** DDL for the write functions; idempotent, run at every start under the migration lock. */
export function writeRoutines(): string[] {
  return [ROUTINES.insert.create, ROUTINES.update.create, GUARDED.insert.create, GUARDED.update.create];
}

/**
 * Makes a single write check, in its own statement, that the tenant's search parameters are
 * still at `generation` (holding them steady until it commits; exclusively for a SearchParameter
 * write), and fail with SEARCH_PARAMS_CHANGED otherwise. See search-params/provider.ts.
 */
export interface WriteGuard {
  generation: number;
  exclusive: boolean;
}

/** The SQLSTATE of a guarded write whose search parameters changed (migration 004). */
export const SEARCH_PARAMS_CHANGED = 'CN001';

function params(tenantId: string, writes: readonly PreparedWrite[]): unknown[] {
  const out: unknown[] = [
    tenantId,
    writes.map((w) => w.resourceType),
    writes.map((w) => w.id),
    writes.map((w) => w.versionId),
    writes.map((w) => w.previousVersion),
    writes.map((w) => w.lastUpdated),
    writes.map((w) => w.method),
    writes.map((w) => w.content),
    writes.map((w) => w.compartments.join(',')),
  ];
  // A deletion keeps no index rows.
  const rows = writes.map((w) => (w.content === null ? null : w.rows));
  for (const t of INDEX_TABLES) out.push(...indexArrays(t, rows));
  return out;
}

/** One index table's parameter arrays: item number (1-based), param, then each column. */
function indexArrays(t: IndexTable, items: readonly (IndexRows | null)[]): unknown[][] {
  const ks: number[] = [];
  const paramNames: string[] = [];
  const cols: unknown[][] = t.columns.map(() => []);
  items.forEach((rows, i) => {
    if (rows === null) return;
    for (const row of rows[t.key]) {
      ks.push(i + 1);
      paramNames.push(row.param);
      t.values(row as never).forEach((v, c) => cols[c]!.push(v));
    }
  });
  return [ks, paramNames, ...cols];
}

/**
 * New resources' writes as the insert statement's parameters, every array already in PostgreSQL's
 * array-literal text form. Building them is pure CPU, so it can run off the database's thread
 * (the seeder's worker does); `writeInsertParams` then sends them as they are.
 */
export function insertParamLiterals(tenantId: string, writes: readonly PreparedWrite[]): string[] {
  if (writes.some((w) => w.previousVersion !== 0)) throw new Error('insertParamLiterals takes new resources only');
  return params(tenantId, writes).map((p, i) => (i === 0 ? String(p) : arrayLiteral(p as unknown[])));
}

/** Inserts new resources from `insertParamLiterals`; returns how many took effect (fewer: an id existed). */
export async function writeInsertParams(q: Queryable, literals: readonly string[]): Promise<number> {
  const res = await q.query<{ n: number }>(SQL.insert.sql, literals);
  return Number(res.rows[0]?.n ?? 0);
}

/** Returns how many of the writes took effect (the rest hit an existing id or a newer version). */
export async function writeVersions(
  q: Queryable,
  tenantId: string,
  mode: 'insert' | 'update',
  writes: readonly PreparedWrite[],
  guard?: WriteGuard,
): Promise<number> {
  if (writes.length === 0) return 0;
  if (guard) {
    if (writes.length !== 1) throw new Error('a guarded write holds one resource');
    const res = await q.query<{ n: number }>(GUARDED[mode].call, [...params(tenantId, writes), guard.generation, guard.exclusive]);
    return Number(res.rows[0]?.n ?? 0);
  }
  const sql = writes.length === 1 ? ROUTINES[mode].call : SQL[mode].sql;
  const res = await q.query<{ n: number }>(sql, params(tenantId, writes));
  return Number(res.rows[0]?.n ?? 0);
}

/** The reindex statement: for each rid, delete its index rows, insert the given ones, fix compartments. */
function buildReindexSql(): string {
  let n = 4; // $1 tenant, $2 rids, $3 resource types, $4 compartments
  const arg = (type: string): string => `$${++n}::${type}[]`;
  const parts = [
    `b AS (SELECT * FROM unnest($2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS b(rid, resource_type, compartments, k))`,
    `c AS (UPDATE resource r SET compartments = coalesce(string_to_array(nullif(b.compartments, ''), ','), '{}')
      FROM b WHERE r.rid = b.rid AND r.compartments IS DISTINCT FROM coalesce(string_to_array(nullif(b.compartments, ''), ','), '{}'))`,
  ];
  for (const t of INDEX_TABLES) {
    parts.push(`d_${t.key} AS (DELETE FROM ${t.table} WHERE rid IN (SELECT rid FROM b))`);
    parts.push(`i_${t.key} AS (${insertIndexRows(t, arg, 'b', 'JOIN b ON b.k = x.k')})`);
  }
  return `WITH ${parts.join(',\n')}\nSELECT count(*)::int AS n FROM b`;
}

let reindexSql: string | undefined;

/** The index tables `replaceIndexRows` rewrites (every one: it deletes a resource's rows in each). */
export const REINDEXED_TABLES: readonly string[] = INDEX_TABLES.map((t) => t.table);

/**
 * Replaces the index rows (and patient compartments) of existing resources, in one statement:
 * the reindex job's write. Rows are turned into columns exactly as for a versioned write.
 */
export async function replaceIndexRows(
  q: Queryable,
  tenantId: string,
  items: readonly { rid: number; resourceType: string; rows: IndexRows; compartments: readonly string[] }[],
): Promise<void> {
  if (items.length === 0) return;
  reindexSql ??= buildReindexSql();
  const rows = items.map((i) => i.rows);
  const values: unknown[] = [tenantId, items.map((i) => i.rid), items.map((i) => i.resourceType), items.map((i) => i.compartments.join(','))];
  for (const t of INDEX_TABLES) values.push(...indexArrays(t, rows));
  await q.query(reindexSql, values);
}
