/**
 * The SQL behind `Patient/$everything`: one page of a patient's compartment, and the resources
 * that page points at which belong to no patient (Practitioner, Organization, Location,
 * Medication, ...).
 *
 * Members page by keyset on the surrogate row id through the indexes of migration 005, so a page
 * costs the same however deep it is and however large the table. Referenced resources are found
 * through the `sp_reference` rows of the page's members, so only references covered by a search
 * parameter are followed. A referenced resource that is in any patient's compartment is never
 * included: this patient's own data comes back as members (under the same filters), and another
 * patient's data must never leak in through a reference.
 *
 * A care-date range (`start`/`end`) keeps, of the types that have a care date, the resources
 * whose care-date rows (`sp_date`, the clinical-date parameter) overlap it, and every resource
 * that has no such row; members and included resources alike.
 * It knows nothing about HTTP or Bundles.
 */
import type { Queryable } from '../db/database.ts';

export interface EverythingQuery {
  patientId: string;
  count: number;
  afterRid?: number;
  /** Only resources with last_updated at or after this instant. */
  since?: string;
  /** Only resources of these types (members and included alike). */
  types?: readonly string[];
  /** Care dates: `[low, high)` instants (open ends as `-infinity`/`infinity`). */
  care?: CareRange;
}

export interface CareRange {
  low: string;
  high: string;
  /** The types that have a care date, and the parameter whose date rows hold it. */
  types: readonly string[];
  param: string;
}

/**
 * Keeps the row `rid` (of type `type`) unless it has care dates and none overlaps the range. The
 * date rows are found by rid (index sp_date_rid), so the test costs a probe per candidate row.
 */
function careFilter(rid: string, type: string, care: CareRange, add: (v: unknown) => string): string {
  const rows = `FROM sp_date d WHERE d.rid = ${rid} AND d.param = ${add(care.param)} AND d.grp IS NULL`;
  return `(${type} <> ALL(${add(care.types)}::text[]) OR NOT EXISTS (SELECT 1 ${rows})
    OR EXISTS (SELECT 1 ${rows} AND d.low < ${add(care.high)}::timestamptz AND d.high > ${add(care.low)}::timestamptz))`;
}

export interface EverythingRow {
  rid: number;
  resourceType: string;
  id: string;
  content: string;
}

export interface EverythingPage {
  members: EverythingRow[];
  /** Non-patient resources the members reference, each once, in row order. */
  included: EverythingRow[];
  /** The keyset cursor for the next page, when there may be one. */
  nextAfter?: number;
}

interface Row {
  rid: number | string;
  resource_type: string;
  id: string;
  content: string;
}

const toRow = (r: Row): EverythingRow => ({ rid: Number(r.rid), resourceType: r.resource_type, id: r.id, content: r.content });

export async function everythingPage(q: Queryable, tenantId: string, e: EverythingQuery): Promise<EverythingPage> {
  const params: unknown[] = [tenantId, e.patientId];
  const add = (v: unknown): string => `$${params.push(v)}`;
  const filters = ['NOT deleted'];
  if (e.since !== undefined) filters.push(`last_updated >= ${add(e.since)}::timestamptz`);
  if (e.types !== undefined) filters.push(`resource_type = ANY(${add(e.types)}::text[])`);
  if (e.care !== undefined) filters.push(careFilter('resource.rid', 'resource_type', e.care, add));
  const after = add(e.afterRid ?? 0);
  const limit = add(e.count + 1);
  // The union of two disjoint sets (see migration 005): rows whose first compartment is this
  // patient, read in rid order from the keyset btree, and the few rows that hold the patient in
  // a later position, from the partial GIN index. `rid + 0` keeps the planner from walking the
  // whole rid index for the second set, which it misjudges as large.
  const res = await q.query<Row>(
    `SELECT r.rid, r.resource_type, r.id, r.content FROM resource r WHERE r.rid IN (
       (SELECT rid FROM resource WHERE tenant_id = $1 AND compartments[1] = $2::text AND rid > ${after}::bigint AND ${filters.join(' AND ')}
        ORDER BY rid LIMIT ${limit})
       UNION ALL
       (SELECT rid FROM resource WHERE tenant_id = $1 AND cardinality(compartments) > 1 AND compartments @> ARRAY[$2::text]
          AND compartments[1] <> $2::text AND rid + 0 > ${after}::bigint AND ${filters.join(' AND ')}))
     ORDER BY r.rid LIMIT ${limit}`,
    params,
  );
  const rows = res.rows.map(toRow);
  const more = rows.length > e.count;
  const members = more ? rows.slice(0, e.count) : rows;
  const last = members[members.length - 1];
  const included = members.length > 0 ? await referenced(q, tenantId, members, e) : [];
  return { members, included, ...(more && last ? { nextAfter: last.rid } : {}) };
}

async function referenced(q: Queryable, tenantId: string, members: readonly EverythingRow[], e: EverythingQuery): Promise<EverythingRow[]> {
  const params: unknown[] = [tenantId, members.map((m) => m.rid)];
  const where = ["t.compartments = '{}'", 'NOT t.deleted'];
  const add = (v: unknown): string => `$${params.push(v)}`;
  if (e.since !== undefined) where.push(`t.last_updated >= ${add(e.since)}::timestamptz`);
  if (e.types !== undefined) where.push(`t.resource_type = ANY(${add(e.types)}::text[])`);
  if (e.care !== undefined) where.push(careFilter('t.rid', 't.resource_type', e.care, add));
  const res = await q.query<Row>(
    `SELECT t.rid, t.resource_type, t.id, t.content FROM resource t
     WHERE t.tenant_id = $1 AND (t.resource_type, t.id) IN (
       SELECT s.target_type, s.target_id FROM sp_reference s WHERE s.rid = ANY($2::bigint[]) AND s.tenant_id = $1)
       AND ${where.join(' AND ')}
     ORDER BY t.rid`,
    params,
  );
  return res.rows.map(toRow);
}
