/**
 * The versioned resource store: reads current rows and history, and commits prepared writes.
 *
 * It is the only code that touches the resource and history tables. It knows nothing of HTTP or
 * of FHIR interaction rules (those live in the repository); it does know that a write replacing
 * version N must find version N still current, and reports a conflict otherwise.
 */
import type { Queryable } from '../db/database.ts';
import { conflict } from '@continuum/fhir';
import type { PreparedWrite, StoredVersion, WriteMethod } from './types.ts';
import { SEARCH_PARAMS_CHANGED, writeVersions, type WriteGuard } from './writer.ts';

interface Row {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: string;
  deleted?: boolean;
  content: string | null;
  method?: WriteMethod;
}

function toStored(r: Row): StoredVersion {
  return {
    resourceType: r.resource_type,
    id: r.id,
    versionId: Number(r.version_id),
    lastUpdated: r.last_updated,
    deleted: r.deleted ?? r.content === null,
    content: r.content,
    ...(r.method ? { method: r.method } : {}),
  };
}

export async function readCurrent(q: Queryable, tenantId: string, type: string, id: string): Promise<StoredVersion | undefined> {
  const res = await q.query<Row>(
    'SELECT resource_type, id, version_id, last_updated, deleted, content FROM resource WHERE tenant_id = $1 AND resource_type = $2 AND id = $3',
    [tenantId, type, id],
    { name: 'continuum_read_current' },
  );
  return res.rows[0] ? toStored(res.rows[0]) : undefined;
}

/** Current versions of many resources of one tenant, keyed `Type/id`. */
export async function readCurrentMany(
  q: Queryable,
  tenantId: string,
  keys: readonly { resourceType: string; id: string }[],
): Promise<Map<string, StoredVersion>> {
  const out = new Map<string, StoredVersion>();
  if (keys.length === 0) return out;
  const res = await q.query<Row>(
    `SELECT r.resource_type, r.id, r.version_id, r.last_updated, r.deleted, r.content
     FROM unnest($2::text[], $3::text[]) AS k(resource_type, id)
     JOIN resource r ON r.tenant_id = $1 AND r.resource_type = k.resource_type AND r.id = k.id`,
    [tenantId, keys.map((k) => k.resourceType), keys.map((k) => k.id)],
  );
  for (const row of res.rows) out.set(`${row.resource_type}/${row.id}`, toStored(row));
  return out;
}

export async function readVersion(
  q: Queryable,
  tenantId: string,
  type: string,
  id: string,
  versionId: number,
): Promise<StoredVersion | undefined> {
  const res = await q.query<Row>(
    `SELECT resource_type, id, version_id, last_updated, method, content FROM resource_history
     WHERE tenant_id = $1 AND resource_type = $2 AND id = $3 AND version_id = $4`,
    [tenantId, type, id, versionId],
  );
  return res.rows[0] ? toStored(res.rows[0]) : undefined;
}

export interface HistoryQuery {
  resourceType?: string;
  id?: string;
  since?: string;
  /** Keyset cursor: the last row of the previous page. */
  after?: { lastUpdated: string; resourceType: string; id: string; versionId: number };
  count: number;
}

/** Newest first; ties on time are broken by type, id and version so that paging is stable. */
export async function readHistory(q: Queryable, tenantId: string, h: HistoryQuery): Promise<StoredVersion[]> {
  const params: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  if (h.resourceType) where.push(`resource_type = $${params.push(h.resourceType)}`);
  if (h.id) where.push(`id = $${params.push(h.id)}`);
  if (h.since) where.push(`last_updated >= $${params.push(h.since)}::timestamptz`);
  if (h.after) {
    const a = h.after;
    where.push(
      `(last_updated, resource_type, id, version_id) < ($${params.push(a.lastUpdated)}::timestamptz, $${params.push(a.resourceType)}, $${params.push(a.id)}, $${params.push(a.versionId)})`,
    );
  }
  const limit = params.push(h.count);
  const res = await q.query<Row>(
    `SELECT resource_type, id, version_id, last_updated, method, content FROM resource_history
     WHERE ${where.join(' AND ')}
     ORDER BY last_updated DESC, resource_type DESC, id DESC, version_id DESC LIMIT $${limit}`,
    params,
  );
  return res.rows.map(toStored);
}

/**
 * Commits writes: new resources (previousVersion 0) and replacements. Throws a 409 conflict when
 * any write lost its race; inside a transaction the caller's rollback then undoes the rest.
 * With a guard (one write), throws SearchParamsChanged when its parameters moved on.
 */
export async function commitWrites(q: Queryable, tenantId: string, writes: readonly PreparedWrite[], guard?: WriteGuard): Promise<void> {
  const inserts = writes.filter((w) => w.previousVersion === 0);
  const updates = writes.filter((w) => w.previousVersion !== 0);
  let inserted: number;
  let updated: number;
  try {
    inserted = await writeVersions(q, tenantId, 'insert', inserts, inserts.length > 0 ? guard : undefined);
    updated = await writeVersions(q, tenantId, 'update', updates, updates.length > 0 ? guard : undefined);
  } catch (err) {
    if ((err as { code?: unknown }).code === SEARCH_PARAMS_CHANGED) throw new SearchParamsChanged();
    throw err;
  }
  if (inserted !== inserts.length || updated !== updates.length) {
    throw new VersionConflict();
  }
}

/** A guarded write (see WriteGuard) indexed with search parameters that are no longer current. */
export class SearchParamsChanged extends Error {
  constructor() {
    super('search parameters changed');
    this.name = 'SearchParamsChanged';
  }
}

/** A write whose expected version was no longer current. Retried by the repository, else 409. */
export class VersionConflict extends Error {
  constructor() {
    super('version conflict');
    this.name = 'VersionConflict';
  }
  toOutcome(): ReturnType<typeof conflict> {
    return conflict('The resource was changed by another request; retry with the current version');
  }
}
