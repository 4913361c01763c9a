/**
 * History at instance, type and system level: a `history` Bundle, newest first, with `_since`,
 * `_count` and keyset paging through an opaque `_cursor`. Deletions appear as entries with a
 * DELETE request and no resource, as the spec describes.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { badRequest, notFound, searchDate } from '@continuum/fhir';
import type { HistoryQuery } from '../../store/store.ts';
import { decodeCursor, encodeCursor, pageSize } from '../paging.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';
import { queryValue } from '../types.ts';

type After = NonNullable<HistoryQuery['after']>;

const isAfter = (v: unknown): v is After => {
  const a = v as After;
  return typeof a === 'object' && a !== null && typeof a.lastUpdated === 'string' && typeof a.resourceType === 'string' &&
    typeof a.id === 'string' && Number.isInteger(a.versionId);
};

const METHOD: Record<string, 'POST' | 'PUT' | 'PATCH' | 'DELETE'> = { create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE' };

export async function history(ctx: ApiContext, req: FhirRequest, type?: string, id?: string): Promise<FhirResponse> {
  if (type) ctx.repo.checkType(type);
  // A deleted resource still has history; one that never existed is a 404.
  if (type && id && !(await ctx.repo.exists(type, id))) throw notFound(`${type}/${id} not found`);
  const count = pageSize(queryValue(req, '_count'));
  const sinceRaw = queryValue(req, '_since');
  let since: string | undefined;
  if (sinceRaw !== undefined) {
    const range = searchDate(sinceRaw);
    if (!range) throw badRequest(`_since must be a FHIR instant, got '${sinceRaw}'`);
    since = range.low;
  }
  const cursor = queryValue(req, '_cursor');
  const after = cursor ? decodeCursor(cursor, isAfter) : undefined;
  const rows = await ctx.repo.history({
    count: count + 1,
    ...(type ? { resourceType: type } : {}),
    ...(id ? { id } : {}),
    ...(since ? { since } : {}),
    ...(after ? { after } : {}),
  });
  const page = rows.slice(0, count);
  const entry: BundleEntry[] = page.map((v) => {
    const url = `${v.resourceType}/${v.id}`;
    const e: BundleEntry = {
      fullUrl: `${ctx.baseUrl}/${url}`,
      request: { method: METHOD[v.method ?? 'update'] ?? 'PUT', url: v.method === 'create' ? v.resourceType : url },
      response: { status: v.method === 'create' ? '201 Created' : v.method === 'delete' ? '204 No Content' : '200 OK', etag: `W/"${v.versionId}"`, lastModified: new Date(v.lastUpdated).toISOString() },
    };
    if (v.content !== null) e.resource = JSON.parse(v.content);
    return e;
  });
  const base = `${ctx.baseUrl}${type ? `/${type}` : ''}${id ? `/${id}` : ''}/_history`;
  const keep = new URLSearchParams();
  if (sinceRaw) keep.set('_since', sinceRaw);
  keep.set('_count', String(count));
  const self = new URLSearchParams(keep);
  if (cursor) self.set('_cursor', cursor);
  const link: Bundle['link'] = [{ relation: 'self', url: `${base}?${self.toString()}` }];
  const last = page[page.length - 1];
  if (rows.length > count && last) {
    keep.set('_cursor', encodeCursor({ lastUpdated: new Date(last.lastUpdated).toISOString(), resourceType: last.resourceType, id: last.id, versionId: last.versionId }));
    link.push({ relation: 'next', url: `${base}?${keep.toString()}` });
  }
  const bundle: Bundle = { resourceType: 'Bundle', type: 'history', link, entry };
  return { status: 200, headers: {}, body: bundle };
}
