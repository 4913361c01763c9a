/**
 * The authorization server's HTTP surface, mounted on the Fastify app:
 * - `/oauth/*`: oidc-provider itself (authorize, token, revocation, introspection, JWKS, userinfo,
 *   logout, discovery at `/oauth/.well-known/openid-configuration`);
 * - `/fhir/.well-known/smart-configuration`: SMART discovery;
 * - `/auth/interaction/:uid`: the login page, then the consent page (with a patient picker for
 *   staff in a standalone launch); the patient portal's client gets its own login page
 *   (portal-pages.ts) and no consent page, and refuses staff accounts;
 * - `/auth/forgot` and `/auth/reset`: password reset by a mailed one-time link (reset-pages.ts);
 * - `/portal/activate`: a portal invitation's page, which creates the account (activation-pages.ts);
 * - `/auth/grants`: the third-party apps a user authorized, and revoking them (grants.ts);
 * - `POST /auth/launch`: an EHR creates a `launch` value for the patient open on screen;
 * - `POST /auth/break-glass`: a clinician's emergency access to a restricted record.
 *
 * The issuer is `CONTINUUM_BASE_URL` + `/oauth`; when no base URL is configured it is taken from
 * the request's origin (one provider per origin, all over the same store). Since any client can
 * send any Host header, at most MAX_ORIGINS providers are kept, the least recently used dropped
 * first: all their state is in the database, so a dropped one is simply made again when needed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import oidcProviderStorage from 'oidc-provider/lib/helpers/als.js';
import type { Database } from '../db/database.ts';
import { parseScopes } from '../access/scopes.ts';
import type { Principal } from '../access/policy.ts';
import { LoginService } from '../identity/login.ts';
import { MfaService } from '../identity/mfa.ts';
import { AccountError } from '../identity/types.ts';
import { UsersRepository, type AccountRecord } from '../identity/users-repository.ts';
import type { MailSender } from '../mail/mail-sender.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { AuditSink } from './audit-sink.ts';
import type { ProxyPatients } from './bearer.ts';
import type { ClientRegistry } from './clients.ts';
import type { AuthKeys } from './keys.ts';
import { FormSigner, sendPage } from './forms.ts';
import { IdleStorageSwitch } from './idle-storage.ts';
import { createLaunch, resolveLaunch, saveGrantContext, type LaunchContext } from './launch.ts';
import { createProvider } from './provider.ts';
import { escapeHtml, page } from './html.ts';
import { OIDC_SCOPES } from './clients.ts';
import { RateLimiter } from './rate-limit.ts';
import { ActivationPages } from './activation-pages.ts';
import { registerGrants } from './grants.ts';
import { portalLoginPage, staffRefusedPage } from './portal-pages.ts';
import { ResetPages } from './reset-pages.ts';
import { PORTAL_CLIENT_ID } from './web-client.ts';

/** oidc-provider's request context storage, off between its requests (see idle-storage.ts). */
const oidcStorage = new IdleStorageSwitch(oidcProviderStorage);

export const INTERACTION_PATH = '/auth/interaction/';

export interface PatientChoice {
  id: string;
  display: string;
}

export interface AuthServerDeps {
  db: Database;
  clients: ClientRegistry;
  keys: AuthKeys;
  /** Public base URL (scheme://host[:port]); derived per request origin when unset. */
  baseUrl?: string;
  sessionTtl: number;
  secureCookies: boolean;
  /** Believe X-Forwarded-* from a proxy in front (CONTINUUM_TRUST_PROXY). */
  trustProxy: boolean;
  /** Fetch clients' jwks_uri on loopback and private addresses too (CONTINUUM_EXCHANGE_PRIVATE_NETWORK). */
  privateNetworkFetch?: boolean;
  audit: AuditSink;
  /** Opens the sealed TOTP secrets. */
  secrets: SecretBox;
  /** Sends password-reset links. */
  mail: MailSender;
  /** Operator messages (never PHI, a token or a recipient). */
  log: (line: string) => void;
  /** The organization whose accounts the reset pages serve. */
  defaultTenant: string;
  /** Patients a staff user may pick in a standalone launch, by name or id: only those the user may read. */
  findPatients: (account: AccountRecord, text: string) => Promise<PatientChoice[]>;
  onRevoke: (ids: readonly string[]) => void;
  /** The patients a proxy acts for (the portal's sign-in names the first). */
  proxyPatients?: ProxyPatients;
}

const PATIENT_LAUNCH_SCOPES = new Set(['launch/patient']);

/** Plain-language lines for the consent screen. */
export function describeScope(scope: string): string {
  switch (scope) {
    case 'openid':
      return 'Confirm who you are';
    case 'fhirUser':
      return 'Know your user record (your name and role)';
    case 'profile':
      return 'See your user name';
    case 'offline_access':
      return 'Keep access after you close the app, until you revoke it';
    case 'online_access':
      return 'Keep access while you are signed in';
    case 'launch':
    case 'launch/patient':
      return 'Know which patient record is open';
    case 'launch/encounter':
      return 'Know which visit is open';
  }
  const rule = parseScopes(scope).rules[0];
  if (!rule) return scope;
  const verbs: string[] = [];
  if (rule.permissions.has('r') || rule.permissions.has('s')) verbs.push('read');
  if (rule.permissions.has('c')) verbs.push('create');
  if (rule.permissions.has('u')) verbs.push('change');
  if (rule.permissions.has('d')) verbs.push('delete');
  const what = rule.resourceType === '*' ? 'all kinds of health data' : `${rule.resourceType} records`;
  const whose = rule.context === 'patient' ? "of the selected patient" : rule.context === 'user' ? 'you can access' : 'of every patient (system access)';
  const filter = rule.filter.length ? ` (only where ${rule.filter.map(([k, v]) => `${k} is ${v}`).join(' and ')})` : '';
  return `${verbs.join(', ').replace(/^./, (c) => c.toUpperCase())} ${what} ${whose}${filter}`;
}

/** Providers kept at once when the issuer follows the Host header (no CONTINUUM_BASE_URL). */
export const MAX_ORIGINS = 16;

export class AuthServer {
  /** By origin, least recently used first. */
  private readonly providers = new Map<string, Provider>();
  /** Login and password-reset attempts per client address (each costs an argon2 hash). */
  readonly limiter = new RateLimiter({ perMinute: 30, burst: 20 });
  /** Token requests per client address (client secrets and assertions are checked there). */
  readonly tokenLimiter = new RateLimiter({ perMinute: 120, burst: 60 });
  /** The forgot-password and reset pages. */
  readonly resets: ResetPages;
  /** The portal's invitation page. */
  private readonly activation: ActivationPages;
  private readonly signer: FormSigner;

  constructor(private readonly deps: AuthServerDeps) {
    this.signer = new FormSigner(deps.keys.cookieKeys[0]!);
    this.resets = new ResetPages({
      db: deps.db,
      audit: deps.audit,
      defaultTenant: deps.defaultTenant,
      signer: this.signer,
      limiter: this.limiter,
      secureCookies: deps.secureCookies,
      mail: deps.mail,
      ...(deps.baseUrl ? { baseUrl: deps.baseUrl } : {}),
      originOf: (req) => this.originOf(req),
      interactionPath: INTERACTION_PATH,
      log: deps.log,
    });
    this.activation = new ActivationPages({ db: deps.db, audit: deps.audit, defaultTenant: deps.defaultTenant, signer: this.signer, limiter: this.limiter, secureCookies: deps.secureCookies });
  }

  originOf(req: FastifyRequest): string {
    return this.deps.baseUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;
  }

  /** How many origins have a provider now (at most MAX_ORIGINS). */
  get originsServed(): number {
    return this.providers.size;
  }

  providerFor(origin: string): Provider {
    let p = this.providers.get(origin);
    if (p) {
      // Most recently used last.
      this.providers.delete(origin);
      this.providers.set(origin, p);
    } else {
      p = createProvider({
        db: this.deps.db,
        clients: this.deps.clients,
        keys: this.deps.keys,
        issuer: `${origin}/oauth`,
        fhirBase: `${origin}/fhir`,
        interactionPath: INTERACTION_PATH,
        onRevoke: this.deps.onRevoke,
        ...(this.deps.proxyPatients ? { proxyPatients: this.deps.proxyPatients } : {}),
        sessionTtl: this.deps.sessionTtl,
        secureCookies: this.deps.secureCookies,
        trustProxy: this.deps.trustProxy,
        ...(this.deps.privateNetworkFetch ? { privateNetworkFetch: true } : {}),
        onLogout: async (accountId, ip) => {
          const a = await new UsersRepository(this.deps.db).byGlobalId(accountId);
          if (a) await this.deps.audit.record({ tenant: a.tenantId, action: 'logout', outcome: 'success', userId: a.id, username: a.username, sourceIp: ip });
        },
      });
      this.providers.set(origin, p);
      if (this.providers.size > MAX_ORIGINS) this.providers.delete(this.providers.keys().next().value!);
    }
    return p;
  }

  smartConfiguration(origin: string): Record<string, unknown> {
    const issuer = `${origin}/oauth`;
    return {
      issuer,
      jwks_uri: `${issuer}/jwks`,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      registration_endpoint: undefined,
      scopes_supported: [...OIDC_SCOPES, 'patient/*.rs', 'user/*.rs', 'user/*.cruds', 'patient/*.cruds', 'system/*.rs', 'system/*.cruds', 'patient/*.read', 'user/*.read', 'system/*.read'],
      response_types_supported: ['code'],
      introspection_endpoint: `${issuer}/token/introspection`,
      revocation_endpoint: `${issuer}/token/revocation`,
      userinfo_endpoint: `${issuer}/me`,
      management_endpoint: `${origin}/portal/apps`,
      code_challenge_methods_supported: ['S256'],
      capabilities: [
        'launch-ehr',
        'launch-standalone',
        'client-public',
        'client-confidential-symmetric',
        'client-confidential-asymmetric',
        'context-passthrough-banner',
        'context-ehr-patient',
        'context-ehr-encounter',
        'context-standalone-patient',
        'permission-offline',
        'permission-online',
        'permission-patient',
        'permission-user',
        'permission-v1',
        'permission-v2',
        'sso-openid-connect',
        'authorize-post',
      ],
    };
  }

  register(app: FastifyInstance, authenticate: (req: FastifyRequest) => Promise<Principal>): void {
    const deps = this.deps;
    app.get('/fhir/.well-known/smart-configuration', async (req, reply) => {
      const body = JSON.parse(JSON.stringify(this.smartConfiguration(this.originOf(req)))) as unknown;
      return reply.code(200).header('content-type', 'application/json').header('cache-control', 'public, max-age=300').send(JSON.stringify(body));
    });

    void app.register(async (scope) => {
      // oidc-provider reads its own request bodies: nothing here may consume the stream.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
      const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
        if (req.method === 'POST' && /^\/oauth\/token(\/|$|\?)/.test(req.url) && !this.tokenLimiter.take(req.ip)) {
          void reply.code(429).header('retry-after', '60').header('content-type', 'application/json').send('{"error":"slow_down","error_description":"too many token requests; wait a minute"}');
          return;
        }
        const provider = this.providerFor(this.originOf(req));
        reply.hijack();
        const raw = req.raw as typeof req.raw & { originalUrl?: string };
        raw.originalUrl = raw.url;
        raw.url = (raw.url ?? '/').slice('/oauth'.length) || '/';
        oidcStorage.enter();
        try {
          await provider.callback()(raw, reply.raw);
        } finally {
          oidcStorage.leave();
        }
      };
      scope.all('/oauth', handler);
      scope.all('/oauth/*', handler);
    });

    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) =>
        done(null, Object.fromEntries(new URLSearchParams(body as string))),
      );
      scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
        try {
          done(null, JSON.parse(body as string));
        } catch {
          done(Object.assign(new Error('invalid JSON'), { statusCode: 400 }), undefined);
        }
      });
      scope.get('/auth/interaction/:uid', (req, reply) => this.interaction(req, reply));
      scope.post('/auth/interaction/:uid/login', (req, reply) => this.login(req, reply));
      scope.post('/auth/interaction/:uid/confirm', (req, reply) => this.confirm(req, reply));
      scope.post('/auth/interaction/:uid/abort', (req, reply) => this.abort(req, reply));
      scope.post('/auth/interaction/:uid/enrol', (req, reply) => this.enrol(req, reply));
      scope.post('/auth/interaction/:uid/continue', (req, reply) => this.continueLogin(req, reply));

      this.resets.register(scope);
      this.activation.register(scope);
      registerGrants(scope, { db: deps.db, clients: deps.clients, audit: deps.audit, onRevoke: deps.onRevoke, authenticate });

      scope.post('/auth/launch', async (req, reply) => {
        const p = await authenticate(req);
        if (p.kind !== 'staff') return reply.code(403).send({ error: 'forbidden', error_description: 'only staff users start EHR launches' });
        const body = (req.body ?? {}) as { patient?: unknown; encounter?: unknown };
        if (typeof body.patient !== 'string' || (body.encounter !== undefined && typeof body.encounter !== 'string')) {
          return reply.code(400).send({ error: 'invalid_request', error_description: 'patient (and optionally encounter) ids are required' });
        }
        try {
          const launch = await createLaunch(deps.db, p.tenant, { ...(p.userId ? { userId: p.userId } : {}), patient: body.patient, ...(typeof body.encounter === 'string' ? { encounter: body.encounter } : {}) });
          return reply.code(201).send({ launch });
        } catch (err) {
          return reply.code(400).send({ error: 'invalid_request', error_description: (err as Error).message });
        }
      });

      scope.post('/auth/break-glass', async (req, reply) => {
        const p = await authenticate(req);
        const clinical = p.roles.some((r) => r === 'physician' || r === 'nurse');
        if (p.kind !== 'staff' || !clinical || !p.userId) return reply.code(403).send({ error: 'forbidden', error_description: 'only clinicians may break the glass' });
        const body = (req.body ?? {}) as { patient?: unknown; reason?: unknown; minutes?: unknown };
        const minutes = body.minutes === undefined ? 60 : Number(body.minutes);
        if (typeof body.patient !== 'string' || !/^[A-Za-z0-9.-]{1,64}$/.test(body.patient) || typeof body.reason !== 'string' || body.reason.trim().length < 10 || !Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
          return reply.code(400).send({ error: 'invalid_request', error_description: 'patient id, a reason of at least 10 characters, and minutes between 1 and 1440 are required' });
        }
        const now = new Date();
        const until = new Date(now.getTime() + minutes * 60_000);
        await deps.db.query(
          `INSERT INTO break_glass_grant (tenant_id, user_id, patient, reason, granted_at, expires_at) VALUES ($1, $2::uuid, $3, $4, $5, $6)`,
          [p.tenant, p.userId, body.patient, body.reason.trim(), now, until],
        );
        await deps.audit.record({
          tenant: p.tenant,
          action: 'break-glass',
          outcome: 'success',
          priority: 'high',
          userId: p.userId,
          ...(p.username ? { username: p.username } : {}),
          role: p.roles.join(','),
          clientId: p.clientId,
          patients: [body.patient],
          resource: `Patient/${body.patient}`,
          sourceIp: req.ip,
          detail: body.reason.trim(),
        });
        this.onBreakGlass?.(p.userId);
        return reply.code(201).send({ patient: body.patient, expires: until.toISOString() });
      });
    });
  }

  /** Called after a break-the-glass grant, so cached principals pick it up. */
  onBreakGlass?: (userId: string) => void;

  /** Proof, for the next form of this sign-in, that the password of `accountId` was checked. */
  private passed(uid: string, accountId: string): string {
    return this.signer.sign(`password-ok:${uid}:${accountId}`);
  }

  private checkPassed(uid: string, accountId: unknown, proof: unknown): accountId is string {
    return typeof accountId === 'string' && this.signer.verify(`password-ok:${uid}:${accountId}`, proof);
  }

  private enrolPage(uid: string, accountId: string, qrDataUrl: string, secret: string, error?: string): string {
    return page(
      'Set up two-step sign-in',
      `<h1>Set up two-step sign-in</h1><p class="sub">Your account must use an authenticator app. Scan the code with it (or type the key), then enter the 6-digit code it shows.</p>${error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : ''}
<p style="text-align:center"><img src="${qrDataUrl}" alt="QR code for your authenticator app" width="200" height="200"></p>
<p style="font-family:monospace;text-align:center;word-break:break-all" aria-label="key">${escapeHtml(secret)}</p>
<form method="post" action="${INTERACTION_PATH}${uid}/enrol"><input type="hidden" name="csrf" value="${this.csrf(uid)}"><input type="hidden" name="account" value="${escapeHtml(accountId)}"><input type="hidden" name="proof" value="${this.passed(uid, accountId)}">
<input type="hidden" name="qr" value="${escapeHtml(qrDataUrl)}"><input type="hidden" name="secret" value="${escapeHtml(secret)}">
<label for="otp">Code from the app</label><input type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required autofocus>
<button type="submit">Turn on two-step sign-in</button></form>`,
    );
  }

  private csrf(uid: string): string {
    return this.signer.sign(`interaction:${uid}`);
  }

  private checkCsrf(uid: string, token: unknown): boolean {
    return this.signer.verify(`interaction:${uid}`, token);
  }

  private html(reply: FastifyReply, status: number, body: string): FastifyReply {
    return sendPage(reply, status, body);
  }

  private async details(req: FastifyRequest, reply: FastifyReply) {
    const provider = this.providerFor(this.originOf(req));
    try {
      return { provider, details: await provider.interactionDetails(req.raw, reply.raw) };
    } catch {
      return { provider, details: undefined };
    }
  }

  private async interaction(req: FastifyRequest, reply: FastifyReply, error?: string, username?: string): Promise<FastifyReply> {
    const { uid } = req.params as { uid: string };
    const { details } = await this.details(req, reply);
    if (!details || details.uid !== uid) return this.html(reply, 400, page('Sign-in expired', '<h1>This sign-in has expired</h1><p class="sub">Go back to the app and start again.</p>'));
    const client = await this.deps.clients.get(String(details.params.client_id));
    const appName = escapeHtml(client?.name ?? 'An app');
    const csrf = this.csrf(uid);
    const err = error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : '';
    const portal = client?.clientId === PORTAL_CLIENT_ID;
    if (details.prompt.name === 'login' && portal) {
      const form = { loginAction: `${INTERACTION_PATH}${uid}/login`, abortAction: `${INTERACTION_PATH}${uid}/abort`, csrf, forgotLink: this.resets.forgotLink(uid, true) };
      return this.html(reply, error ? 401 : 200, portalLoginPage({ ...form, ...(error ? { error } : {}), ...(username ? { username } : {}) }));
    }
    if (portal) {
      // The portal grants itself for patients and proxies (provider.ts): a staff session reaches
      // this step, or a request for more than the portal may have (offline access).
      const signedIn = details.session?.accountId ? await new UsersRepository(this.deps.db).byGlobalId(details.session.accountId) : undefined;
      if (!signedIn) return this.html(reply, 400, page('Sign-in expired', '<h1>This sign-in has expired</h1><p class="sub">Open MyHealth again.</p>', { portal: true }));
      if (signedIn.kind === 'staff') return this.html(reply, 403, staffRefusedPage(this.originOf(req)));
      return this.html(reply, 400, page('Sign-in problem', '<h1>This sign-in cannot continue</h1><p class="sub">The portal asked for more access than it may have. Open MyHealth again.</p>', { portal: true }));
    }
    if (details.prompt.name === 'login') {
      return this.html(
        reply,
        error ? 401 : 200,
        page(
          'Sign in',
          `<h1>Sign in</h1><p class="sub">${appName} is asking you to sign in to Continuum.</p>${err}
<form method="post" action="${INTERACTION_PATH}${uid}/login" autocomplete="on">
<input type="hidden" name="csrf" value="${csrf}">
<label for="username">User name</label><input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(username ?? '')}" ${username ? '' : 'autofocus'}>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required ${username ? 'autofocus' : ''}>
<label for="otp">Authentication code <span style="font-weight:400">(if you use two-step sign-in)</span></label><input type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9A-Za-z-]*">
<button type="submit">Sign in</button></form>
<form method="post" action="${INTERACTION_PATH}${uid}/abort"><input type="hidden" name="csrf" value="${csrf}"><button class="secondary" type="submit">Cancel</button></form>${this.resets.forgotLink(uid)}`,
        ),
      );
    }
    // Consent.
    const session = details.session;
    const account = session?.accountId ? await new UsersRepository(this.deps.db).byGlobalId(session.accountId) : undefined;
    if (!account) return this.html(reply, 400, page('Sign-in expired', '<h1>This sign-in has expired</h1>'));
    const requested = (typeof details.params.scope === 'string' ? details.params.scope : '').split(' ').filter(Boolean);
    const needsPatient = requested.some((s) => PATIENT_LAUNCH_SCOPES.has(s)) && !details.params.launch && account.kind === 'staff';
    let picker = '';
    if (needsPatient) {
      const q = String((req.query as { q?: string }).q ?? '');
      const choices = await this.deps.findPatients(account, q);
      picker = `<form method="get" action="${INTERACTION_PATH}${uid}"><label for="q">Find the patient</label><input type="text" id="q" name="q" value="${escapeHtml(q)}" placeholder="Name or id"><button class="secondary" type="submit">Search</button></form>
<label for="patient">Patient</label><select id="patient" name="patient" form="consent" required>${choices.map((c) => `<option value="${escapeHtml(c.id)}">${escapeHtml(c.display)}</option>`).join('')}</select>`;
    }
    const lines = requested.map((s) => `<li>${escapeHtml(describeScope(s))}</li>`).join('');
    return this.html(
      reply,
      error ? 400 : 200,
      page(
        'Allow access',
        `<h1>Allow ${appName}?</h1><p class="sub">Signed in as <b>${escapeHtml(account.username)}</b>. ${appName} asks to:</p>${err}<ul class="scopes">${lines}</ul>${picker}
<form id="consent" method="post" action="${INTERACTION_PATH}${uid}/confirm"><input type="hidden" name="csrf" value="${csrf}"><button type="submit" name="decision" value="allow">Allow</button></form>
<form method="post" action="${INTERACTION_PATH}${uid}/abort"><input type="hidden" name="csrf" value="${csrf}"><button class="secondary" type="submit">Deny</button></form>`,
      ),
    );
  }

  private async login(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { uid } = req.params as { uid: string };
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (!this.checkCsrf(uid, body.csrf)) return this.html(reply, 403, page('Sign-in refused', '<h1>Sign-in refused</h1><p class="sub">The form was not sent from this page. Start again from the app.</p>'));
    if (!this.limiter.take(`login:${req.ip}`)) return this.html(reply, 429, page('Too many attempts', '<h1>Too many attempts</h1><p class="sub">Wait a minute before trying again.</p>'));
    const { provider, details } = await this.details(req, reply);
    if (!details || details.uid !== uid || details.prompt.name !== 'login') return this.html(reply, 400, page('Sign-in expired', '<h1>This sign-in has expired</h1>'));
    const client = await this.deps.clients.get(String(details.params.client_id));
    if (!client) return this.html(reply, 400, page('Unknown app', '<h1>Unknown app</h1>'));
    const username = String(body.username ?? '').trim();
    const otp = String(body.otp ?? '').trim();
    const result = await new LoginService(this.deps.db, this.deps.secrets).verify({
      tenantId: client.tenantId,
      username,
      password: String(body.password ?? ''),
      ...(otp ? (/^\d{6}$/.test(otp) ? { totpCode: otp } : { recoveryCode: otp }) : {}),
    });
    const audit = { tenant: client.tenantId, clientId: client.clientId, username, sourceIp: req.ip };
    if (result.outcome !== 'ok') {
      await this.deps.audit.record({ ...audit, action: 'login-failed', outcome: 'failure', detail: result.outcome });
      const message =
        result.outcome === 'mfa-needed'
          ? 'Enter the code from your authenticator app (or a recovery code) with your password.'
          : result.outcome === 'invalid-mfa'
            ? 'That authentication code is not valid.'
            : 'The user name or password is wrong, or the account is locked. Try again later or ask your administrator.';
      return this.interaction(req, reply, message, username);
    }
    if (client.clientId === PORTAL_CLIENT_ID && result.account.kind === 'staff') {
      await this.deps.audit.record({ ...audit, userId: result.account.id, action: 'login-failed', outcome: 'denied', detail: 'staff account refused by the patient portal' });
      return this.html(reply, 403, staffRefusedPage(this.originOf(req)));
    }
    if (result.mfaEnrolmentRequired) {
      // The password was right, but the account must use two-step sign-in and has no device yet:
      // enrol one now (a QR code), before the sign-in completes.
      const enrolment = await new MfaService(this.deps.db, this.deps.secrets).begin(client.tenantId, result.account.username);
      return this.html(reply, 200, this.enrolPage(uid, result.account.id, enrolment.qrDataUrl, enrolment.secret));
    }
    await this.deps.audit.record({ ...audit, userId: result.account.id, role: result.account.roles.join(','), action: 'login', outcome: 'success' });
    const to = await provider.interactionResult(req.raw, reply.raw, { login: { accountId: result.account.id, amr: result.usedRecoveryCode || result.account.mfaEnabled ? ['pwd', 'otp'] : ['pwd'] } }, { mergeWithLastSubmission: false });
    return reply.code(303).header('location', to).send();
  }

  /** The first code from the new device: turns MFA on and shows the recovery codes once. */
  private async enrol(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { uid } = req.params as { uid: string };
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (!this.checkCsrf(uid, body.csrf) || !this.checkPassed(uid, body.account, body.proof)) return this.html(reply, 403, page('Refused', '<h1>Refused</h1><p class="sub">Start again from the app.</p>'));
    if (!this.limiter.take(`login:${req.ip}`)) return this.html(reply, 429, page('Too many attempts', '<h1>Too many attempts</h1><p class="sub">Wait a minute before trying again.</p>'));
    const account = await new UsersRepository(this.deps.db).byGlobalId(body.account);
    if (!account || account.disabled) return this.html(reply, 400, page('Sign-in expired', '<h1>This sign-in has expired</h1>'));
    try {
      const { recoveryCodes } = await new MfaService(this.deps.db, this.deps.secrets).confirm(account.tenantId, account.username, String(body.otp ?? '').trim());
      await this.deps.audit.record({ tenant: account.tenantId, action: 'permission-change', outcome: 'success', priority: 'high', userId: account.id, username: account.username, sourceIp: req.ip, detail: 'MFA enrolled at sign-in' });
      const codes = recoveryCodes.map((c) => `<li><code>${escapeHtml(c)}</code></li>`).join('');
      return this.html(
        reply,
        200,
        page(
          'Recovery codes',
          `<h1>Two-step sign-in is on</h1><p class="sub">Keep these recovery codes somewhere safe. Each works once, instead of a code from the app, if you lose the device. They are not shown again.</p><ul class="scopes">${codes}</ul>
<form method="post" action="${INTERACTION_PATH}${uid}/continue"><input type="hidden" name="csrf" value="${this.csrf(uid)}"><input type="hidden" name="account" value="${escapeHtml(account.id)}"><input type="hidden" name="proof" value="${this.passed(uid, account.id)}"><button type="submit">I have saved them: continue</button></form>`,
        ),
      );
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      return this.html(reply, 400, this.enrolPage(uid, account.id, String(body.qr ?? ''), String(body.secret ?? ''), 'That code does not match. Check the time on your device and enter the current code.'));
    }
  }

  /** After enrolment: the sign-in completes with both factors just proven. */
  private async continueLogin(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { uid } = req.params as { uid: string };
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (!this.checkCsrf(uid, body.csrf) || !this.checkPassed(uid, body.account, body.proof)) return this.html(reply, 403, page('Refused', '<h1>Refused</h1><p class="sub">Start again from the app.</p>'));
    const { provider, details } = await this.details(req, reply);
    const account = await new UsersRepository(this.deps.db).byGlobalId(body.account);
    if (!details || details.uid !== uid || details.prompt.name !== 'login' || !account || account.disabled || !account.mfaEnabled) {
      return this.html(reply, 400, page('Sign-in expired', '<h1>This sign-in has expired</h1><p class="sub">Go back to the app and sign in again.</p>'));
    }
    await this.deps.audit.record({ tenant: account.tenantId, clientId: String(details.params.client_id), userId: account.id, username: account.username, role: account.roles.join(','), action: 'login', outcome: 'success', sourceIp: req.ip, detail: 'after MFA enrolment' });
    const to = await provider.interactionResult(req.raw, reply.raw, { login: { accountId: account.id, amr: ['pwd', 'otp'] } }, { mergeWithLastSubmission: false });
    return reply.code(303).header('location', to).send();
  }

  private async confirm(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { uid } = req.params as { uid: string };
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (!this.checkCsrf(uid, body.csrf)) return this.html(reply, 403, page('Refused', '<h1>Refused</h1><p class="sub">The form was not sent from this page.</p>'));
    const { provider, details } = await this.details(req, reply);
    if (!details || details.uid !== uid || details.prompt.name !== 'consent' || !details.session?.accountId) return this.html(reply, 400, page('Sign-in expired', '<h1>This sign-in has expired</h1>'));
    const account = await new UsersRepository(this.deps.db).byGlobalId(details.session.accountId);
    if (!account) return this.html(reply, 400, page('Sign-in expired', '<h1>This sign-in has expired</h1>'));
    const requested = (typeof details.params.scope === 'string' ? details.params.scope : '').split(' ').filter(Boolean);
    let context: LaunchContext | undefined;
    if (typeof details.params.launch === 'string') {
      context = await resolveLaunch(this.deps.db, account.tenantId, details.params.launch, account.id);
      if (!context) return this.interaction(req, reply, 'The launch has expired or was not made for you. Start the app again from the chart.');
    } else if (requested.some((s) => PATIENT_LAUNCH_SCOPES.has(s))) {
      if (account.kind === 'patient') context = { patient: account.fhirUser.split('/')[1]!, launched: false };
      else if (account.kind === 'staff') {
        const patient = String(body.patient ?? '');
        if (!/^[A-Za-z0-9.-]{1,64}$/.test(patient)) return this.interaction(req, reply, 'Choose a patient.');
        context = { patient, launched: false };
      }
    }
    const { grantId: existing, session } = details;
    const grant = existing ? await provider.Grant.find(existing) : new provider.Grant({ accountId: session.accountId, clientId: String(details.params.client_id) });
    if (!grant) return this.html(reply, 400, page('Sign-in expired', '<h1>This sign-in has expired</h1>'));
    const prompt = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]>; missingOIDCClaims?: string[] };
    if (prompt.missingOIDCScope) grant.addOIDCScope(prompt.missingOIDCScope.join(' '));
    if (prompt.missingOIDCClaims) grant.addOIDCClaims(prompt.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    if (context) await saveGrantContext(this.deps.db, grantId, account.tenantId, context);
    await this.deps.audit.record({
      tenant: account.tenantId,
      action: 'permission-change',
      outcome: 'success',
      userId: account.id,
      username: account.username,
      clientId: String(details.params.client_id),
      ...(context?.patient ? { patients: [context.patient] } : {}),
      detail: `granted ${requested.join(' ')}`,
      sourceIp: req.ip,
    });
    const to = await provider.interactionResult(req.raw, reply.raw, { consent: existing ? {} : { grantId } }, { mergeWithLastSubmission: true });
    return reply.code(303).header('location', to).send();
  }

  private async abort(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { uid } = req.params as { uid: string };
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (!this.checkCsrf(uid, body.csrf)) return this.html(reply, 403, page('Refused', '<h1>Refused</h1>'));
    const { provider, details } = await this.details(req, reply);
    if (!details || details.uid !== uid) return this.html(reply, 400, page('Sign-in expired', '<h1>This sign-in has expired</h1>'));
    const to = await provider.interactionResult(req.raw, reply.raw, { error: 'access_denied', error_description: 'The user denied access' }, { mergeWithLastSubmission: false });
    return reply.code(303).header('location', to).send();
  }
}
