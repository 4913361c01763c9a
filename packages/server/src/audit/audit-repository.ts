/**
 * The only code that touches the audit tables' SQL: appending a batch to the chain under the
 * audit advisory lock, reading the head, reading the chain in seq order, and the report query.
 * Rows come back in the exact form the hash was computed over (seq as text, recorded as ISO
 * milliseconds in UTC), so verification compares like with like on both backends.
 */
import type { Database, Queryable } from '../db/database.ts';
import { entryHash } from './chain.ts';
import { AuditError, type AuditFields, type AuditRow } from './types.ts';

/** Serialises appends across every process writing to the database. */
const AUDIT_LOCK_KEY = 4_242_008;

export interface AuditHead {
  seq: string;
  hash: string;
}

export interface AuditFilter {
  tenant: string;
  /** A user id or a username (any case). */
  user?: string;
  patient?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  action?: string;
  /** Page size, 1..1000; default 50. */
  count?: number;
  /** Keyset cursor: only entries older than this seq (the last seq of the previous page). */
  after?: string;
}

const COLUMNS = `seq::text AS seq, tenant_id AS "tenantId",
  to_char(recorded AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded, action, outcome, priority,
  user_id AS "userId", username, fhir_user AS "fhirUser", role, client_id AS "clientId", patients, resource, query,
  source_ip AS "sourceIp", detail, prev_hash AS "prevHash", hash`;

const INSERT = `INSERT INTO audit_entry (seq, tenant_id, recorded, action, outcome, priority, user_id, username, fhir_user,
    role, client_id, patients, resource, query, source_ip, detail, prev_hash, hash)
  SELECT seq, "tenantId", recorded, action, outcome, priority, "userId", username, "fhirUser",
    role, "clientId", patients, resource, query, "sourceIp", detail, "prevHash", hash
  FROM jsonb_to_recordset($1::jsonb) AS x(seq bigint, "tenantId" text, recorded timestamptz, action text, outcome text,
    priority text, "userId" text, username text, "fhirUser" text, role text, "clientId" text, patients text[],
    resource text, query text, "sourceIp" text, detail text, "prevHash" text, hash text)`;

export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** The head this process last wrote or read: the expected predecessor of its next append. */
  private known: AuditHead | undefined;

  /**
   * Appends the entries, in order, after the current head. The fast path is one statement: it
   * moves the head from the one this process knows to the new one and inserts the entries only
   * if that move succeeded, so an append that raced another process's changes nothing (the row
   * lock on the head serialises them). It then re-reads the head and tries again; after a few
   * lost races it takes the advisory lock and appends in a transaction of its own.
   */
  async append(entries: readonly Omit<AuditFields, 'seq'>[]): Promise<void> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const from = this.known ?? (await head(this.db));
      const { rows, last } = chain(from, entries);
      const res = await this.db.query(APPEND_IF_HEAD, [JSON.stringify(rows), last.seq, last.hash, from.seq, from.hash], { name: 'audit_append' });
      if (res.rowCount === entries.length) {
        this.known = last;
        return;
      }
      if (res.rowCount !== 0) throw new AuditError(`audit append wrote ${res.rowCount} of ${entries.length} entries`);
      this.known = undefined;
    }
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
      // Read under the lock: the head another process committed while this one waited is visible.
      // FOR UPDATE: an optimistic append still in flight cannot commit between this read and the insert.
      const { rows, last } = chain(await head(tx, true), entries);
      await tx.query(INSERT, [JSON.stringify(rows)]);
      await tx.query('UPDATE audit_head SET seq = $1::bigint, hash = $2 WHERE id = 1', [last.seq, last.hash]);
      this.known = last;
    });
  }

  /** The head, or undefined when its row is gone (which verification reports). */
  async head(): Promise<AuditHead | undefined> {
    return (await this.db.query<AuditHead>(HEAD)).rows[0];
  }

  /** Up to `limit` entries with seq greater than `afterSeq`, in chain order. */
  async page(afterSeq: string, limit: number, untilSeq: string): Promise<AuditRow[]> {
    const res = await this.db.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_entry WHERE seq > $1::bigint AND seq <= $2::bigint ORDER BY audit_entry.seq LIMIT $3`,
      [afterSeq, untilSeq, limit],
    );
    return res.rows;
  }

  /** The report: one tenant's entries matching the filter, newest first. */
  async search(filter: AuditFilter): Promise<AuditRow[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [filter.tenant];
    const param = (v: unknown): string => `$${params.push(v)}`;
    if (filter.user !== undefined) {
      const p = param(filter.user);
      where.push(`(user_id = ${p} OR lower(username) = lower(${p}))`);
    }
    if (filter.patient !== undefined) where.push(`patients @> ARRAY[${param(filter.patient)}]::text[]`);
    if (filter.from !== undefined) where.push(`recorded >= ${param(filter.from.toISOString())}::timestamptz`);
    if (filter.to !== undefined) where.push(`recorded < ${param(filter.to.toISOString())}::timestamptz`);
    if (filter.action !== undefined) where.push(`action = ${param(filter.action)}`);
    if (filter.after !== undefined && !/^[0-9]{1,18}$/.test(filter.after)) throw new AuditError(`invalid audit cursor '${filter.after}'`);
    if (filter.after !== undefined) where.push(`seq < ${param(filter.after)}::bigint`);
    const count = Math.min(Math.max(Math.trunc(filter.count ?? 50), 1), 1000);
    const res = await this.db.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_entry WHERE ${where.join(' AND ')} ORDER BY audit_entry.seq DESC LIMIT ${param(count)}`,
      params,
    );
    return res.rows;
  }
}

const HEAD = 'SELECT seq::text AS seq, hash FROM audit_head WHERE id = 1';

/** Moves the head from $4/$5 to $2/$3 and inserts the entries ($1), or does neither. */
const APPEND_IF_HEAD = `WITH moved AS (
    UPDATE audit_head SET seq = $2::bigint, hash = $3 WHERE id = 1 AND seq = $4::bigint AND hash = $5 RETURNING 1
  )
  ${INSERT} WHERE EXISTS (SELECT 1 FROM moved)`;

/** The entries chained after `from`: seq and hashes assigned. */
function chain(from: AuditHead, entries: readonly Omit<AuditFields, 'seq'>[]): { rows: AuditRow[]; last: AuditHead } {
  let hash = from.hash;
  let next = BigInt(from.seq);
  const rows = entries.map((e) => {
    next += 1n;
    const fields: AuditFields = { ...e, seq: next.toString() };
    const row: AuditRow = { ...fields, prevHash: hash, hash: entryHash(hash, fields) };
    hash = row.hash;
    return row;
  });
  return { rows, last: { seq: next.toString(), hash } };
}

async function head(q: Queryable, forUpdate = false): Promise<AuditHead> {
  const row = (await q.query<AuditHead>(forUpdate ? `${HEAD} FOR UPDATE` : HEAD)).rows[0];
  if (!row) throw new Error('the audit head is missing (migration 008 inserts it)');
  return row;
}
