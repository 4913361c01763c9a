/**
 * Converts between bundle entries and the router's request/response: an entry becomes a
 * FhirRequest (a PATCH's Binary body is decoded to its JSON Patch), and a FhirResponse becomes a
 * `response` entry with status, location, etag and lastModified.
 */
import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { FhirRequest, FhirResponse } from '../types.ts';
import type { ParsedEntry } from './entries.ts';

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 410: 'Gone',
  412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
  500: 'Internal Server Error',
};

export function statusText(status: number): string {
  return `${status} ${REASONS[status] ?? ''}`.trim();
}

function patchBody(resource: Resource | undefined): { body: unknown; contentType: string } {
  if (resource?.resourceType === 'Binary') {
    const bin = resource;
    try {
      return { body: JSON.parse(Buffer.from(bin.data ?? '', 'base64').toString('utf8')), contentType: bin.contentType ?? 'application/json-patch+json' };
    } catch {
      throw badRequest('The PATCH entry Binary does not hold a JSON Patch');
    }
  }
  return { body: resource, contentType: 'application/fhir+json' };
}

export function entryRequest(e: ParsedEntry, prefer?: string): FhirRequest {
  const headers: Record<string, string | undefined> = {
    'if-none-exist': e.ifNoneExist,
    'if-match': e.ifMatch,
    'if-none-match': e.ifNoneMatch,
    prefer,
  };
  let body: unknown = e.resource;
  if (e.method === 'PATCH') {
    const p = patchBody(e.resource);
    body = p.body;
    headers['content-type'] = p.contentType;
  }
  return { method: e.method, path: `/${e.path}`, query: e.query, headers, body };
}

/** A response entry; `omitBody` under `Prefer: return=minimal` for writes. */
export function responseEntry(res: FhirResponse, baseUrl: string, prefer?: string, isWrite = false): BundleEntry {
  const body = typeof res.body === 'string' ? (JSON.parse(res.body) as Resource) : res.body;
  const entry: BundleEntry = { response: { status: statusText(res.status) } };
  if (body && 'meta' in body && body.resourceType !== 'OperationOutcome' && body.id) {
    const version = body.meta?.versionId;
    entry.fullUrl = `${baseUrl}/${body.resourceType}/${body.id}`;
    if (version) {
      entry.response!.etag = `W/"${version}"`;
      if (res.status === 201 || isWrite) entry.response!.location = `${body.resourceType}/${body.id}/_history/${version}`;
    }
    if (body.meta?.lastUpdated) entry.response!.lastModified = body.meta.lastUpdated;
  }
  if (body && !(isWrite && /return=minimal/.test(prefer ?? ''))) entry.resource = body;
  return entry;
}
