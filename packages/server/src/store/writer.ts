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
import type { Queryable } from '../db/database.ts';
import { INDEX_TABLES } from './index-tables.ts';
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
    const args = [arg('int'), arg('text'), ...t.columns.map(([, type]) => arg(type))];
    const names = ['k', 'param', ...t.columns.map(([name]) => name)];
    const cols = t.columns.map(([name]) => name);
    parts.push(`i_${t.key} AS (
      INSERT INTO ${t.table} (rid, tenant_id, resource_type, param, ${cols.join(', ')})
      SELECT w.rid, $1, w.resource_type, x.param, ${t.columns.map(([c, , store]) => (store ? store(`x.${c}`) : `x.${c}`)).join(', ')}
      FROM unnest(${args.join(', ')}) AS x(${names.join(', ')})
      JOIN input i ON i.k = x.k
      JOIN w ON w.resource_type = i.resource_type AND w.id = i.id)`);
  }
  return { sql: `WITH ${parts.join(',\n')}\nSELECT count(*)::int AS n FROM w`, types };
}

const SQL = { insert: buildSql('insert'), update: buildSql('update') };

/**
 * The same statements wrapped in PL/pgSQL functions, for single writes. PL/pgSQL keeps a plan
 * per session, so a one-resource write no longer pays to parse and plan a large statement each
 * time (measured: about half the database time per write, on PGlite and PostgreSQL alike).
 * Batches keep the plain statement: a plan made for their actual sizes beats a cached generic one.
 * Function names carry a hash of their text, so nodes running different versions never collide.
 */
function routine(mode: 'insert' | 'update'): { name: string; create: string; call: string } {
  const { sql, types } = SQL[mode];
  const body = sql.replace(/SELECT count\(\*\)::int AS n FROM w$/, 'SELECT count(*)::int INTO n FROM w');
  const name = `continuum_write_${mode}_${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
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

/** DDL for the write functions; idempotent, run at every start under the migration lock. */
export function writeRoutines(): string[] {
  return [ROUTINES.insert.create, ROUTINES.update.create];
}

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
  for (const t of INDEX_TABLES) {
    const ks: number[] = [];
    const paramNames: string[] = [];
    const cols: unknown[][] = t.columns.map(() => []);
    writes.forEach((w, i) => {
      if (w.content === null) return; // a deletion keeps no index rows
      for (const row of w.rows[t.key]) {
        ks.push(i + 1);
        paramNames.push(row.param);
        t.values(row as never).forEach((v, c) => cols[c]!.push(v));
      }
    });
    out.push(ks, paramNames, ...cols);
  }
  return out;
}

/** Returns how many of the writes took effect (the rest hit an existing id or a newer version). */
export async function writeVersions(
  q: Queryable,
  tenantId: string,
  mode: 'insert' | 'update',
  writes: readonly PreparedWrite[],
): Promise<number> {
  if (writes.length === 0) return 0;
  const sql = writes.length === 1 ? ROUTINES[mode].call : SQL[mode].sql;
  const res = await q.query<{ n: number }>(sql, params(tenantId, writes));
  return Number(res.rows[0]?.n ?? 0);
}
