/**
 * The typed form of a FHIR search: what the URL asked for, before any SQL exists.
 *
 * `parseSearch` turns query parameters into criteria bound to SearchParameter definitions, and
 * collects the parameters it could not use so that the API can honour `Prefer: handling`. Value
 * syntax that belongs to one parameter type (prefixes, `system|code`) is parsed here too, so that
 * the SQL compiler only maps typed values to SQL.
 */
import type { SearchParamDef, SearchParamRegistry } from '../search/index.ts';
import { badRequest } from '../outcomes.ts';
import { parseDateRange } from '../search/date-range.ts';
import { numberRangeFromText } from '../search/number-range.ts';

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';
const PREFIXES: readonly Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

export type SearchValue =
  | { kind: 'token'; system?: string | null; code?: string }
  | { kind: 'string'; value: string }
  | { kind: 'date'; prefix: Prefix; range: { low: string; high: string } }
  | { kind: 'number'; prefix: Prefix; value: number; low: number; high: number }
  | { kind: 'quantity'; prefix: Prefix; value: number; low: number; high: number; system?: string; code?: string }
  | { kind: 'reference'; type?: string; id?: string; url?: string }
  | { kind: 'uri'; value: string }
  | { kind: 'missing'; missing: boolean };

export interface Criterion {
  code: string;
  /** `_id` and `_lastUpdated` map to resource columns; others to a SearchParameter. */
  def: SearchParamDef | 'id' | 'lastUpdated';
  modifier?: string;
  /** OR-ed values; criteria in a list are AND-ed. */
  values: SearchValue[];
}

export interface SearchRequest {
  resourceType: string;
  criteria: Criterion[];
  count?: number;
  /** Compartment search (`Patient/123/Observation`): only resources in that patient's compartment. */
  compartment?: { type: 'Patient'; id: string };
  /** Parameters that were not understood, for lenient/strict handling. */
  unknown: string[];
}

const RESULT_PARAMS = new Set(['_count', '_sort', '_include', '_revinclude', '_summary', '_elements', '_total', '_format', '_pretty', '_contained', '_containedType', '_page', '_cursor']);

export function splitOr(raw: string): string[] {
  // Commas separate OR values; `\,` is a literal comma.
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      cur += raw[++i];
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function prefixed(raw: string): [Prefix, string] {
  const p = raw.slice(0, 2) as Prefix;
  if (PREFIXES.includes(p) && /^[a-z]{2}[-+0-9.]/.test(raw)) return [p, raw.slice(2)];
  return ['eq', raw];
}

/** A searched date as a closed-form range (both ends present). */
export function searchDate(text: string): { low: string; high: string } | undefined {
  const r = parseDateRange(text);
  return r?.low && r.high ? { low: r.low, high: r.high } : undefined;
}

function parseValue(def: SearchParamDef, raw: string, code: string): SearchValue {
  const bad = (why: string) => badRequest(`Invalid value for search parameter '${code}': ${why}`);
  switch (def.type) {
    case 'token': {
      const bar = raw.indexOf('|');
      if (bar < 0) return { kind: 'token', code: raw };
      const system = raw.slice(0, bar);
      const value = raw.slice(bar + 1);
      return { kind: 'token', system: system === '' ? null : system, ...(value !== '' ? { code: value } : {}) };
    }
    case 'string':
      return { kind: 'string', value: raw };
    case 'date': {
      const [prefix, text] = prefixed(raw);
      const range = searchDate(text);
      if (!range) throw bad(`'${raw}' is not a FHIR date`);
      return { kind: 'date', prefix, range };
    }
    case 'number': {
      const [prefix, text] = prefixed(raw);
      const n = numberRangeFromText(text);
      if (!n) throw bad(`'${raw}' is not a number`);
      return { kind: 'number', prefix, ...n };
    }
    case 'quantity': {
      const [prefix, text] = prefixed(raw);
      const [num = '', system, unit] = text.split('|');
      const n = numberRangeFromText(num);
      if (!n) throw bad(`'${raw}' is not a quantity`);
      return { kind: 'quantity', prefix, ...n, ...(system ? { system } : {}), ...(unit ? { code: unit } : {}) };
    }
    case 'reference': {
      if (/^https?:\/\//.test(raw) || raw.startsWith('urn:')) {
        const m = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/.exec(raw);
        return { kind: 'reference', url: raw, ...(m ? { type: m[1]!, id: m[2]! } : {}) };
      }
      const parts = raw.split('/');
      if (parts.length >= 2) return { kind: 'reference', type: parts[0]!, id: parts[1]! };
      return { kind: 'reference', id: raw };
    }
    case 'uri':
      return { kind: 'uri', value: raw };
    case 'composite':
    case 'special':
      throw badRequest(`Search parameter '${code}' of type ${def.type} is not supported yet`);
  }
}

export function parseSearch(
  resourceType: string,
  params: ReadonlyArray<readonly [string, string]>,
  registry: SearchParamRegistry,
): SearchRequest {
  const req: SearchRequest = { resourceType, criteria: [], unknown: [] };
  for (const [key, raw] of params) {
    const [code = '', modifier] = key.split(':', 2);
    if (code === '_count') {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw badRequest(`_count must be a non-negative integer`);
      req.count = n;
      continue;
    }
    if (RESULT_PARAMS.has(code)) continue;
    const values = splitOr(raw);
    if (code === '_id') {
      req.criteria.push({ code, def: 'id', values: values.map((v) => ({ kind: 'token', code: v })) });
      continue;
    }
    if (code === '_lastUpdated') {
      req.criteria.push({
        code,
        def: 'lastUpdated',
        values: values.map((v) => {
          const [prefix, text] = prefixed(v);
          const range = searchDate(text);
          if (!range) throw badRequest(`Invalid value for search parameter '_lastUpdated': '${v}'`);
          return { kind: 'date', prefix, range };
        }),
      });
      continue;
    }
    const def = registry.get(resourceType, code);
    if (!def || def.type === 'composite' || def.type === 'special') {
      req.unknown.push(key);
      continue;
    }
    if (modifier === 'missing') {
      if (raw !== 'true' && raw !== 'false') throw badRequest(`:missing takes true or false`);
      req.criteria.push({ code, def, modifier, values: [{ kind: 'missing', missing: raw === 'true' }] });
      continue;
    }
    req.criteria.push({ code, def, ...(modifier ? { modifier } : {}), values: values.map((v) => parseValue(def, v, code)) });
  }
  return req;
}
