/**
 * The only code that touches the audit tables' SQL: appending a batch to a lane's chain, reading
 * the heads, reading a lane's chain in order, and the report query. Rows come back in the exact
 * form the hash was computed over (positions as text, recorded as ISO milliseconds in UTC), so
 * verification compares like with like on both backends.
 */
import type { Database, Queryable } from '../db/database.ts';
import { entryHash } from './chain.ts';
import { AuditError, type AuditContent, type AuditFields, type AuditRow } from './types.ts';

/** With the lane as second key, serialises a lane's locked appends across every process. */
const AUDIT_LOCK_KEY = 4_242_008;

/** The end of one lane's chain: its last position (0 when empty) and that entry's hash. */
export interface AuditHead {
  lane: number;
  pos: string;
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

const COLUMNS = `seq::text AS seq, lane, pos::text AS pos, tenant_id AS "tenantId",
  to_char(recorded AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded, action, outcome, priority,
  user_id AS "userId", username, fhir_user AS "fhirUser", role, client_id AS "clientId", patients, resource, query,
  source_ip AS "sourceIp", detail, prev_hash AS "prevHash", hash`;

// seq comes from its sequence, in the order of the rows (ORDER BY pos).
const INSERT = `INSERT INTO audit_entry (lane, pos, tenant_id, recorded, action, outcome, priority, user_id, username, fhir_user,
    role, client_id, patients, resource, query, source_ip, detail, prev_hash, hash)
  SELECT lane, pos, "tenantId", recorded, action, outcome, priority, "userId", username, "fhirUser",
    role, "clientId", patients, resource, query, "sourceIp", detail, "prevHash", hash
  FROM jsonb_to_recordset($1::jsonb) AS x(lane smallint, pos bigint, "tenantId" text, recorded timestamptz, action text, outcome text,
    priority text, "userId" text, username text, "fhirUser" text, role text, "clientId" text, patients text[],
    resource text, query text, "sourceIp" text, detail text, "prevHash" text, hash text)`;
const ORDERED = ' ORDER BY x.pos';

export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** Per lane, the head this process last wrote or read: the expected predecessor of its next append. */
  private readonly known = new Map<number, AuditHead>();

  /**
   * Appends the entries, in order, after the lane's head. The fast path is one statement: it
   * moves the head from the one this process knows to the new one and inserts the entries only
   * if that move succeeded, so an append that raced another process's on the same lane changes
   * nothing (the row lock on the head serialises them). It then re-reads the head and tries
   * again; after a few lost races it takes the lane's advisory lock and appends in a transaction
   * of its own. Appends to different lanes do not wait for each other.
   */
  async append(lane: number, entries: readonly AuditContent[]): Promise<void> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const from = this.known.get(lane) ?? (await head(this.db, lane));
      const { rows, last } = chain(from, entries);
      const res = await this.db.query(APPEND_IF_HEAD, [JSON.stringify(rows), last.pos, last.hash, from.pos, from.hash, lane + 1], { name: 'audit_append' });
      if (res.rowCount === entries.length) {
        this.known.set(lane, last);
        return;
      }
      if (res.rowCount !== 0) throw new AuditError(`audit append wrote ${res.rowCount} of ${entries.length} entries`);
      this.known.delete(lane);
    }
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [AUDIT_LOCK_KEY, lane]);
      // Read under the lock: the head another process committed while this one waited is visible.
      // FOR UPDATE: an optimistic append still in flight cannot commit between this read and the insert.
      const { rows, last } = chain(await head(tx, lane, true), entries);
      await tx.query(INSERT + ORDERED, [JSON.stringify(rows)]);
      await tx.query('UPDATE audit_head SET pos = $1::bigint, hash = $2 WHERE id = $3', [last.pos, last.hash, lane + 1]);
      this.known.set(lane, last);
    });
  }

  /** Every lane's head, by lane; a lane whose row is gone is missing (which verification reports). */
  async heads(): Promise<AuditHead[]> {
    return (await this.db.query<AuditHead>(`${HEAD} ORDER BY id`)).rows;
  }

  /** Up to `limit` entries of the lane with pos greater than `afterPos` and at most `untilPos`, in chain order. */
  async page(lane: number, afterPos: string, limit: number, untilPos: string): Promise<AuditRow[]> {
    const res = await this.db.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_entry WHERE lane = $1 AND pos > $2::bigint AND pos <= $3::bigint ORDER BY audit_entry.pos LIMIT $4`,
      [lane, afterPos, untilPos, limit],
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

const HEAD = 'SELECT id - 1 AS lane, pos::text AS pos, hash FROM audit_head';

/** Moves lane $6's head from $4/$5 to $2/$3 and inserts the entries ($1), or does neither. */
const APPEND_IF_HEAD = `WITH moved AS (
    UPDATE audit_head SET pos = $2::bigint, hash = $3 WHERE id = $6 AND pos = $4::bigint AND hash = $5 RETURNING 1
  )
  ${INSERT} WHERE EXISTS (SELECT 1 FROM moved)${ORDERED}`;

/** The entries chained after `from`: places and hashes assigned. */
function chain(from: AuditHead, entries: readonly AuditContent[]): { rows: Omit<AuditRow, 'seq'>[]; last: AuditHead } {
  let hash = from.hash;
  let next = BigInt(from.pos);
  const rows = entries.map((e) => {
    next += 1n;
    const fields: AuditFields = { ...e, lane: from.lane, pos: next.toString() };
    const row = { ...fields, prevHash: hash, hash: entryHash(hash, fields) };
    hash = row.hash;
    return row;
  });
  return { rows, last: { lane: from.lane, pos: next.toString(), hash } };
}

async function head(q: Queryable, lane: number, forUpdate = false): Promise<AuditHead> {
  const row = (await q.query<AuditHead>(`${HEAD} WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [lane + 1])).rows[0];
  if (!row) throw new Error(`the audit head of lane ${lane} is missing (migrations 008 and 010 insert them)`);
  return row;
}
