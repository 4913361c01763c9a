/**
 * Maps a FhirRequest onto an interaction by method and path shape. Unknown paths are a 404 and
 * known paths with the wrong method a 405, both as OperationOutcomes. The router does no I/O of
 * its own; interactions get the repository from the context.
 */
import { methodNotAllowed, notFound } from '@continuum/fhir';
import { processBundle } from './bundle/process.ts';
import { capabilityStatement } from './capability.ts';
import * as crud from './interactions/crud.ts';
import { compartmentSearch } from './interactions/compartment.ts';
import { history } from './interactions/history.ts';
import { search } from './interactions/search.ts';
import { everythingOperation } from './operations/everything.ts';
import { reindexOperation } from './operations/reindex.ts';
import { reindexStatusOperation } from './operations/reindex-status.ts';
import { validateOperation } from './operations/validate.ts';
import type { ApiContext, FhirRequest, FhirResponse } from './types.ts';

type Handler = (ctx: ApiContext, req: FhirRequest, ...segments: string[]) => Promise<FhirResponse>;

interface Route {
  /** Segment patterns: a literal, or `:type` / `:id` / `:vid` placeholders. */
  pattern: string[];
  methods: Partial<Record<string, Handler>>;
}

const hasQuery = (req: FhirRequest): boolean => req.query.some(([k]) => !k.startsWith('_format') && k !== '_pretty');

const ROUTES: Route[] = [
  { pattern: [], methods: { POST: (ctx, req) => processBundle(ctx, req, route) } },
  { pattern: ['metadata'], methods: { GET: async (ctx) => ({ status: 200, headers: {}, body: capabilityStatement(ctx) }) } },
  { pattern: ['$reindex'], methods: { POST: (ctx, req) => reindexOperation(ctx, req) } },
  { pattern: ['$reindex-status'], methods: { GET: (ctx, req) => reindexStatusOperation(ctx, req) } },
  { pattern: ['SearchParameter', ':id', '$reindex'], methods: { POST: (ctx, req, id) => reindexOperation(ctx, req, id) } },
  { pattern: ['_history'], methods: { GET: (ctx, req) => history(ctx, req) } },
  { pattern: [':type', '_history'], methods: { GET: (ctx, req, t) => history(ctx, req, t) } },
  { pattern: [':type', '_search'], methods: { POST: (ctx, req, t) => search(ctx, req, t) } },
  { pattern: [':type', '$validate'], methods: { POST: (ctx, req, t) => validateOperation(ctx, req, t) } },
  { pattern: [':type', ':id', '$validate'], methods: { POST: (ctx, req, t, id) => validateOperation(ctx, req, t, id) } },
  { pattern: [':type', ':id', '_history'], methods: { GET: (ctx, req, t, id) => history(ctx, req, t, id) } },
  { pattern: [':type', ':id', '_history', ':vid'], methods: { GET: (ctx, req, t, id, v) => crud.vread(ctx, req, t, id, v) } },
  { pattern: ['Patient', ':id', '$everything'], methods: { GET: (ctx, req, id) => everythingOperation(ctx, req, id), POST: (ctx, req, id) => everythingOperation(ctx, req, id) } },
  // Compartment search. Placeholders never match `$everything` or `_history`: no route above is shadowed.
  { pattern: [':type', ':id', ':type'], methods: { GET: (ctx, req, c, id, t) => compartmentSearch(ctx, req, c, id, t) } },
  { pattern: [':type', ':id', ':type', '_search'], methods: { POST: (ctx, req, c, id, t) => compartmentSearch(ctx, req, c, id, t) } },
  {
    pattern: [':type'],
    methods: {
      GET: (ctx, req, t) => search(ctx, req, t),
      POST: (ctx, req, t) => crud.create(ctx, req, t),
      PUT: (ctx, req, t) => (hasQuery(req) ? crud.conditionalUpdate(ctx, req, t) : Promise.reject(methodNotAllowed('PUT on a type needs search criteria (conditional update)'))),
      DELETE: (ctx, req, t) => (hasQuery(req) ? crud.conditionalDelete(ctx, req, t) : Promise.reject(methodNotAllowed('DELETE on a type needs search criteria (conditional delete)'))),
    },
  },
  {
    pattern: [':type', ':id'],
    methods: {
      GET: (ctx, req, t, id) => crud.read(ctx, req, t, id),
      PUT: (ctx, req, t, id) => crud.update(ctx, req, t, id),
      PATCH: (ctx, req, t, id) => crud.patch(ctx, req, t, id),
      DELETE: (ctx, req, t, id) => crud.remove(ctx, req, t, id),
    },
  },
];

function match(pattern: string[], segments: string[]): string[] | undefined {
  if (pattern.length !== segments.length) return undefined;
  const captured: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) {
      // A placeholder never swallows a reserved literal like `_history` or `$validate`.
      if (s.startsWith('_') || s.startsWith('$') || s === 'metadata') return undefined;
      if (p === ':type' && !/^[A-Z]/.test(s)) return undefined;
      captured.push(s);
    } else if (p !== s) return undefined;
  }
  return captured;
}

export async function route(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const segments = req.path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  for (const r of ROUTES) {
    const captured = match(r.pattern, segments);
    if (!captured) continue;
    const handler = r.methods[method];
    if (!handler) throw methodNotAllowed(`${req.method} is not allowed on ${req.path || '/'}`);
    return handler(ctx, req, ...captured);
  }
  throw notFound(`No FHIR route for ${req.method} ${req.path}`);
}
