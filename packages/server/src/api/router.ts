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
import { auditRead, auditSearch, auditWrite } from './interactions/audit.ts';
import { reindexOperation } from './operations/reindex.ts';
import { reindexStatusOperation } from './operations/reindex-status.ts';
import { validateOperation } from './operations/validate.ts';
import { expandOperation } from './operations/expand.ts';
import { lookupOperation } from './operations/lookup.ts';
import { catalogueOperation } from './operations/medication-catalogue.ts';
import { guarded, type Handler, type RouteAccess } from './guard.ts';
import type { ApiContext, FhirRequest, FhirResponse } from './types.ts';
import { portalRoutes } from '../portal/routes.ts';
import { exchangeRoutes } from '../exchange/routes.ts';

export interface Route {
  /** Segment patterns: a literal, or `:type` / `:id` / `:vid` placeholders. */
  pattern: string[];
  methods: Partial<Record<string, Handler>>;
  /** What the route does, for authorization (api/guard.ts), by method and captured segments. */
  access: (method: string, s: string[]) => RouteAccess;
}

const hasQuery = (req: FhirRequest): boolean => req.query.some(([k]) => !k.startsWith('_format') && k !== '_pretty');

const ROUTES: Route[] = [
  { pattern: [], methods: { POST: (ctx, req) => processBundle(ctx, req, route) }, access: () => ({ interaction: 'transaction', type: 'Bundle' }) },
  { pattern: ['metadata'], methods: { GET: async (ctx) => ({ status: 200, headers: {}, body: capabilityStatement(ctx) }) }, access: () => ({ interaction: 'public', type: 'CapabilityStatement' }) },
  // The patient portal's operations (portal/routes.ts): literal paths, before the generic routes.
  ...portalRoutes(),
  // Cross-organization exchange (exchange/routes.ts): matching, merge, partners, retrieve, referrals, subscriptions.
  ...exchangeRoutes(),
  { pattern: ['$reindex'], methods: { POST: (ctx, req) => reindexOperation(ctx, req) }, access: () => ({ interaction: 'admin', type: 'SearchParameter' }) },
  { pattern: ['$reindex-status'], methods: { GET: (ctx, req) => reindexStatusOperation(ctx, req) }, access: () => ({ interaction: 'admin', type: 'SearchParameter' }) },
  // Terminology over the shipped code lists: the handlers decide who may use them (access/terminology.ts).
  { pattern: ['ValueSet', '$expand'], methods: { GET: expandOperation, POST: expandOperation }, access: () => ({ interaction: 'public', type: 'ValueSet' }) },
  { pattern: ['CodeSystem', '$lookup'], methods: { GET: lookupOperation, POST: lookupOperation }, access: () => ({ interaction: 'public', type: 'CodeSystem' }) },
  // The medication catalogue: the handler decides who may search it (access/medication-catalogue.ts).
  { pattern: ['MedicationKnowledge', '$catalogue'], methods: { GET: catalogueOperation, POST: catalogueOperation }, access: () => ({ interaction: 'public', type: 'MedicationKnowledge' }) },
  { pattern: ['SearchParameter', ':id', '$reindex'], methods: { POST: (ctx, req, id) => reindexOperation(ctx, req, id) }, access: () => ({ interaction: 'admin', type: 'SearchParameter' }) },
  // The audit trail: read-only, answered from the chain; the handlers decide who may see what.
  {
    pattern: ['AuditEvent'],
    methods: { GET: (ctx, req) => auditSearch(ctx, req), POST: auditWrite, PUT: auditWrite, DELETE: auditWrite },
    access: () => ({ interaction: 'public', type: 'AuditEvent' }),
  },
  { pattern: ['AuditEvent', '_search'], methods: { POST: (ctx, req) => auditSearch(ctx, req) }, access: () => ({ interaction: 'public', type: 'AuditEvent' }) },
  {
    pattern: ['AuditEvent', ':id'],
    methods: { GET: (ctx, req, id) => auditRead(ctx, req, id), PUT: auditWrite, PATCH: auditWrite, DELETE: auditWrite },
    access: () => ({ interaction: 'public', type: 'AuditEvent' }),
  },
  { pattern: ['_history'], methods: { GET: (ctx, req) => history(ctx, req) }, access: () => ({ interaction: 'history', type: '*' }) },
  { pattern: [':type', '_history'], methods: { GET: (ctx, req, t) => history(ctx, req, t) }, access: (_m, [t]) => ({ interaction: 'history', type: t! }) },
  { pattern: [':type', '_search'], methods: { POST: (ctx, req, t) => search(ctx, req, t) }, access: (_m, [t]) => ({ interaction: 'search', type: t! }) },
  { pattern: [':type', '$validate'], methods: { POST: (ctx, req, t) => validateOperation(ctx, req, t) }, access: (_m, [t]) => ({ interaction: 'search', type: t! }) },
  { pattern: [':type', ':id', '$validate'], methods: { POST: (ctx, req, t, id) => validateOperation(ctx, req, t, id) }, access: (_m, [t, id]) => ({ interaction: 'operation', type: t!, target: { type: t!, id: id! } }) },
  { pattern: [':type', ':id', '_history'], methods: { GET: (ctx, req, t, id) => history(ctx, req, t, id) }, access: (_m, [t, id]) => ({ interaction: 'history', type: t!, target: { type: t!, id: id! } }) },
  { pattern: [':type', ':id', '_history', ':vid'], methods: { GET: (ctx, req, t, id, v) => crud.vread(ctx, req, t, id, v) }, access: (_m, [t, id]) => ({ interaction: 'vread', type: t!, target: { type: t!, id: id! } }) },
  {
    pattern: ['Patient', ':id', '$everything'],
    methods: { GET: (ctx, req, id) => everythingOperation(ctx, req, id), POST: (ctx, req, id) => everythingOperation(ctx, req, id) },
    access: (_m, [id]) => ({ interaction: 'operation', type: 'Patient', target: { type: 'Patient', id: id! } }),
  },
  // Compartment search. Placeholders never match `$everything` or `_history`: no route above is shadowed.
  { pattern: [':type', ':id', ':type'], methods: { GET: (ctx, req, c, id, t) => compartmentSearch(ctx, req, c, id, t) }, access: (_m, [c, id, t]) => ({ interaction: 'search', type: t!, target: { type: c!, id: id! } }) },
  { pattern: [':type', ':id', ':type', '_search'], methods: { POST: (ctx, req, c, id, t) => compartmentSearch(ctx, req, c, id, t) }, access: (_m, [c, id, t]) => ({ interaction: 'search', type: t!, target: { type: c!, id: id! } }) },
  {
    pattern: [':type'],
    methods: {
      GET: (ctx, req, t) => search(ctx, req, t),
      POST: (ctx, req, t) => crud.create(ctx, req, t),
      PUT: (ctx, req, t) => (hasQuery(req) ? crud.conditionalUpdate(ctx, req, t) : Promise.reject(methodNotAllowed('PUT on a type needs search criteria (conditional update)'))),
      DELETE: (ctx, req, t) => (hasQuery(req) ? crud.conditionalDelete(ctx, req, t) : Promise.reject(methodNotAllowed('DELETE on a type needs search criteria (conditional delete)'))),
    },
    access: (m, [t]) =>
      m === 'GET'
        ? { interaction: 'search', type: t! }
        : m === 'POST'
          ? { interaction: 'create', type: t!, writesBody: true }
          : m === 'PUT'
            ? { interaction: 'update', type: t!, writesBody: true, conditional: true }
            : { interaction: 'delete', type: t!, conditional: true },
  },
  {
    pattern: [':type', ':id'],
    methods: {
      GET: (ctx, req, t, id) => crud.read(ctx, req, t, id),
      PUT: (ctx, req, t, id) => crud.update(ctx, req, t, id),
      PATCH: (ctx, req, t, id) => crud.patch(ctx, req, t, id),
      DELETE: (ctx, req, t, id) => crud.remove(ctx, req, t, id),
    },
    access: (m, [t, id]) => {
      const target = { type: t!, id: id! };
      if (m === 'GET') return { interaction: 'read', type: t!, target };
      if (m === 'PUT') return { interaction: 'update', type: t!, target, writesBody: true };
      if (m === 'PATCH') return { interaction: 'patch', type: t!, target };
      return { interaction: 'delete', type: t!, target };
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
    if (ctx.principal) return guarded(ctx, req, r.access(method, captured), handler, captured);
    return handler(ctx, req, ...captured);
  }
  throw notFound(`No FHIR route for ${req.method} ${req.path}`);
}
