/**
 * The HTTP edge: Fastify wiring for /fhir, /healthz and the fallbacks. It turns HTTP into a
 * FhirRequest, calls the FHIR router, and turns the FhirResponse (or an OutcomeError) back into
 * HTTP. This is the one place where an OperationOutcome becomes a status code; errors that are
 * not OutcomeErrors become a bare 500 with no detail, and are logged without PHI.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { badRequest, isOutcomeError, notAcceptable, notFound, OutcomeError, outcome, issue, serverError, tooLarge, transient, unauthorized, unsupportedMediaType } from '@continuum/fhir';
import type { Principal } from '../access/policy.ts';
import type { Auth } from '../auth/setup.ts';
import { auditFhir } from './audit-fhir.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { WriteObserver } from '../db/statistics.ts';
import { route } from '../api/router.ts';
import type { FhirRequest, FhirResponse, OAuthUris } from '../api/types.ts';
import type { IndexerSource } from '../search-params/provider.ts';
import type { ReindexService } from '../search-params/reindex-service.ts';
import { Repository } from '../store/repository.ts';
import type { Companions } from '../store/companions.ts';
import { registerCds } from '../cds/register.ts';
import { registerShareRoute } from '../portal/record/share-route.ts';
import { parseJsonBody } from './json-body.ts';
import { registerExchange } from '../exchange/register.ts';
import type { ExchangeServices } from '../exchange/types.ts';
import { DEFAULT_WEB_ROOT, registerWebApp } from './web-app.ts';

export interface AppDeps {
  db: Database;
  /** Each tenant's indexer (its search parameters, custom ones included). */
  indexers: IndexerSource;
  /** Queues and reports reindex jobs (`$reindex`); without it those operations answer 400. */
  reindex?: ReindexService;
  writes?: WriteObserver;
  config: Config;
  log?: (line: string) => void;
  /** The authorization server, bearer tokens and the audit trail; absent when auth is off. */
  auth?: Auth;
  /** The built web app (default packages/web/dist); not served when it holds no build. */
  webRoot?: string;
  /** Server-derived writes committed with the API writes that cause them. */
  companions?: Companions;
  /** Cross-organization exchange services; given when auth is on. */
  exchange?: ExchangeServices;
}

/** The CapabilityStatement's `oauth-uris`, from the same SMART configuration discovery publishes. */
function oauthUris(smart: Record<string, unknown>): OAuthUris {
  const uri = (key: string): string => String(smart[key]);
  return {
    authorize: uri('authorization_endpoint'),
    token: uri('token_endpoint'),
    introspect: uri('introspection_endpoint'),
    revoke: uri('revocation_endpoint'),
    manage: uri('management_endpoint'),
  };
}

/** A form-urlencoded body; a class, so that no JSON body (Medication has `form`) looks like one. */
class FormBody {
  constructor(readonly text: string) {}
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const JSON_TYPES = ['application/fhir+json', 'application/json', 'application/json-patch+json'];

/**
 * PostgreSQL's transient failures: a deadlock (40P01) or a serialization failure (40001), where
 * PostgreSQL rolled the transaction back because of what ran beside it, not because of what it
 * did. Nothing was written, and the same request can simply be sent again.
 */
const TRANSIENT_SQLSTATES = new Set(['40P01', '40001']);

/** What an error thrown while handling a request is answered with. */
export function toOutcomeError(err: unknown): OutcomeError {
  if (isOutcomeError(err)) return err;
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (typeof e.code === 'string' && TRANSIENT_SQLSTATES.has(e.code)) {
    return transient('The request collided with concurrent writes and was rolled back; nothing was changed. Send it again.');
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return tooLarge('The request body is larger than the server accepts');
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return unsupportedMediaType('Unsupported Content-Type: send application/fhir+json');
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return badRequest('The request body is empty');
  if (e.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return badRequest('Content-Length does not match the body');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new OutcomeError(e.statusCode, outcome(issue('error', 'invalid', 'The request could not be read')));
  }
  return serverError();
}

function checkFormat(req: FastifyRequest, query: ReadonlyArray<readonly [string, string]>): boolean {
  const format = query.find(([k]) => k === '_format')?.[1];
  if (format !== undefined && !/json/.test(format)) throw notAcceptable(`_format '${format}' is not supported; use json`);
  const accept = req.headers.accept;
  if (format === undefined && accept && !/(json|\*\/\*|application\/\*)/.test(accept)) {
    throw notAcceptable('This server answers application/fhir+json');
  }
  return query.some(([k, v]) => k === '_pretty' && v === 'true');
}

function send(reply: FastifyReply, res: FhirResponse, pretty: boolean): FastifyReply {
  reply.code(res.status).headers(res.headers);
  if (res.body === undefined) return reply.send();
  reply.header('content-type', FHIR_JSON);
  if (typeof res.body === 'string') return reply.send(pretty ? JSON.stringify(JSON.parse(res.body), null, 2) : res.body);
  return reply.send(JSON.stringify(res.body, null, pretty ? 2 : undefined));
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config } = deps;
  const log = deps.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const app = Fastify({
    bodyLimit: config.maxBodyBytes,
    logger: false,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // Fastify fails start-up when a plugin takes 10 s to load. Loading is quick, but on a loaded
    // machine the event loop can be held longer than that (PGlite runs its queries on this
    // thread), and a server that gives up starting helps no one.
    pluginTimeout: 120_000,
    ...(config.tls ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  const auth = deps.auth;

  // Security headers on every answer; HSTS when the public URL is HTTPS. Set on the raw response
  // as it starts, so that answers Fastify does not send itself (the OAuth server's, which take the
  // response over) carry them too; a route that sets one of them replaces it.
  const https = config.tls !== undefined || (config.baseUrl ?? '').startsWith('https://');
  const securityHeaders: [string, string][] = [
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['x-frame-options', 'DENY'],
    ...(https ? [['strict-transport-security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
  ];
  app.addHook('onRequest', async (_req, reply) => {
    for (const [name, value] of securityHeaders) reply.raw.setHeader(name, value);
  });

  // CORS for the FHIR API, only for the configured origins.
  const anyOrigin = config.corsOrigins.includes('*');
  const allowed = new Set(config.corsOrigins);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (!origin || !req.url.startsWith('/fhir')) return;
    if (!anyOrigin && !allowed.has(origin)) return;
    reply.header('access-control-allow-origin', anyOrigin ? '*' : origin);
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', 'Location, ETag, Content-Location, Last-Modified, WWW-Authenticate');
    if (req.method === 'OPTIONS') {
      reply.header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      reply.header('access-control-allow-headers', 'Authorization, Content-Type, Accept, If-Match, If-None-Exist, If-None-Match, Prefer');
      reply.header('access-control-max-age', '600');
      await reply.code(204).send();
    }
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string, config.maxJsonDepth));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, new FormBody(body as string)));

  app.setErrorHandler((err, req, reply) => {
    const oe = toOutcomeError(err);
    if (oe.status >= 500) {
      // Log the failure's kind and where it happened, never request data or error text (PHI).
      const e = err as { name?: string; code?: string; stack?: string };
      const frames = (e.stack ?? '').split('\n').slice(1, 6).join(' | ');
      log(`error ${req.method} ${req.routeOptions.url ?? ''} -> 500 ${e.name ?? 'Error'} ${e.code ?? ''} ${frames}`);
    }
    const headers: Record<string, string> = oe.status === 503 ? { 'retry-after': '1' } : {};
    if (oe.status === 401) headers['www-authenticate'] = (err as { wwwAuthenticate?: string }).wwwAuthenticate ?? 'Bearer realm="Continuum"';
    void send(reply, { status: oe.status, headers, body: oe.outcome }, false);
  });

  const spa = registerWebApp(app, deps.webRoot ?? DEFAULT_WEB_ROOT, { idleSeconds: deps.config.idleMinutes * 60 });
  app.setNotFoundHandler((req, reply) => {
    if (spa?.(req, reply)) return;
    void send(reply, { status: 404, headers: {}, body: notFound(`No route for ${req.method} ${req.url.split('?')[0]}`).outcome }, false);
  });

  app.get('/healthz', async (_req, reply) => {
    await deps.db.query('SELECT 1');
    return reply.code(200).header('content-type', 'application/json').send('{"status":"ok"}');
  });

  const fhir = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const url = req.raw.url ?? '/';
    const q = url.indexOf('?');
    const path = (q < 0 ? url : url.slice(0, q)).replace(/^\/fhir/, '');
    const query: [string, string][] = q < 0 ? [] : [...new URLSearchParams(url.slice(q + 1))];
    let body = req.body;
    if (body instanceof FormBody) {
      if (!/\/_search$/.test(path)) throw unsupportedMediaType('Form bodies are only accepted by POST _search');
      query.push(...new URLSearchParams(body.text));
      body = undefined;
    }
    const pretty = checkFormat(req, query);
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const base = config.baseUrl ?? `${req.protocol}://${req.headers.host ?? `localhost:${config.port}`}`;
    const publicRoute = req.method === 'GET' && (path === '/metadata' || path === '/metadata/');
    let principal: Principal | undefined;
    if (auth && !publicRoute) principal = await authenticate(req);
    const tenant = principal?.tenant ?? config.defaultTenant;
    const indexer = await deps.indexers.indexerFor(tenant);
    const repo = new Repository({ db: deps.db, indexer, ...(deps.writes ? { writes: deps.writes } : {}), ...(deps.companions ? { companions: deps.companions } : {}) }, tenant);
    const fr: FhirRequest = { method: req.method, path, query, headers, body };
    const oauth = auth && publicRoute ? oauthUris(auth.server.smartConfiguration(auth.server.originOf(req))) : undefined;
    const ctx = {
      repo,
      baseUrl: `${base}/fhir`,
      ...(deps.reindex ? { reindex: deps.reindex } : {}),
      ...(principal ? { principal } : {}),
      ...(auth?.reader ? { audit: auth.reader } : {}),
      ...(auth ? { mail: auth.mail, forgetProxiesOf: auth.forgetProxiesOf } : {}),
      ...(oauth ? { oauth } : {}),
      ...(deps.exchange ? { exchange: deps.exchange } : {}),
    };
    if (!auth || !principal) return send(reply, await route(ctx, fr), pretty);
    let res: FhirResponse;
    try {
      res = await route(ctx, fr);
    } catch (err) {
      // Refusals and failures are audited too, then answered as usual.
      await auth.audit.record(auditFhir(principal, fr, toOutcomeError(err).status, undefined, req.ip));
      throw err;
    }
    // Durable before the answer goes out (the trail batches concurrent entries into one commit).
    // Serialised once: the audit reads the patients from the text that is then sent.
    if (res.body !== undefined && typeof res.body !== 'string' && !pretty) res = { ...res, body: JSON.stringify(res.body) };
    await auth.audit.record(auditFhir(principal, fr, res.status, res.body, req.ip));
    return send(reply, res, pretty);
  };

  /** The caller of a FHIR request, from its bearer token: 401 without a valid one. */
  async function authenticate(req: FastifyRequest): Promise<Principal> {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header) : null;
    if (!match) throw Object.assign(unauthorized('This server needs an access token: send Authorization: Bearer <token>'), { wwwAuthenticate: 'Bearer realm="Continuum"' });
    const principal = await auth!.bearer.principal(match[1]!, auth!.server.originOf(req));
    if (!principal) {
      throw Object.assign(unauthorized('The access token is invalid, expired or revoked'), { wwwAuthenticate: 'Bearer realm="Continuum", error="invalid_token"' });
    }
    return principal;
  }
  if (auth) auth.server.register(app, authenticate);
  if (auth) registerCds(app, { ...deps, auth, authenticate });
  // The patient portal's share links: public, and audited, so only when the audit trail is on.
  if (auth) registerShareRoute(app, { db: deps.db, indexers: deps.indexers, config, audit: auth.audit });
  if (auth && deps.exchange) registerExchange(app, { db: deps.db, indexers: deps.indexers, config, audit: auth.audit, exchange: deps.exchange });
  app.all('/fhir', fhir);
  app.all('/fhir/*', fhir);
  return app;
}
