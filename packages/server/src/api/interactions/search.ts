/**
 * Type-level and compartment search (GET, and POST `_search` with a form body): a `searchset`
 * Bundle with matches, then what `_include` / `_revinclude` add, paged by keyset with opaque
 * `next` and `previous` cursors. `_total=accurate` counts, `_total=estimate` asks the planner,
 * and otherwise a total is given only when the one page holds every match. Unknown parameters
 * are ignored under `Prefer: handling=lenient` (the default) and the self link shows only what
 * was applied; under `handling=strict` they are a 400. `_summary` and `_elements` shape each
 * entry; `_summary=count` returns only the total.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { badRequest, parseSearch, type SearchRequest } from '@continuum/fhir';
import type { Match, Position } from '../../search/search.ts';
import { decodeCursor, encodeCursor, pageSize } from '../paging.ts';
import { shape } from '../respond.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';
import { queryValue } from '../types.ts';

const SUMMARY_MODES = new Set(['true', 'text', 'data', 'count', 'false']);

export interface SearchScope {
  /** Compartment search: `Patient/{id}/{type}`; links are built under the compartment path. */
  compartment?: { type: 'Patient'; id: string };
}

/** The cursor: the sort it belongs to, the keyset position, and the direction. */
interface Cursor {
  s: string;
  k: (string | null)[];
  r: number;
  b?: 1;
}

const isCursor = (v: unknown): v is Cursor => {
  const c = v as Partial<Cursor> | null;
  return (
    typeof c === 'object' && c !== null && typeof c.s === 'string' && Number.isSafeInteger(c.r) &&
    Array.isArray(c.k) && c.k.every((x) => x === null || typeof x === 'string') && (c.b === undefined || c.b === 1)
  );
};

const sortSignature = (req: SearchRequest): string => req.sort.map((k) => `${k.descending ? '-' : ''}${k.code}`).join(',');

function entryFor(ctx: ApiContext, req: FhirRequest, m: Match, mode: 'match' | 'include'): BundleEntry {
  const resource = JSON.parse(m.content) as Resource;
  const shaped = mode === 'match' ? shape(req, () => resource) : undefined;
  return { fullUrl: `${ctx.baseUrl}/${m.resourceType}/${m.id}`, resource: shaped ?? resource, search: { mode } };
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
  const selfUrl = `${base}?${applied.toString()}`;
  if (summary === 'count') {
    const total = parsed.total === 'estimate' ? await ctx.repo.estimate(parsed) : await ctx.repo.count(parsed);
    return { status: 200, headers: {}, body: { resourceType: 'Bundle', type: 'searchset', total, link: [{ relation: 'self', url: selfUrl }] } };
  }
  const count = pageSize(queryValue(req, '_count'));
  const rawCursor = queryValue(req, '_cursor');
  const signature = sortSignature(parsed);
  let from: (Position & { backwards?: boolean }) | undefined;
  if (rawCursor) {
    const c = decodeCursor(rawCursor, isCursor);
    if (c.s !== signature) throw badRequest('The paging cursor belongs to a different _sort');
    from = { keys: c.k, rid: c.r, ...(c.b ? { backwards: true } : {}) };
  }
  const page = await ctx.repo.search(parsed, { count, ...(from ? { from } : {}) });
  const link: NonNullable<Bundle['link']> = [{ relation: 'self', url: `${selfUrl}${rawCursor ? `&_cursor=${rawCursor}` : ''}` }];
  const linkTo = (relation: string, pos: Position, backwards: boolean): void => {
    const params = new URLSearchParams(applied);
    const cursor: Cursor = { s: signature, k: pos.keys, r: pos.rid, ...(backwards ? { b: 1 as const } : {}) };
    params.set('_cursor', encodeCursor(cursor));
    link.push({ relation, url: `${base}?${params.toString()}` });
  };
  if (page.previous) {
    link.push({ relation: 'first', url: selfUrl });
    linkTo('previous', page.previous, true);
  }
  if (page.next) linkTo('next', page.next, false);
  let total = page.total;
  if (parsed.total === 'accurate') total = page.total ?? (await ctx.repo.count(parsed));
  else if (parsed.total === 'estimate') total = page.total ?? (await ctx.repo.estimate(parsed));
  else if (parsed.total === 'none') total = undefined;
  const head: Bundle = { resourceType: 'Bundle', type: 'searchset', ...(total !== undefined ? { total } : {}), link };
  if (queryValue(req, '_summary') === undefined && queryValue(req, '_elements') === undefined) {
    // The fast path: stored JSON text goes into the Bundle as is, never parsed and re-serialised.
    const entries = [...page.matches.map((m) => rawEntry(ctx, m, 'match')), ...page.included.map((m) => rawEntry(ctx, m, 'include'))];
    const text = JSON.stringify(head);
    return { status: 200, headers: {}, body: `${text.slice(0, -1)},"entry":[${entries.join(',')}]}` };
  }
  const bundle: Bundle = {
    ...head,
    entry: [...page.matches.map((m) => entryFor(ctx, req, m, 'match')), ...page.included.map((m) => entryFor(ctx, req, m, 'include'))],
  };
  return { status: 200, headers: {}, body: bundle };
}

function rawEntry(ctx: ApiContext, m: Match, mode: 'match' | 'include'): string {
  return `{"fullUrl":${JSON.stringify(`${ctx.baseUrl}/${m.resourceType}/${m.id}`)},"resource":${m.content},"search":{"mode":"${mode}"}}`;
}
