/**
 * Type-level search (GET and POST `_search`): a `searchset` Bundle with keyset paging. This is
 * the foundation that the full search issue extends (sorting, includes, chaining, totals).
 * Unknown parameters are ignored under `Prefer: handling=lenient` (the default) and the self link
 * shows only what was applied; under `handling=strict` they are a 400.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { badRequest, parseSearch } from '@continuum/fhir';
import { decodeCursor, encodeCursor, pageSize } from '../paging.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';
import { queryValue } from '../types.ts';

const SUMMARY_MODES = new Set(['true', 'text', 'data', 'count', 'false']);

const isRid = (v: unknown): v is { after: number } => Number.isInteger((v as { after?: unknown })?.after);

export interface SearchScope {
  /** Compartment search: `Patient/{id}/{type}`; links are built under the compartment path. */
  compartment?: { type: 'Patient'; id: string };
}

export async function search(ctx: ApiContext, req: FhirRequest, type: string, scope: SearchScope = {}): Promise<FhirResponse> {
  ctx.repo.checkType(type);
  const parsed = parseSearch(type, req.query, ctx.repo.indexer.registry);
  if (scope.compartment) parsed.compartment = scope.compartment;
  if (parsed.unknown.length > 0 && /handling=strict/.test(req.headers.prefer ?? '')) {
    throw badRequest(`Unknown or unsupported search parameter(s): ${parsed.unknown.join(', ')}`);
  }
  const applied = new URLSearchParams();
  for (const [k, v] of req.query) {
    if (!parsed.unknown.includes(k) && k !== '_cursor') applied.append(k, v);
  }
  const base = scope.compartment ? `${ctx.baseUrl}/${scope.compartment.type}/${scope.compartment.id}/${type}` : `${ctx.baseUrl}/${type}`;
  const summary = queryValue(req, '_summary');
  if (summary !== undefined && !SUMMARY_MODES.has(summary)) throw badRequest('_summary must be one of true, text, data, count, false');
  if (summary === 'count') {
    const total = await ctx.repo.count(parsed);
    return { status: 200, headers: {}, body: { resourceType: 'Bundle', type: 'searchset', total, link: [{ relation: 'self', url: `${base}?${applied.toString()}` }] } };
  }
  const count = pageSize(queryValue(req, '_count'));
  const cursor = queryValue(req, '_cursor');
  const after = cursor ? decodeCursor(cursor, isRid).after : undefined;
  const page = await ctx.repo.search(parsed, { count, ...(after !== undefined ? { afterRid: after } : {}) });
  const link: Bundle['link'] = [{ relation: 'self', url: `${base}?${applied.toString()}${cursor ? `&_cursor=${cursor}` : ''}` }];
  if (page.nextAfter !== undefined) {
    const next = new URLSearchParams(applied);
    next.set('_cursor', encodeCursor({ after: page.nextAfter }));
    link.push({ relation: 'next', url: `${base}?${next.toString()}` });
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link,
    entry: page.matches.map((m) => ({ fullUrl: `${ctx.baseUrl}/${type}/${m.id}`, resource: JSON.parse(m.content), search: { mode: 'match' } })),
  };
  return { status: 200, headers: {}, body: bundle };
}
