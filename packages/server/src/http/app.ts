/**
 * The HTTP edge: Fastify wiring for /fhir, /healthz and the fallbacks. It turns HTTP into a
 * FhirRequest, calls the FHIR router, and turns the FhirResponse (or an OutcomeError) back into
 * HTTP. This is the one place where an OperationOutcome becomes a status code; errors that are
 * not OutcomeErrors become a bare 500 with no detail, and are logged without PHI.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { badRequest, isOutcomeError, notAcceptable, notFound, OutcomeError, outcome, issue, serverError, tooLarge, transient, unsupportedMediaType } from '@continuum/fhir';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { WriteObserver } from '../db/statistics.ts';
import { route } from '../api/router.ts';
import type { FhirRequest, FhirResponse } from '../api/types.ts';
import type { IndexerSource } from '../search-params/provider.ts';
import type { ReindexService } from '../search-params/reindex-service.ts';
import { Repository } from '../store/repository.ts';
import { parseJsonBody } from './json-body.ts';

export interface AppDeps {
  db: Database;
  /** Each tenant's indexer (its search parameters, custom ones included). */
  indexers: IndexerSource;
  /** Queues and reports reindex jobs (`$reindex`); without it those operations answer 400. */
  reindex?: ReindexService;
  writes?: WriteObserver;
  config: Config;
  log?: (line: string) => void;
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
  const app = Fastify({ bodyLimit: config.maxBodyBytes, logger: false, trustProxy: false, return503OnClosing: true });

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
    void send(reply, { status: oe.status, headers: oe.status === 503 ? { 'retry-after': '1' } : {}, body: oe.outcome }, false);
  });

  app.setNotFoundHandler((req, reply) => {
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
    const indexer = await deps.indexers.indexerFor(config.defaultTenant);
    const repo = new Repository({ db: deps.db, indexer, ...(deps.writes ? { writes: deps.writes } : {}) }, config.defaultTenant);
    const fr: FhirRequest = { method: req.method, path, query, headers, body };
    const res = await route({ repo, baseUrl: `${base}/fhir`, ...(deps.reindex ? { reindex: deps.reindex } : {}) }, fr);
    return send(reply, res, pretty);
  };
  app.all('/fhir', fhir);
  app.all('/fhir/*', fhir);
  return app;
}
