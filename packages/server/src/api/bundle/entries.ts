/**
 * Reads and checks the entries of a transaction or batch Bundle: each entry's method, its target
 * (type, id, or search criteria) and its body. Problems are 400s that name the entry.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';

export type EntryMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ParsedEntry {
  index: number;
  method: EntryMethod;
  /** The URL relative to the base, with its query. */
  url: string;
  path: string;
  query: [string, string][];
  type?: string;
  id?: string;
  fullUrl?: string;
  resource?: Resource;
  ifNoneExist?: string;
  ifMatch?: string;
  ifNoneMatch?: string;
}

const METHODS = new Set<EntryMethod>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export function parseEntries(bundle: Bundle, baseUrl: string): ParsedEntry[] {
  const entries = bundle.entry ?? [];
  if (!Array.isArray(entries)) throw badRequest('Bundle.entry must be an array', ['Bundle.entry']);
  return entries.map((e: BundleEntry, index) => {
    const where = `Bundle.entry[${index}]`;
    if (!e || typeof e !== 'object') throw badRequest(`${where} is not an object`, [where]);
    const method = e.request?.method as EntryMethod | undefined;
    if (!method || !METHODS.has(method)) throw badRequest(`${where}.request.method is missing or invalid`, [`${where}.request.method`]);
    let url = e.request?.url;
    if (typeof url !== 'string' || url === '') throw badRequest(`${where}.request.url is missing`, [`${where}.request.url`]);
    if (url.startsWith(baseUrl + '/')) url = url.slice(baseUrl.length + 1);
    if (/^[a-z]+:/i.test(url)) throw badRequest(`${where}.request.url must be relative to this server`, [`${where}.request.url`]);
    url = url.replace(/^\//, '');
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? [] : [...new URLSearchParams(url.slice(q + 1))];
    const [type, id] = path.split('/');
    const parsed: ParsedEntry = { index, method, url, path, query };
    if (type) parsed.type = type;
    if (id) parsed.id = id;
    if (e.fullUrl) parsed.fullUrl = e.fullUrl;
    if (e.resource !== undefined) {
      if (!e.resource || typeof e.resource !== 'object' || Array.isArray(e.resource)) {
        throw badRequest(`${where}.resource must be a resource`, [`${where}.resource`]);
      }
      parsed.resource = e.resource;
    }
    if (e.request?.ifNoneExist) parsed.ifNoneExist = e.request.ifNoneExist;
    if (e.request?.ifMatch) parsed.ifMatch = e.request.ifMatch;
    if (e.request?.ifNoneMatch) parsed.ifNoneMatch = e.request.ifNoneMatch;
    if ((method === 'POST' || method === 'PUT') && !parsed.resource) {
      throw badRequest(`${where} needs a resource for ${method}`, [`${where}.resource`]);
    }
    return parsed;
  });
}

/** Spec order for transactions: DELETE, POST, PUT/PATCH, then GET/HEAD. */
export function processingRank(method: EntryMethod): number {
  switch (method) {
    case 'DELETE':
      return 0;
    case 'POST':
      return 1;
    case 'PUT':
    case 'PATCH':
      return 2;
    case 'GET':
    case 'HEAD':
      return 3;
  }
}
