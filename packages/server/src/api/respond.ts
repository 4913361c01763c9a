/**
 * Builds responses for single resources: ETag, Last-Modified and Location headers, `Prefer:
 * return=` handling, and the read-time format controls `_summary` and `_elements`. When no
 * shaping is asked for, the stored JSON text is sent untouched.
 */
import type { Resource } from '@medplum/fhirtypes';
import { allOk, badRequest, selectElements, summarize } from '@continuum/fhir';
import type { FhirRequest, FhirResponse } from './types.ts';
import { queryValue } from './types.ts';

export function versionHeaders(resourceType: string, id: string, versionId: number | string, lastUpdated: string, baseUrl?: string): Record<string, string> {
  const h: Record<string, string> = {
    etag: `W/"${versionId}"`,
    'last-modified': new Date(lastUpdated).toUTCString(),
  };
  if (baseUrl) h.location = `${baseUrl}/${resourceType}/${id}/_history/${versionId}`;
  return h;
}

const SUMMARY_MODES = new Set(['true', 'false', 'text', 'data']);

/** Applies `_summary` / `_elements` if requested; returns undefined when no shaping is needed. */
export function shape(req: FhirRequest, resource: () => Resource): Resource | undefined {
  const summary = queryValue(req, '_summary');
  const elements = queryValue(req, '_elements');
  if (summary !== undefined && summary !== 'false') {
    if (!SUMMARY_MODES.has(summary)) throw badRequest(`_summary must be one of true, text, data, false (count applies to searches)`);
    return summarize(resource(), summary as 'true' | 'text' | 'data');
  }
  if (elements !== undefined) {
    const list = elements.split(',').map((e) => e.trim()).filter(Boolean);
    return selectElements(resource(), list);
  }
  return undefined;
}

/** A read answer: the stored text unless `_summary`/`_elements` reshape it. */
export function readResponse(req: FhirRequest, content: string, versionId: number, lastUpdated: string, type: string, id: string): FhirResponse {
  const shaped = shape(req, () => JSON.parse(content) as Resource);
  return { status: 200, headers: versionHeaders(type, id, versionId, lastUpdated), body: shaped ?? content };
}

/** A write answer, honouring `Prefer: return=minimal | representation | OperationOutcome`. */
export function writeResponse(req: FhirRequest, status: number, resource: Resource, baseUrl: string): FhirResponse {
  const meta = resource.meta ?? {};
  const headers = versionHeaders(resource.resourceType, resource.id ?? '', meta.versionId ?? '1', meta.lastUpdated ?? new Date().toISOString(), baseUrl);
  const prefer = req.headers.prefer ?? '';
  const ret = /return=([A-Za-z]+)/.exec(prefer)?.[1];
  if (ret === 'minimal') return { status, headers };
  if (ret === 'OperationOutcome') return { status, headers, body: allOk(`${resource.resourceType}/${resource.id} written`) };
  return { status, headers, body: resource };
}

/** Parses `If-Match: W/"3"` (or `"3"`, or `3`) into a version number. */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(value.trim());
  if (!m) throw badRequest(`If-Match must be an ETag like W/"3", got '${value}'`);
  return Number(m[1]);
}
