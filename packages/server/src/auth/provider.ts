/**
 * The OAuth 2 / OpenID Connect authorization server (oidc-provider), configured for SMART App
 * Launch 2.0 and SMART Backend Services:
 * - authorization code with PKCE, S256 only (plain is refused), for public and confidential apps;
 * - refresh tokens (offline_access), revocation, introspection, JWKS;
 * - client_credentials for backend services (private_key_jwt, RS384 or ES384) and for the
 *   bootstrap client (client_secret_basic);
 * - an id_token carrying `fhirUser`, and for the first-party web app only, the staff user's
 *   `roles` (the claim RFC 9068 takes from SCIM), so it can offer the navigation that fits;
 * - SMART scopes (v1 and v2) as the scopes of one resource server: the FHIR endpoint. A client
 *   gets at most the scopes it was registered with; the `aud` an app sends must be that endpoint.
 *
 * Access tokens are opaque and stored (adapter.ts), so revocation takes effect at once. The
 * token response carries the SMART launch context (`patient`, `encounter`), added by a
 * middleware from the context recorded with the grant.
 */
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Database } from '../db/database.ts';
import { isSmartScope, parseScopes, type ScopeRule } from '../access/scopes.ts';
import { UsersRepository } from '../identity/users-repository.ts';
import { adapterFactory, type RevokeListener } from './adapter.ts';
import { ACCESS_TOKEN_TTL } from './bearer.ts';
import { OIDC_SCOPES, registeredScope, type ClientRegistry } from './clients.ts';
import type { AuthKeys } from './keys.ts';
import type { ProxyPatients } from './bearer.ts';
import { grantContext, saveGrantContext } from './launch.ts';
import { isFirstParty, PORTAL_CLIENT_ID, WEB_CLIENT_ID } from './web-client.ts';
import { escapeHtml, page } from './html.ts';

export interface ProviderDeps {
  db: Database;
  clients: ClientRegistry;
  keys: AuthKeys;
  /** The authorization server's own URL, e.g. `https://ehr.example.org/oauth`. */
  issuer: string;
  /** The FHIR endpoint: the one resource server and the only accepted `aud`. */
  fhirBase: string;
  /** Where the login and consent pages live, e.g. `/auth/interaction/`. */
  interactionPath: string;
  onRevoke?: RevokeListener;
  /** Seconds; user sessions end after this long without a new login. */
  sessionTtl: number;
  /** Cookies only over HTTPS (behind TLS). */
  secureCookies: boolean;
  /**
   * Believe X-Forwarded-* (CONTINUUM_TRUST_PROXY): only behind a proxy that sets them, or a
   * client could forge the address the trail records. A TLS socket is HTTPS either way.
   */
  trustProxy: boolean;
  /**
   * oidc-provider refuses to fetch a client's jwks_uri from loopback and private addresses (SSRF
   * protection); exchange partners on one private network, or tests on loopback, need it
   * (CONTINUUM_EXCHANGE_PRIVATE_NETWORK). Clients are registered by administrators only.
   */
  privateNetworkFetch?: boolean;
  /** The patients a proxy acts for: the portal's token names the first as `patient`. */
  proxyPatients?: ProxyPatients;
  /** Told (and awaited, so it is recorded before the answer) when a user signs out. */
  onLogout?: (accountId: string, ip: string) => Promise<void>;
}

const SYSTEM_TOKEN_TTL = 5 * 60;

/** Does a registered scope rule cover a requested one (same context, type or `*`, a superset of letters, no narrower filter)? */
export function covers(registered: readonly ScopeRule[], requested: ScopeRule): boolean {
  return registered.some(
    (r) =>
      r.context === requested.context &&
      (r.resourceType === '*' || r.resourceType === requested.resourceType) &&
      [...requested.permissions].every((p) => r.permissions.has(p)) &&
      r.filter.every(([k, v]) => requested.filter.some(([k2, v2]) => k === k2 && v === v2)),
  );
}

/** The requested SMART resource scopes the client's registration allows, as given. */
export function allowedResourceScopes(requested: string | undefined, clientScope: string | undefined): string[] {
  const registered = parseScopes(clientScope ?? '').rules;
  const out: string[] = [];
  for (const s of (requested ?? '').split(' ').filter(Boolean)) {
    if (!isSmartScope(s)) continue;
    const rule = parseScopes(s).rules[0];
    if (rule && covers(registered, rule)) out.push(s);
  }
  return out;
}

function withoutDispatcher(options: RequestInit): RequestInit {
  const { dispatcher: _protected, ...rest } = options as RequestInit & { dispatcher?: unknown };
  return rest;
}

export function createProvider(deps: ProviderDeps): Provider {
  const { db, fhirBase } = deps;
  const users = new UsersRepository(db);

  const configuration: Configuration = {
    adapter: adapterFactory({ db, clients: deps.clients, origin: deps.issuer.replace(/\/oauth$/, ''), ...(deps.onRevoke ? { onRevoke: deps.onRevoke } : {}) }),
    jwks: deps.keys.jwks as Configuration['jwks'],
    cookies: {
      keys: deps.keys.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax', secure: deps.secureCookies },
      short: { signed: true, httpOnly: true, sameSite: 'lax', secure: deps.secureCookies },
    },
    scopes: OIDC_SCOPES,
    claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['preferred_username', 'name', 'roles'] },
    conformIdTokenClaims: false,
    async findAccount(ctx, sub) {
      const account = await users.byGlobalId(sub);
      if (!account || account.disabled) return undefined;
      // Roles shape only the web app's navigation (the server still checks every request); a
      // third-party app has no need to learn them.
      const firstParty = ctx.oidc?.client?.clientId === WEB_CLIENT_ID;
      return {
        accountId: sub,
        async claims() {
          return { sub, fhirUser: `${fhirBase}/${account.fhirUser}`, preferred_username: account.username, name: account.username, ...(firstParty ? { roles: [...account.roles] } : {}) };
        },
      };
    },
    async loadExistingGrant(ctx) {
      const clientId = ctx.oidc.client?.clientId;
      const session = ctx.oidc.session;
      const grantId = ctx.oidc.result?.consent?.grantId ?? (clientId ? session?.grantIdFor(clientId) : undefined);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      // The first-party apps: no consent screen, the signed-in user grants what they ask for.
      if (!isFirstParty(clientId) || !session?.accountId) return undefined;
      let portalPatient: string | undefined;
      if (clientId === PORTAL_CLIENT_ID) {
        // Patients and proxies only: a staff session gets no grant, so the interaction page
        // (routes.ts) shows it the way to the staff app instead.
        const account = await users.byGlobalId(session.accountId);
        if (!account || account.kind === 'staff') return undefined;
        const own = account.fhirUser.split('/')[1]!;
        portalPatient = account.kind === 'patient' ? own : (await deps.proxyPatients?.(account.tenantId, own))?.[0];
      }
      const scope = ctx.oidc.params?.scope;
      const requested = (typeof scope === 'string' ? scope : '').split(' ').filter(Boolean);
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId: session.accountId });
      grant.addOIDCScope(requested.filter((s) => OIDC_SCOPES.includes(s) && s !== 'offline_access').join(' '));
      grant.addResourceScope(fhirBase, allowedResourceScopes(requested.join(' '), registeredScope((await deps.clients.get(clientId!))!)).join(' '));
      const saved = await grant.save();
      // The portal's token response names the patient it opens on (the proxy's first).
      if (portalPatient && saved) await saveGrantContext(db, saved, (await deps.clients.get(clientId!))!.tenantId, { patient: portalPatient, launched: false });
      return grant;
    },
    pkce: { required: () => true },
    enabledJWA: {
      clientAuthSigningAlgValues: ['RS384', 'ES384'],
      idTokenSigningAlgValues: ['RS256'],
    },
    clientAuthMethods: ['none', 'client_secret_basic', 'private_key_jwt'],
    clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'RS256', token_endpoint_auth_method: 'none' },
    responseTypes: ['code'],
    extraParams: {
      launch: null,
      async aud(_ctx, value) {
        // SMART: the app names the FHIR server it will call; anything else is refused.
        if (value !== undefined && value.replace(/\/$/, '') !== fhirBase) {
          throw new errors.InvalidRequest(`aud must be this server's FHIR endpoint (${fhirBase})`);
        }
      },
    },
    features: {
      devInteractions: { enabled: false },
      // A client learns about its own tokens only: another app's token is reported inactive.
      introspection: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutPage },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? fhirBase,
        useGrantedResource: () => true,
        getResourceServerInfo: async (ctx, indicator, client) => {
          if (indicator.replace(/\/$/, '') !== fhirBase) throw new errors.InvalidTarget('the only resource server is this FHIR endpoint');
          const entities = (ctx).oidc.entities as { AuthorizationCode?: { scope?: string }; RefreshToken?: { scope?: string } };
          const requested = (ctx).oidc.params?.scope as string | undefined;
          const candidate = requested ?? entities.AuthorizationCode?.scope ?? entities.RefreshToken?.scope ?? '';
          const system = client.grantTypeAllowed('client_credentials') && (ctx).oidc.params?.grant_type === 'client_credentials';
          return {
            scope: allowedResourceScopes(candidate, registeredScope((await deps.clients.get(client.clientId))!)).join(' '),
            audience: fhirBase,
            accessTokenFormat: 'opaque',
            accessTokenTTL: system ? SYSTEM_TOKEN_TTL : ACCESS_TOKEN_TTL,
          };
        },
      },
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      ClientCredentials: SYSTEM_TOKEN_TTL,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      Session: deps.sessionTtl,
      Grant: 14 * 24 * 60 * 60,
      RefreshToken: 14 * 24 * 60 * 60,
    },
    rotateRefreshToken: true,
    // Without the SSRF-protected dispatcher oidc-provider puts on its outgoing requests.
    ...(deps.privateNetworkFetch ? { fetch: (url: string | URL | Request, options?: RequestInit) => globalThis.fetch(url, withoutDispatcher(options ?? {})) } : {}),
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    interactions: { url: (_ctx, interaction) => `${deps.interactionPath}${interaction.uid}` },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in problem', `<p>${escapeHtml(String(out.error_description ?? out.error))}</p>`);
    },
  };

  const provider = new Provider(deps.issuer, configuration);
  provider.proxy = deps.trustProxy;

  // SMART: the token response tells the app its launch context, and the full granted scope.
  provider.use(async (ctx, next) => {
    // OpenID Connect grants offline_access only with prompt=consent; SMART apps ask for
    // offline_access without it. Every authorization here shows the consent screen anyway.
    if (ctx.path === '/auth' && ctx.method === 'GET') {
      const q = new URLSearchParams(ctx.querystring);
      if ((q.get('scope') ?? '').split(' ').includes('offline_access') && !q.has('prompt')) {
        // The mount path is read from originalUrl: keep the two in step.
        const req = ctx.req as typeof ctx.req & { originalUrl?: string };
        const mount = req.originalUrl?.slice(0, Math.max(0, req.originalUrl.indexOf(ctx.url))) ?? '';
        q.set('prompt', 'consent');
        ctx.querystring = q.toString();
        req.originalUrl = `${mount}${ctx.url}`;
      }
    }
    await next();
    if (ctx.path === '/session/end/confirm' && ctx.method === 'POST' && deps.onLogout) {
      const accountId = (ctx as KoaContextWithOIDC).oidc?.session?.accountId;
      if (accountId) await deps.onLogout(accountId, ctx.ip);
      return;
    }
    if (ctx.path !== '/token' || ctx.method !== 'POST' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    const at = (ctx as KoaContextWithOIDC).oidc?.entities?.AccessToken as { grantId?: string } | undefined;
    const grant = (ctx as KoaContextWithOIDC).oidc?.entities?.Grant as { getOIDCScope?: () => string } | undefined;
    if (!body || !at?.grantId) return;
    const context = await grantContext(db, at.grantId);
    if (context?.patient) body.patient = context.patient;
    if (context?.encounter) body.encounter = context.encounter;
    if (context?.patient) body.need_patient_banner = !context.launched;
    const oidcScope = grant?.getOIDCScope?.() ?? '';
    const all = new Set([...oidcScope.split(' '), ...(typeof body.scope === 'string' ? body.scope.split(' ') : [])].filter(Boolean));
    body.scope = [...all].join(' ');
  });
  return provider;
}

async function logoutPage(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = 'html';
  ctx.body = page('Sign out', `<h1>Sign out</h1><p class="sub">Do you want to sign out of Continuum?</p>${form}<button form="op.logoutForm" type="submit" name="logout" value="yes">Sign out</button>`);
}
