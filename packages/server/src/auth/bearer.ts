/**
 * From a bearer token to the principal a FHIR request acts as.
 *
 * Tokens are opaque and stored by the authorization server; one is looked up once, then its
 * principal is kept in memory for a short while (at most until the token expires). Revoking a
 * token (revocation endpoint, grant revoked, logout) evicts it at once on this node and, through
 * NOTIFY, on the others, as does a patient withdrawing a proxy's access (its proxies' principals); a break-the-glass grant evicts the user's principals so the new right
 * applies to the next request.
 *
 * A client registered for an exchange partner (metadata `continuum_partner`: the partner's
 * Organization id, exchange/partners) acts as that partner: its principal carries `partner`.
 * Its client is looked up again on every request, so disabling a partner (on any node, or with
 * the CLI) stops its tokens at once.
 */
import type Provider from 'oidc-provider';
import type { Database } from '../db/database.ts';
import { parseScopes } from '../access/scopes.ts';
import type { Principal } from '../access/policy.ts';
import { UsersRepository } from '../identity/users-repository.ts';
import type { ClientRegistry } from './clients.ts';
import { grantContext } from './launch.ts';

export const REVOKE_CHANNEL = 'continuum_token_revoked';
/** Payload `<tenant> <patient id>`: a patient withdrew a proxy's access (see forgetProxiesOf). */
export const PROXY_REVOKE_CHANNEL = 'continuum_proxy_revoked';

/** How long an access token from a sign-in lives, in seconds. */
export const ACCESS_TOKEN_TTL = 60 * 60;
const TOKEN_LIFETIME_MS = ACCESS_TOKEN_TTL * 1000;

/** The patients a proxy (a RelatedPerson) acts for; supplied by the FHIR layer. */
export type ProxyPatients = (tenant: string, relatedPerson: string) => Promise<string[]>;

interface Cached {
  principal: Principal;
  until: number;
  origin: string;
  /** The user's sign-in session (oidc-provider's Session uid) the token ends with: subject to the inactivity limit. */
  session?: string;
}

export interface BearerOptions {
  db: Database;
  /** The authorization server for a public origin (scheme://host[:port]). */
  provider: (origin: string) => Provider;
  clients: ClientRegistry;
  proxyPatients: ProxyPatients;
  /** How long a looked-up token is trusted before it is looked up again (ms). */
  cacheMs?: number;
  /**
   * Automatic logoff: a user's sign-in session, and the tokens that end with it, stop working
   * after this long without a request (ms), give or take `touchEvery`. Tokens of an app granted
   * offline_access (one the user let run unattended) are exempt.
   */
  idleMs?: number;
  maxCached?: number;
}

/**
 * How often (ms) a request pushes its sign-in session's expiry forward in the shared store: a
 * quarter of the idle time, at most 30 s. A node that did not see the user's latest requests
 * learns of them from that expiry, to within this interval.
 */
function touchEvery(idleMs: number): number {
  return Math.min(30_000, idleMs / 4);
}

/**
 * A sign-in session's lifetime each time it is saved or pushed forward, in seconds: the idle
 * time plus one push interval, so that the stored expiry is never before the last request plus
 * the idle time, whichever node saw it.
 */
export function sessionTtlSeconds(idleMs: number): number {
  return Math.max(1, Math.ceil((idleMs + touchEvery(idleMs)) / 1000));
}

export class BearerVerifier {
  private readonly cache = new Map<string, Cached>();
  /**
   * Per sign-in session, for the inactivity limit: this node's last request, whether it logged
   * the session off, and when it last pushed the session's expiry forward.
   */
  private readonly lastSeen = new Map<string, { last: number; loggedOff: boolean; touched: number }>();
  private readonly users: UsersRepository;
  private readonly cacheMs: number;
  private readonly maxCached: number;

  constructor(private readonly opts: BearerOptions) {
    this.users = new UsersRepository(opts.db);
    this.cacheMs = opts.cacheMs ?? 30_000;
    this.maxCached = opts.maxCached ?? 20_000;
  }

  /** The principal for a token, or undefined when it is unknown, expired, revoked or not for this server. */
  async principal(token: string, origin: string, now = Date.now()): Promise<Principal | undefined> {
    let entry = this.cache.get(token);
    if (entry && !(entry.until > now && entry.origin === origin)) {
      this.cache.delete(token);
      entry = undefined;
    }
    const cached = entry !== undefined;
    if (!entry) {
      const found = await this.lookup(token, origin);
      if (!found) return undefined;
      if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
      entry = { principal: found.principal, until: Math.min(now + this.cacheMs, found.exp * 1000), origin, ...(found.session ? { session: found.session } : {}) };
      this.cache.set(token, entry);
    }
    if (cached && entry.principal.partner && !(await this.clientEnabled(entry.principal.clientId))) {
      this.cache.delete(token);
      return undefined;
    }
    if (entry.session && this.opts.idleMs && !(await this.inUse(entry.session, now, this.opts.idleMs))) {
      this.cache.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  /**
   * Whether a user's sign-in session is still in use: a request with any of its tokens within the
   * idle time. Once idle it is logged off, and stays so.
   *
   * oidc-provider ends a session's tokens with the session, which lives `sessionTtlSeconds(idle)`
   * from when it was saved (at sign-in). So requests keep it alive: at most every
   * `touchEvery(idle)` one pushes its stored expiry forward, which every node sees; a session
   * without requests therefore ends between one idle time and one idle time plus that interval
   * after its last request. Behind a load balancer the user's latest requests may have gone to
   * another node, so when this node first sees a session, or has not seen it for the idle time,
   * the stored expiry decides.
   */
  private async inUse(session: string, now: number, idleMs: number): Promise<boolean> {
    const seen = this.lastSeen.get(session);
    if (seen?.loggedOff) return false;
    // Seen here within the idle time and pushed forward lately: nothing to ask the store.
    const recent = seen !== undefined && now - seen.last <= idleMs && now - seen.touched < touchEvery(idleMs);
    const touched = recent ? seen.touched : now;
    if (!recent && !(await this.keepSession(session, now, idleMs))) {
      // Idle, signed out on some node, or expired: the session's tokens end with it.
      this.lastSeen.set(session, { last: seen?.last ?? now, loggedOff: true, touched });
      return false;
    }
    this.lastSeen.set(session, { last: now, loggedOff: false, touched });
    if (this.lastSeen.size > 100_000) {
      for (const [k, v] of this.lastSeen) if (now - v.last > TOKEN_LIFETIME_MS + idleMs) this.lastSeen.delete(k);
    }
    return true;
  }

  /** Pushes a sign-in session's stored expiry to the idle time plus one push interval from now; false when it is gone. */
  private async keepSession(session: string, now: number, idleMs: number): Promise<boolean> {
    const until = now + idleMs + touchEvery(idleMs);
    const { rows } = await this.opts.db.query<{ id: string }>(
      `UPDATE oauth_entry SET expires_at = $2, payload = jsonb_set(payload, '{exp}', to_jsonb($3::bigint))
        WHERE model = 'Session' AND uid = $1 AND expires_at > $4 RETURNING id`,
      [session, new Date(until), Math.ceil(until / 1000), new Date(now)],
    );
    return rows.length > 0;
  }

  private async clientEnabled(clientId: string): Promise<boolean> {
    const client = await this.opts.clients.get(clientId);
    return client !== undefined && !client.disabled;
  }

  /** Forgets everything (notifications may have been lost). */
  clear(): void {
    this.cache.clear();
  }

  /** Forgets tokens (by value: opaque token values are their ids). */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.cache.delete(id);
  }

  /** Forgets the principals of every proxy acting for `patient` (the patient withdrew a proxy's access). */
  forgetProxiesOf(tenant: string, patient: string): void {
    for (const [k, v] of this.cache) if (v.principal.kind === 'proxy' && v.principal.tenant === tenant && v.principal.patients?.includes(patient)) this.cache.delete(k);
  }

  /** Forgets every principal of one user (their rights changed). */
  forgetUser(userId: string): void {
    for (const [k, v] of this.cache) if (v.principal.userId === userId) this.cache.delete(k);
  }

  private async lookup(token: string, origin: string): Promise<{ principal: Principal; exp: number; session?: string } | undefined> {
    if (token.length > 512) return undefined;
    const provider = this.opts.provider(origin);
    const base = `${origin}/fhir`;
    const at = await provider.AccessToken.find(token);
    if (at) {
      if (!audienceIs(at.aud, base) || !at.accountId || !at.clientId) return undefined;
      const client = await this.opts.clients.get(at.clientId);
      if (!client || client.disabled) return undefined;
      const account = await this.users.byGlobalId(at.accountId);
      if (!account || account.disabled || account.tenantId !== client.tenantId) return undefined;
      const scopes = parseScopes(at.scope ?? '').rules;
      const context = at.grantId ? await grantContext(this.opts.db, at.grantId) : undefined;
      const [type, id] = account.fhirUser.split('/') as [string, string];
      let patients: string[] | undefined;
      if (account.kind === 'patient') patients = [id];
      else if (account.kind === 'proxy') patients = await this.opts.proxyPatients(account.tenantId, id);
      else if (context?.patient && !scopes.some((s) => s.context === 'user')) patients = [context.patient];
      const breakGlass = await this.breakGlass(account.tenantId, account.id);
      const principal: Principal = {
        kind: account.kind,
        tenant: account.tenantId,
        clientId: at.clientId,
        userId: account.id,
        username: account.username,
        fhirUser: `${type}/${id}`,
        roles: account.roles,
        scopes,
        ...(context?.patient ? { patient: context.patient } : account.kind === 'patient' ? { patient: id } : {}),
        ...(patients ? { patients } : {}),
        securityRights: account.securityRights,
        breakGlass,
      };
      // A token that ends with the user's sign-in session is subject to the inactivity limit; one
      // granted offline_access does not (the user let the app work unattended, and its refresh
      // token would outlive any limit anyway).
      const session = at.expiresWithSession && typeof at.sessionUid === 'string' ? at.sessionUid : undefined;
      return { principal, exp: at.exp ?? 0, ...(session ? { session } : {}) };
    }
    const cc = await provider.ClientCredentials.find(token);
    if (cc) {
      if (!audienceIs(cc.aud, base) || !cc.clientId) return undefined;
      const client = await this.opts.clients.get(cc.clientId);
      if (!client || client.disabled) return undefined;
      const partner = client.metadata.continuum_partner;
      const principal: Principal = {
        kind: 'system',
        tenant: client.tenantId,
        clientId: cc.clientId,
        roles: [],
        scopes: parseScopes(cc.scope ?? '').rules.filter((r) => r.context === 'system'),
        securityRights: [],
        breakGlass: [],
        ...(typeof partner === 'string' && partner ? { partner: { organizationId: partner, name: client.name } } : {}),
      };
      return { principal, exp: cc.exp ?? 0 };
    }
    return undefined;
  }

  private async breakGlass(tenant: string, userId: string): Promise<{ patient: string; until: Date }[]> {
    const { rows } = await this.opts.db.query<{ patient: string; expires_at: Date | string }>(
      `SELECT patient, expires_at FROM break_glass_grant WHERE tenant_id = $1 AND user_id = $2::uuid AND expires_at > $3`,
      [tenant, userId, new Date()],
    );
    return rows.map((r) => ({ patient: r.patient, until: new Date(r.expires_at) }));
  }
}

function audienceIs(aud: string | string[] | undefined, base: string): boolean {
  if (aud === undefined) return false;
  return (Array.isArray(aud) ? aud : [aud]).some((a) => a.replace(/\/$/, '') === base);
}
