/**
 * Connected apps: the third-party SMART apps a user has authorized, and revoking them.
 * - `GET /auth/grants` → `[{ grantId, clientId, clientName, scope, createdAt }]`, newest first;
 * - `DELETE /auth/grants/{grantId}` → 204: the grant and every code and token issued under it
 *   are deleted, and the bearer cache forgets those tokens at once (on every node), so the app's
 *   next FHIR call is a 401.
 * Only a signed-in user acting through a first-party app (the portal, the clinician app) may call
 * them: a third-party app cannot list or revoke the others, and a system client has no user. The
 * first-party apps' own grants are not listed (signing out ends them). A grant that is not the
 * caller's, or does not exist, is a 404 alike.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, notFound } from '@continuum/fhir';
import type { Principal } from '../access/policy.ts';
import type { Database } from '../db/database.ts';
import { adapterFactory, type RevokeListener } from './adapter.ts';
import type { AuditSink } from './audit-sink.ts';
import type { ClientRegistry } from './clients.ts';
import { isFirstParty } from './web-client.ts';

export interface ConnectedApp {
  grantId: string;
  clientId: string;
  clientName: string;
  scope: string;
  createdAt: string;
}

export interface GrantsDeps {
  db: Database;
  clients: ClientRegistry;
  audit: AuditSink;
  onRevoke: RevokeListener;
  authenticate: (req: FastifyRequest) => Promise<Principal>;
}

interface GrantPayload {
  clientId?: string;
  accountId?: string;
  iat?: number;
  openid?: { scope?: string };
  resources?: Record<string, string>;
}

const GRANT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The user behind a first-party app's token; anyone else is refused. */
async function signedInUser(deps: GrantsDeps, req: FastifyRequest): Promise<Principal & { userId: string }> {
  const p = await deps.authenticate(req);
  if (!p.userId || !isFirstParty(p.clientId)) throw forbidden('Connected apps are managed from the portal or the clinician app, signed in as yourself');
  return p as Principal & { userId: string };
}

async function grantsOf(deps: GrantsDeps, accountId: string): Promise<ConnectedApp[]> {
  const { rows } = await deps.db.query<{ id: string; payload: GrantPayload | string }>(
    `SELECT id, payload FROM oauth_entry WHERE model = 'Grant' AND payload->>'accountId' = $1 AND (expires_at IS NULL OR expires_at > $2)`,
    [accountId, new Date()],
  );
  const apps: ConnectedApp[] = [];
  for (const row of rows) {
    const g = typeof row.payload === 'string' ? (JSON.parse(row.payload) as GrantPayload) : row.payload;
    if (!g.clientId || isFirstParty(g.clientId)) continue;
    const client = await deps.clients.get(g.clientId);
    const scope = [...new Set([...(g.openid?.scope ?? '').split(' '), ...Object.values(g.resources ?? {}).flatMap((s) => s.split(' '))].filter(Boolean))].join(' ');
    apps.push({ grantId: row.id, clientId: g.clientId, clientName: client?.name ?? g.clientId, scope, createdAt: new Date((g.iat ?? 0) * 1000).toISOString() });
  }
  return apps.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.grantId.localeCompare(b.grantId));
}

export function registerGrants(scope: FastifyInstance, deps: GrantsDeps): void {
  scope.get('/auth/grants', async (req, reply) => {
    const p = await signedInUser(deps, req);
    return reply.code(200).header('cache-control', 'no-store').send(await grantsOf(deps, p.userId));
  });

  scope.delete('/auth/grants/:grantId', async (req, reply) => {
    const p = await signedInUser(deps, req);
    const { grantId } = req.params as { grantId: string };
    const app = GRANT_ID.test(grantId) ? (await grantsOf(deps, p.userId)).find((g) => g.grantId === grantId) : undefined;
    if (!app) throw notFound('No such connected app');
    const Adapter = adapterFactory({ db: deps.db, clients: deps.clients, onRevoke: deps.onRevoke });
    // Codes, access and refresh tokens first (each is told to the bearer caches), then the grant.
    await new Adapter('AccessToken').revokeByGrantId(grantId);
    await new Adapter('Grant').destroy(grantId);
    await deps.audit.record({ tenant: p.tenant, action: 'permission-change', outcome: 'success', userId: p.userId, ...(p.username ? { username: p.username } : {}), clientId: app.clientId, sourceIp: req.ip, detail: `revoked the access of ${app.clientId}` });
    return reply.code(204).send();
  });
}
