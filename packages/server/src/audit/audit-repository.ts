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

  /** Appends the entries, in order, after the current head, in one transaction. */
  async append(entries: readonly Omit<AuditFields, 'seq'>[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
      // Read under the lock: the head another process committed while this one waited is visible.
      let { seq, hash } = await head(tx);
      let next = BigInt(seq);
      const rows: AuditRow[] = entries.map((e) => {
        next += 1n;
        const fields: AuditFields = { ...e, seq: next.toString() };
        const row = { ...fields, prevHash: hash, hash: entryHash(hash, fields) };
        hash = row.hash;
        return row;
      });
      seq = next.toString();
      await tx.query(INSERT, [JSON.stringify(rows)]);
      await tx.query('UPDATE audit_head SET seq = $1::bigint, hash = $2 WHERE id = 1', [seq, hash]);
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

async function head(q: Queryable): Promise<AuditHead> {
  const row = (await q.query<AuditHead>(HEAD)).rows[0];
  if (!row) throw new Error('the audit head is missing (migration 008 inserts it)');
  return row;
}
