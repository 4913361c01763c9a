/**
 * The share links table (migration 016, `portal_share`): the only module that touches it. A link's
 * token is 32 random bytes shown once, in the link; the table keeps its SHA-256, so a leaked
 * database (or backup) opens no link. Whether a link still works (expired, revoked) is decided by
 * the caller from the row, so that it can say which.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';

export type ShareFormat = 'fhir' | 'pdf';

export interface Share {
  tenant: string;
  id: string;
  patientId: string;
  format: ShareFormat;
  recipient?: string;
  createdBy: string;
  created: string;
  expires: string;
  revoked?: string;
  accessCount: number;
  lastAccessed?: string;
}

interface Row {
  tenant_id: string;
  id: string;
  patient_id: string;
  format: ShareFormat;
  recipient: string | null;
  created_by: string;
  created_at: Date | string;
  expires_at: Date | string;
  revoked_at: Date | string | null;
  access_count: number | string;
  last_accessed: Date | string | null;
}

const COLUMNS = 'tenant_id, id, patient_id, format, recipient, created_by, created_at, expires_at, revoked_at, access_count, last_accessed';
const iso = (v: Date | string): string => new Date(v).toISOString();

function toShare(r: Row): Share {
  return {
    tenant: r.tenant_id,
    id: r.id,
    patientId: r.patient_id,
    format: r.format,
    ...(r.recipient !== null ? { recipient: r.recipient } : {}),
    createdBy: r.created_by,
    created: iso(r.created_at),
    expires: iso(r.expires_at),
    ...(r.revoked_at !== null ? { revoked: iso(r.revoked_at) } : {}),
    accessCount: Number(r.access_count),
    ...(r.last_accessed !== null ? { lastAccessed: iso(r.last_accessed) } : {}),
  };
}

/** The stored form of a token: its SHA-256, hex. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Whether a string has the shape of a share token (43 base64url characters). */
export const isTokenShaped = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);

export class ShareStore {
  constructor(private readonly db: Queryable) {}

  /** A new link; the token is returned here and never again. */
  async create(s: { tenant: string; patientId: string; format: ShareFormat; recipient?: string; createdBy: string; now: Date; expires: Date }): Promise<{ share: Share; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const res = await this.db.query<Row>(
      `INSERT INTO portal_share (tenant_id, id, token_hash, patient_id, format, recipient, created_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9::timestamptz) RETURNING ${COLUMNS}`,
      [s.tenant, randomUUID(), tokenHash(token), s.patientId, s.format, s.recipient ?? null, s.createdBy, s.now.toISOString(), s.expires.toISOString()],
    );
    return { share: toShare(res.rows[0]!), token };
  }

  /** A patient's links, newest first. */
  async list(tenant: string, patientId: string): Promise<Share[]> {
    const res = await this.db.query<Row>(`SELECT ${COLUMNS} FROM portal_share WHERE tenant_id = $1 AND patient_id = $2 ORDER BY created_at DESC, id`, [tenant, patientId]);
    return res.rows.map(toShare);
  }

  /** Revokes one of a patient's links (a link already revoked keeps its first time); undefined if there is none. */
  async revoke(tenant: string, patientId: string, id: string, now: Date): Promise<Share | undefined> {
    const res = await this.db.query<Row>(
      `UPDATE portal_share SET revoked_at = COALESCE(revoked_at, $4::timestamptz)
       WHERE tenant_id = $1 AND patient_id = $2 AND id = $3 RETURNING ${COLUMNS}`,
      [tenant, patientId, id, now.toISOString()],
    );
    return res.rows[0] ? toShare(res.rows[0]) : undefined;
  }

  async findByToken(token: string): Promise<Share | undefined> {
    const res = await this.db.query<Row>(`SELECT ${COLUMNS} FROM portal_share WHERE token_hash = $1`, [tokenHash(token)]);
    return res.rows[0] ? toShare(res.rows[0]) : undefined;
  }

  /** Counts one download of a link that is still valid at `now`; false when it no longer is. */
  async recordAccess(share: Share, now: Date): Promise<boolean> {
    const res = await this.db.query(
      `UPDATE portal_share SET access_count = access_count + 1, last_accessed = $3::timestamptz
       WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL AND expires_at > $3::timestamptz`,
      [share.tenant, share.id, now.toISOString()],
    );
    return res.rowCount > 0;
  }
}
