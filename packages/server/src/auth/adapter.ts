/**
 * oidc-provider's storage adapter over the `oauth_entry` table, so that every app node sees the
 * same sessions, grants, codes and tokens (PostgreSQL is the only shared state). Clients are not
 * stored here: the `Client` model reads the `oauth_client` table.
 *
 * Consuming a code is one conditional UPDATE, so a code replayed at two nodes at once is spent
 * only once. Revoking (destroy, revokeByGrantId) tells `onRevoke` which token ids died, so the
 * bearer-token cache can forget them at once.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from '../db/database.ts';
import type { ClientRegistry } from './clients.ts';
import { forOrigin } from './web-client.ts';

export type RevokeListener = (ids: readonly string[]) => void;

interface EntryRow {
  payload: AdapterPayload;
  consumed_at: Date | string | null;
}

export interface AdapterOptions {
  db: Database;
  clients: ClientRegistry;
  /** The origin whose provider this adapter serves (the web app's redirect URI follows it). */
  origin?: string;
  onRevoke?: RevokeListener;
  now?: () => Date;
}

/** A factory oidc-provider calls once per model name. */
export function adapterFactory(opts: AdapterOptions): new (model: string) => Adapter {
  const { db, clients } = opts;
  const now = opts.now ?? (() => new Date());
  const revoked = (ids: readonly string[]): void => {
    if (ids.length > 0) opts.onRevoke?.(ids);
  };

  return class PgAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are registered through the clients registry');
      const expires = expiresIn ? new Date(now().getTime() + expiresIn * 1000) : null;
      await db.query(
        `INSERT INTO oauth_entry (model, id, payload, grant_id, uid, user_code, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
           uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
        [this.model, id, JSON.stringify(payload), payload.grantId ?? null, payload.uid ?? null, payload.userCode ?? null, expires],
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return forOrigin(id, await clients.metadata(id), opts.origin);
      const { rows } = await db.query<EntryRow>(
        `SELECT payload, consumed_at FROM oauth_entry WHERE model = $1 AND id = $2 AND (expires_at IS NULL OR expires_at > $3)`,
        [this.model, id, now()],
        { name: 'oauth_find' },
      );
      return withConsumed(rows[0]);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const { rows } = await db.query<EntryRow>(
        `SELECT payload, consumed_at FROM oauth_entry WHERE model = $1 AND uid = $2 AND (expires_at IS NULL OR expires_at > $3)`,
        [this.model, uid, now()],
      );
      return withConsumed(rows[0]);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const { rows } = await db.query<EntryRow>(
        `SELECT payload, consumed_at FROM oauth_entry WHERE model = $1 AND user_code = $2 AND (expires_at IS NULL OR expires_at > $3)`,
        [this.model, userCode, now()],
      );
      return withConsumed(rows[0]);
    }

    async consume(id: string): Promise<void> {
      await db.query(`UPDATE oauth_entry SET consumed_at = $3 WHERE model = $1 AND id = $2 AND consumed_at IS NULL`, [this.model, id, now()]);
    }

    async destroy(id: string): Promise<void> {
      await db.query(`DELETE FROM oauth_entry WHERE model = $1 AND id = $2`, [this.model, id]);
      revoked([id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const { rows } = await db.query<{ id: string }>(`DELETE FROM oauth_entry WHERE grant_id = $1 RETURNING id`, [grantId]);
      revoked(rows.map((r) => r.id));
    }
  };
}

function withConsumed(row: EntryRow | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  const payload = typeof row.payload === 'string' ? (JSON.parse(row.payload) as AdapterPayload) : row.payload;
  if (row.consumed_at !== null) payload.consumed = Math.floor(new Date(row.consumed_at).getTime() / 1000);
  return payload;
}

/** Deletes entries that expired more than a minute ago; returns how many. */
export async function sweepExpired(db: Database, at: Date = new Date()): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM oauth_entry WHERE expires_at < $1`, [new Date(at.getTime() - 60_000)]);
  return rowCount;
}
