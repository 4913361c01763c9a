/**
 * The only code that touches the audit tables' SQL: appending a batch to a lane's chain, reading
 * the heads, reading a lane's chain in order, and the report query. Since migration 025 a batch
 * is one row of audit_batch; the per-entry rows written before it (audit_entry) are read, never
 * written. Rows come back in the exact form the hash was computed over (positions as text,
 * recorded as ISO milliseconds in UTC), so verification compares like with like on both backends.
 */
import { arrayLiteral } from '../db/array-literal.ts';
import type { Database, Queryable } from '../db/database.ts';
import { BATCH_FIELDS, batchHash, batchIndex, batchText, MAX_BATCH, type BatchIndex } from './chain.ts';
import { AuditError, type AuditContent, type AuditRow } from './types.ts';

/** With the lane as second key, serialises a lane's locked appends across every process. */
const AUDIT_LOCK_KEY = 4_242_008;

/** The end of one lane's chain: its last position (0 when empty) and that entry's hash. */
export interface AuditHead {
  lane: number;
  pos: string;
  hash: string;
}

/** One link of a lane's chain, as stored: an entry written before migration 025, or a batch. */
export type ChainLink =
  | { kind: 'entry'; row: AuditRow & { prevHash: string; hash: string } }
  | {
    kind: 'batch';
    /** The first entry's id. */
    seq: string;
    lane: number;
    /** The first entry's position. */
    pos: string;
    n: number;
    /** The entries, as hashed. */
    entries: string;
    /** The report's columns, as stored. */
    index: BatchIndex;
    prevHash: string;
    hash: string;
  };

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

const RECORDED = (col: string): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A pre-025 entry's report columns. */
const ENTRY_COLUMNS = `seq::text AS seq, lane, pos::text AS pos, tenant_id AS "tenantId", ${RECORDED('recorded')} AS recorded, action,
  outcome, priority, user_id AS "userId", username, fhir_user AS "fhirUser", role, client_id AS "clientId", patients, resource, query,
  source_ip AS "sourceIp", detail`;

/** Where a field sits in a batch entry's JSON array, for the SQL that reads it. */
const at = (field: (typeof BATCH_FIELDS)[number]): number => BATCH_FIELDS.indexOf(field);

/** The same columns read from one entry (e.x, the i-th from 1) of a batch b. */
const BATCH_ENTRY_COLUMNS = `(b.seq + e.i - 1)::text AS seq, b.lane, (b.pos + e.i - 1)::text AS pos, ${BATCH_FIELDS.map((k, i) =>
  k === 'patients' ? `ARRAY(SELECT jsonb_array_elements_text(e.x->${i})) AS patients` : `e.x->>${i} AS "${k}"`).join(', ')}`;
const BATCH_ENTRIES = 'audit_batch b CROSS JOIN LATERAL jsonb_array_elements(b.entries::jsonb) WITH ORDINALITY AS e(x, i)';

const BATCH_COLUMNS = `seq::text AS seq, lane, pos::text AS pos, n, entries, tenants, patients, users, actions,
  ${RECORDED('recorded_min')} AS "recordedMin", ${RECORDED('recorded_max')} AS "recordedMax", prev_hash AS "prevHash", hash`;

const INSERT_BATCH = `INSERT INTO audit_batch (seq, lane, pos, n, entries, tenants, patients, users, actions, recorded_min, recorded_max, prev_hash, hash)
  SELECT nextval('audit_batch_seq'), $1, $2::bigint, $3, $4, $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz, $10::timestamptz, $11, $12`;

/** Moves lane $1's head from $13/$11 to the batch's last position $14 and its hash $12, and inserts the batch; or does neither. */
const APPEND_IF_HEAD = `WITH moved AS (
    UPDATE audit_head SET pos = $14::bigint, hash = $12 WHERE id = $1 + 1 AND pos = $13::bigint AND hash = $11 RETURNING 1
  )
  ${INSERT_BATCH} WHERE EXISTS (SELECT 1 FROM moved)`;

interface Batch {
  lane: number;
  pos: string;
  n: number;
  text: string;
  index: BatchIndex;
  prevHash: string;
  hash: string;
  /** The lane's head once the batch is in. */
  last: AuditHead;
}

/** The entries as the batch that follows `from` in its lane. */
function batchAfter(from: AuditHead, entries: readonly AuditContent[]): Batch {
  const first = BigInt(from.pos) + 1n;
  const pos = first.toString();
  const text = batchText(entries);
  const hash = batchHash(from.hash, from.lane, pos, text);
  return {
    lane: from.lane, pos, n: entries.length, text, index: batchIndex(entries), prevHash: from.hash, hash,
    last: { lane: from.lane, pos: (first + BigInt(entries.length) - 1n).toString(), hash },
  };
}

/** The parameters of INSERT_BATCH ($1..$12). */
function batchParams(b: Batch): unknown[] {
  const x = b.index;
  return [b.lane, b.pos, b.n, b.text, arrayLiteral(x.tenants), arrayLiteral(x.patients), arrayLiteral(x.users), arrayLiteral(x.actions), x.recordedMin, x.recordedMax, b.prevHash, b.hash];
}

export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** Per lane, the head this process last wrote or read: the expected predecessor of its next append. */
  private readonly known = new Map<number, AuditHead>();

  /**
   * Appends the entries, in order, as one batch after the lane's head. The fast path is one
   * statement: it moves the head from the one this process knows to the new one and inserts the
   * batch only if that move succeeded, so an append that raced another process's on the same lane
   * changes nothing (the row lock on the head serialises them). It then re-reads the head and
   * tries again; after a few lost races it takes the lane's advisory lock and appends in a
   * transaction of its own. Appends to different lanes do not wait for each other.
   */
  async append(lane: number, entries: readonly AuditContent[]): Promise<void> {
    if (entries.length === 0) return;
    if (entries.length > MAX_BATCH) throw new AuditError(`an audit batch holds at most ${MAX_BATCH} entries, got ${entries.length}`);
    for (let attempt = 0; attempt < 4; attempt++) {
      const from = this.known.get(lane) ?? (await head(this.db, lane));
      const batch = batchAfter(from, entries);
      const res = await this.db.query(APPEND_IF_HEAD, [...batchParams(batch), from.pos, batch.last.pos], { name: 'audit_append_batch' });
      if (res.rowCount === 1) {
        this.known.set(lane, batch.last);
        return;
      }
      if (res.rowCount !== 0) throw new AuditError(`audit append wrote ${res.rowCount} batches instead of one`);
      this.known.delete(lane);
    }
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [AUDIT_LOCK_KEY, lane]);
      // Read under the lock: the head another process committed while this one waited is visible.
      // FOR UPDATE: an optimistic append still in flight cannot commit between this read and the insert.
      const batch = batchAfter(await head(tx, lane, true), entries);
      await tx.query(INSERT_BATCH, batchParams(batch));
      await tx.query('UPDATE audit_head SET pos = $1::bigint, hash = $2 WHERE id = $3', [batch.last.pos, batch.last.hash, lane + 1]);
      this.known.set(lane, batch.last);
    });
  }

  /** Every lane's head, by lane; a lane whose row is gone is missing (which verification reports). */
  async heads(): Promise<AuditHead[]> {
    return (await this.db.query<AuditHead>(`${HEAD} ORDER BY id`)).rows;
  }

  /**
   * Up to `limit` links of the lane that start after position `afterPos` and at or before
   * `untilPos`, in chain order: the lane's pre-025 entries, then its batches.
   */
  async page(lane: number, afterPos: string, limit: number, untilPos: string): Promise<ChainLink[]> {
    const where = 'lane = $1 AND pos > $2::bigint AND pos <= $3::bigint';
    const params = [lane, afterPos, untilPos, limit];
    const entries = await this.db.query<AuditRow & { prevHash: string; hash: string }>(
      `SELECT ${ENTRY_COLUMNS}, prev_hash AS "prevHash", hash FROM audit_entry WHERE ${where} ORDER BY audit_entry.pos LIMIT $4`,
      params,
    );
    const batches = await this.db.query<{ seq: string; lane: number; pos: string; n: number; entries: string; tenants: string[]; patients: string[]; users: string[]; actions: string[]; recordedMin: string; recordedMax: string; prevHash: string; hash: string }>(
      `SELECT ${BATCH_COLUMNS} FROM audit_batch WHERE ${where} ORDER BY audit_batch.pos LIMIT $4`,
      params,
    );
    const links: ChainLink[] = [
      ...entries.rows.map((row): ChainLink => ({ kind: 'entry', row })),
      ...batches.rows.map(({ tenants, patients, users, actions, recordedMin, recordedMax, ...b }): ChainLink => (
        { kind: 'batch', ...b, index: { tenants, patients, users, actions, recordedMin, recordedMax } })),
    ];
    const at = (l: ChainLink): bigint => BigInt(l.kind === 'entry' ? l.row.pos : l.pos);
    return links.sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0)).slice(0, limit);
  }

  /** The report: one tenant's entries matching the filter, newest first, from both tables. */
  async search(filter: AuditFilter): Promise<AuditRow[]> {
    if (filter.after !== undefined && !/^[0-9]{1,18}$/.test(filter.after)) throw new AuditError(`invalid audit cursor '${filter.after}'`);
    const params: unknown[] = [filter.tenant];
    const param = (v: unknown): string => `$${params.push(v)}`;
    // Per table: the pre-025 entries' conditions, the batches' (on the indexed report columns,
    // a superset) and each batch entry's own.
    const entry = ['tenant_id = $1'];
    const batch = ['b.tenants @> ARRAY[$1]::text[]'];
    const inBatch = [`e.x->>${at('tenantId')} = $1`];
    if (filter.user !== undefined) {
      const p = param(filter.user);
      entry.push(`(user_id = ${p} OR lower(username) = lower(${p}))`);
      batch.push(`b.users && ARRAY[${p}, ${param(filter.user.toLowerCase())}]::text[]`);
      inBatch.push(`(e.x->>${at('userId')} = ${p} OR lower(e.x->>${at('username')}) = lower(${p}))`);
    }
    if (filter.patient !== undefined) {
      const p = param(filter.patient);
      entry.push(`patients @> ARRAY[${p}]::text[]`);
      batch.push(`b.patients @> ARRAY[${p}]::text[]`);
      inBatch.push(`(e.x->${at('patients')}) @> jsonb_build_array(${p}::text)`);
    }
    if (filter.from !== undefined) {
      const p = param(filter.from.toISOString());
      entry.push(`recorded >= ${p}::timestamptz`);
      batch.push(`b.recorded_max >= ${p}::timestamptz`);
      inBatch.push(`(e.x->>${at('recorded')})::timestamptz >= ${p}::timestamptz`);
    }
    if (filter.to !== undefined) {
      const p = param(filter.to.toISOString());
      entry.push(`recorded < ${p}::timestamptz`);
      batch.push(`b.recorded_min < ${p}::timestamptz`);
      inBatch.push(`(e.x->>${at('recorded')})::timestamptz < ${p}::timestamptz`);
    }
    if (filter.action !== undefined) {
      const p = param(filter.action);
      entry.push(`action = ${p}`);
      batch.push(`b.actions @> ARRAY[${p}]::text[]`);
      inBatch.push(`e.x->>${at('action')} = ${p}`);
    }
    if (filter.after !== undefined) {
      const p = param(filter.after);
      entry.push(`seq < ${p}::bigint`);
      batch.push(`b.seq < ${p}::bigint`);
      inBatch.push(`b.seq + e.i - 1 < ${p}::bigint`);
    }
    const count = param(Math.min(Math.max(Math.trunc(filter.count ?? 50), 1), 1000));
    const res = await this.db.query<AuditRow & { k: string }>(
      `SELECT * FROM (
        (SELECT ${ENTRY_COLUMNS}, seq AS k FROM audit_entry WHERE ${entry.join(' AND ')} ORDER BY audit_entry.seq DESC LIMIT ${count})
        UNION ALL
        (SELECT ${BATCH_ENTRY_COLUMNS}, b.seq + e.i - 1 AS k FROM ${BATCH_ENTRIES}
          WHERE ${[...batch, ...inBatch].join(' AND ')} ORDER BY b.seq DESC, e.i DESC LIMIT ${count})
      ) AS found ORDER BY k DESC LIMIT ${count}`,
      params,
    );
    return res.rows.map(({ k: _k, ...row }) => row);
  }
}

const HEAD = 'SELECT id - 1 AS lane, pos::text AS pos, hash FROM audit_head';

async function head(q: Queryable, lane: number, forUpdate = false): Promise<AuditHead> {
  const row = (await q.query<AuditHead>(`${HEAD} WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [lane + 1])).rows[0];
  if (!row) throw new Error(`the audit head of lane ${lane} is missing (migrations 008 and 010 insert them)`);
  return row;
}
