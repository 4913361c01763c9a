/**
 * The typed form of a FHIR search: what the URL asked for, before any SQL exists.
 *
 * `parseSearch` turns query parameters into criteria bound to SearchParameter definitions
 * (including chains such as `subject:Patient.name=x` and reverse chains such as
 * `_has:Observation:patient:code=y`), result controls (`_sort`, `_include`, `_revinclude`,
 * `_total`, `_count`), and collects the parameters it could not use so that the API can honour
 * `Prefer: handling`. Value syntax that belongs to one parameter type (prefixes, `system|code`,
 * composite `$` pairs) is parsed here too, so the SQL compiler only maps typed values to SQL.
 */
import type { SearchParamDef, SearchParamRegistry, SearchParamType } from '../search/index.ts';
import { badRequest } from '../outcomes.ts';
import { parseDateRange } from '../search/date-range.ts';
import { numberRangeFromText } from '../search/number-range.ts';
import { isResourceType } from '../validation/index.ts';
import { parseNear, type NearPoint, type NearValue } from './near.ts';

export { NEAR_DEFAULT_KM, type NearPoint, type NearValue } from './near.ts';

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';
const PREFIXES: readonly Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

export type SearchValue =
  | { kind: 'token'; system?: string | null; code?: string }
  | { kind: 'valueset'; url: string }
  | { kind: 'string'; value: string }
  | { kind: 'date'; prefix: Prefix; range: { low: string; high: string } }
  | { kind: 'number'; prefix: Prefix; value: number; low: number; high: number }
  | { kind: 'quantity'; prefix: Prefix; value: number; low: number; high: number; system?: string; code?: string }
  | { kind: 'reference'; type?: string; id?: string; url?: string }
  | { kind: 'uri'; value: string }
  | { kind: 'text'; query: string }
  | { kind: 'composite'; parts: SearchValue[] }
  | NearValue
  | { kind: 'missing'; missing: boolean };

/** Built-in parameters that map to resource columns or the full-text table, not to a registry entry. */
export type BuiltinParam = 'id' | 'lastUpdated' | 'text' | 'content';

/** A parameter compared with values: `code=a,b` (OR-ed values). */
export interface ValueCriterion {
  kind: 'value';
  code: string;
  def: SearchParamDef | BuiltinParam;
  modifier?: string;
  values: SearchValue[];
}

/** `ref[:Type].rest=...`: the reference must point at a resource (of one of `targets`) matching `rest`. */
export interface ChainCriterion {
  kind: 'chain';
  code: string;
  def: SearchParamDef;
  targets: { type: string; criterion: Criterion }[];
}

/** `_has:Source:ref:rest=...`: some `Source` whose `ref` points here matches `rest`. */
export interface HasCriterion {
  kind: 'has';
  code: string;
  sourceType: string;
  def: SearchParamDef;
  criterion: Criterion;
}

/** Criteria in a request's list are AND-ed. */
export type Criterion = ValueCriterion | ChainCriterion | HasCriterion;

export interface SortKey {
  code: string;
  def: SearchParamDef | 'id' | 'lastUpdated';
  descending: boolean;
  /** Sorting by `near`: the searched points; a resource sorts by its distance to the closest. */
  points?: NearPoint[];
}

export interface IncludeSpec {
  /** The type whose references are followed (`_include`), or that refers (`_revinclude`). */
  sourceType: string;
  /** The reference parameter, or `*` for all of them. */
  param: string;
  targetType?: string;
  iterate: boolean;
}

export type TotalMode = 'none' | 'estimate' | 'accurate';

export interface SearchRequest {
  resourceType: string;
  criteria: Criterion[];
  count?: number;
  sort: SortKey[];
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  total?: TotalMode;
  /** Compartment search (`Patient/123/Observation`): only resources in that patient's compartment. */
  compartment?: { type: 'Patient'; id: string };
  /** Parameters that were not understood, for lenient/strict handling. */
  unknown: string[];
}

const RESULT_PARAMS = new Set(['_summary', '_elements', '_format', '_pretty', '_contained', '_containedType', '_page', '_cursor']);
/** Longest chain or `_has` nesting followed; deeper ones are refused rather than planned. */
const MAX_CHAIN_DEPTH = 4;

/**
 * Splits a search value on `sep` where it is not escaped, keeping every escape in the parts, so
 * that the next split (OR on `,`, then composite on `$`, then token or quantity on `|`) still
 * sees which separators were literal. `unescape` turns a part into its text at the end.
 */
function splitEscaped(raw: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      cur += c + raw[++i]!;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** A value's text: `\\,`, `\\$`, `\\|` and `\\\\` stand for the character itself. */
function unescape(raw: string): string {
  return raw.replace(/\\(.)/g, '$1');
}

/** Commas separate OR values (`\\,` is a literal comma); each value unescaped. */
export function splitOr(raw: string): string[] {
  return splitEscaped(raw, ',').map(unescape);
}

/** `system|code` (either side may be empty) with escapes honoured; no unescaped bar: a code alone. */
function tokenParts(raw: string): { system?: string | null; code?: string } {
  const [first = '', ...rest] = splitEscaped(raw, '|');
  if (rest.length === 0) return { code: unescape(first) };
  const code = unescape(rest.join('|'));
  return { system: first === '' ? null : unescape(first), ...(code !== '' ? { code } : {}) };
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

const MODIFIERS: Record<string, ReadonlySet<string>> = {
  string: new Set(['exact', 'contains', 'missing']),
  token: new Set(['not', 'text', 'in', 'not-in', 'of-type', 'missing']),
  date: new Set(['missing']),
  number: new Set(['missing']),
  quantity: new Set(['missing']),
  reference: new Set(['identifier', 'missing']),
  uri: new Set(['below', 'above', 'missing']),
  composite: new Set(['missing']),
  special: new Set(['missing']),
};

/** Whether `def` is a `near` (position) parameter: R4 defines no other special one. */
export function isNearParam(def: SearchParamDef): boolean {
  return def.type === 'special' && def.code === 'near';
}

function parseValue(type: SearchParamType, raw: string, code: string, modifier: string | undefined): SearchValue {
  const bad = (why: string) => badRequest(`Invalid value for search parameter '${code}': ${why}`);
  switch (type) {
    case 'token': {
      if (modifier === 'in' || modifier === 'not-in') {
        if (raw === '') throw bad(`:${modifier} takes a ValueSet url`);
        return { kind: 'valueset', url: unescape(raw) };
      }
      return { kind: 'token', ...tokenParts(raw) };
    }
    case 'string':
      return { kind: 'string', value: unescape(raw) };
    case 'date': {
      const [prefix, text] = prefixed(unescape(raw));
      const range = searchDate(text);
      if (!range) throw bad(`'${raw}' is not a FHIR date`);
      return { kind: 'date', prefix, range };
    }
    case 'number': {
      const [prefix, text] = prefixed(unescape(raw));
      const n = numberRangeFromText(text);
      if (!n) throw bad(`'${raw}' is not a number`);
      return { kind: 'number', prefix, ...n };
    }
    case 'quantity': {
      const [prefix, text] = prefixed(raw);
      const [num = '', system, unit, ...rest] = splitEscaped(text, '|').map(unescape);
      const n = numberRangeFromText(num);
      if (!n || rest.length > 0) throw bad(`'${raw}' is not a quantity (number|system|code)`);
      return { kind: 'quantity', prefix, ...n, ...(system ? { system } : {}), ...(unit ? { code: unit } : {}) };
    }
    case 'reference': {
      if (modifier === 'identifier') {
        // `system|value`, kept as one string for the compiler, with the bar that separates them.
        const { system, code } = tokenParts(raw);
        return { kind: 'reference', id: system === undefined ? (code ?? '') : `${system ?? ''}|${code ?? ''}` };
      }
      raw = unescape(raw);
      if (raw === '') throw bad('an empty reference');
      if (/^https?:\/\//.test(raw) || raw.startsWith('urn:')) {
        const m = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/.exec(raw);
        return { kind: 'reference', url: raw, ...(m ? { type: m[1]!, id: m[2]! } : {}) };
      }
      const parts = raw.split('/');
      if (parts.length >= 2) {
        if (!isResourceType(parts[0]!)) throw bad(`'${parts[0]!}' is not a resource type`);
        return { kind: 'reference', type: parts[0]!, id: parts[1]! };
      }
      return { kind: 'reference', id: raw };
    }
    case 'uri':
      return { kind: 'uri', value: unescape(raw) };
    case 'special':
      if (code !== 'near') throw bad(`type ${type} takes no plain value`);
      return parseNear(splitEscaped(raw, '|').map(unescape), unescape(raw), code);
    case 'composite':
      throw bad(`type ${type} takes no plain value`);
  }
}

function parseComposite(def: SearchParamDef, raw: string, code: string): SearchValue {
  const components = def.componentDefs ?? [];
  const parts = splitEscaped(raw, '$');
  if (parts.length !== components.length) {
    throw badRequest(`Invalid value for search parameter '${code}': expected ${components.length} components separated by '$'`);
  }
  return { kind: 'composite', parts: parts.map((p, i) => parseValue(components[i]!.type, p, code, undefined)) };
}

interface ParseContext {
  registry: SearchParamRegistry;
  depth: number;
}

/** `code:modifier` on the last link; `:Type` counts as a modifier for references. */
function splitModifier(link: string): [string, string | undefined] {
  const colon = link.indexOf(':');
  return colon < 0 ? [link, undefined] : [link.slice(0, colon), link.slice(colon + 1)];
}

/**
 * Parses one search key (everything left of `=`) against `type`. Returns undefined when the key
 * names nothing this server knows, so the caller can treat it as an unknown parameter.
 */
function parseKey(type: string, key: string, raw: string, ctx: ParseContext): Criterion | undefined {
  if (ctx.depth > MAX_CHAIN_DEPTH) throw badRequest(`Search chain '${key}' is nested too deeply (at most ${MAX_CHAIN_DEPTH} levels)`);
  if (key.startsWith('_has:')) return parseHas(type, key, raw, ctx);
  const dot = key.indexOf('.');
  if (dot >= 0) return parseChain(type, key, dot, raw, ctx);

  const [code, modifier] = splitModifier(key);
  // Escapes stay in until each value's own parser has split it further (see splitEscaped).
  const values = splitEscaped(raw, ',');
  const missing = (): SearchValue[] => {
    if (raw !== 'true' && raw !== 'false') throw badRequest(`:missing takes true or false`);
    return [{ kind: 'missing', missing: raw === 'true' }];
  };
  if (code === '_id' || code === '_lastUpdated') {
    const def: BuiltinParam = code === '_id' ? 'id' : 'lastUpdated';
    if (modifier === 'missing') return { kind: 'value', code, def, modifier, values: missing() };
    if (modifier !== undefined && !(def === 'id' && modifier === 'not')) throw badRequest(`Modifier ':${modifier}' is not supported on ${code}`);
    return {
      kind: 'value',
      code,
      def,
      ...(modifier ? { modifier } : {}),
      values: values.map((v) => {
        // `_id` is a token without a system: `|id` is the same id, and `system|id` matches nothing.
        if (def === 'id') {
          const { system, code: id } = tokenParts(v);
          return { kind: 'token', ...(system !== undefined ? { system } : {}), code: id ?? '' };
        }
        const [prefix, text] = prefixed(unescape(v));
        const range = searchDate(text);
        if (!range) throw badRequest(`Invalid value for search parameter '_lastUpdated': '${v}'`);
        return { kind: 'date', prefix, range };
      }),
    };
  }
  if (code === '_text' || code === '_content') {
    if (modifier !== undefined) throw badRequest(`Modifier ':${modifier}' is not supported on ${code}`);
    if (raw.trim() === '') throw badRequest(`${code} needs search text`);
    return { kind: 'value', code, def: code === '_text' ? 'text' : 'content', values: values.map((v) => ({ kind: 'text', query: unescape(v) })) };
  }
  const def = ctx.registry.get(type, code);
  if (!def || (def.type === 'special' && !isNearParam(def))) return undefined;
  if (modifier === 'missing') return { kind: 'value', code, def, modifier, values: missing() };
  if (modifier !== undefined) {
    const typeModifier = def.type === 'reference' && isResourceType(modifier);
    if (typeModifier && def.targets && !def.targets.includes(modifier)) {
      throw badRequest(`Search parameter '${code}' cannot refer to ${modifier}`);
    }
    if (!typeModifier && !MODIFIERS[def.type]?.has(modifier)) {
      throw badRequest(`Modifier ':${modifier}' is not supported on search parameter '${code}' (type ${def.type})`);
    }
  }
  if (def.type === 'composite') return { kind: 'value', code, def, values: values.map((v) => parseComposite(def, v, code)) };
  return { kind: 'value', code, def, ...(modifier ? { modifier } : {}), values: values.map((v) => parseValue(def.type, v, code, modifier)) };
}

/** `subject:Patient.name=x`, `subject.name=x`, and deeper: `subject:Patient.organization.name=x`. */
function parseChain(type: string, key: string, dot: number, raw: string, ctx: ParseContext): Criterion | undefined {
  const [code, typeModifier] = splitModifier(key.slice(0, dot));
  const rest = key.slice(dot + 1);
  const def = ctx.registry.get(type, code);
  if (!def) return undefined;
  if (def.type !== 'reference') throw badRequest(`Search parameter '${code}' is not a reference, so it cannot be chained`);
  if (typeModifier !== undefined && !isResourceType(typeModifier)) throw badRequest(`'${typeModifier}' is not a resource type in chain '${key}'`);
  let candidates = typeModifier !== undefined ? [typeModifier] : (def.targets ?? []).filter(isResourceType);
  if (typeModifier !== undefined && def.targets && !def.targets.includes(typeModifier)) {
    throw badRequest(`Search parameter '${code}' cannot refer to ${typeModifier}`);
  }
  const inner = { ...ctx, depth: ctx.depth + 1 };
  const targets: ChainCriterion['targets'] = [];
  for (const target of candidates) {
    const criterion = parseKey(target, rest, raw, inner);
    if (criterion) targets.push({ type: target, criterion });
  }
  candidates = targets.map((t) => t.type);
  if (candidates.length === 0) {
    throw badRequest(`Chained parameter '${rest}' is not defined on any type that '${code}' can refer to${typeModifier ? '' : ' (give one with :Type)'}`);
  }
  return { kind: 'chain', code: key, def, targets };
}

/** `_has:Observation:patient:code=x`, nestable: `_has:Observation:patient:_has:AuditEvent:entity:agent=y`. */
function parseHas(type: string, key: string, raw: string, ctx: ParseContext): Criterion {
  const m = /^_has:([A-Za-z]+):([A-Za-z0-9_\-]+):(.+)$/.exec(key);
  if (!m) throw badRequest(`Invalid _has parameter '${key}': expected _has:Type:reference:parameter`);
  const [, sourceType = '', refCode = '', rest = ''] = m;
  if (!isResourceType(sourceType)) throw badRequest(`'${sourceType}' is not a resource type in '${key}'`);
  const def = ctx.registry.get(sourceType, refCode);
  if (!def || def.type !== 'reference') throw badRequest(`'${refCode}' is not a reference search parameter of ${sourceType}`);
  if (def.targets && !def.targets.includes(type)) throw badRequest(`${sourceType}.${refCode} cannot refer to ${type}`);
  const criterion = parseKey(sourceType, rest, raw, { ...ctx, depth: ctx.depth + 1 });
  if (!criterion) throw badRequest(`Unknown search parameter '${rest}' for ${sourceType} in '${key}'`);
  return { kind: 'has', code: key, sourceType, def, criterion };
}

function parseSort(type: string, raw: string, registry: SearchParamRegistry): SortKey[] {
  return raw.split(',').filter(Boolean).map((item) => {
    const descending = item.startsWith('-');
    const code = descending ? item.slice(1) : item;
    if (code === '_id') return { code, def: 'id', descending };
    if (code === '_lastUpdated') return { code, def: 'lastUpdated', descending };
    const def = registry.get(type, code);
    if (!def || def.type === 'composite' || (def.type === 'special' && !isNearParam(def))) throw badRequest(`Cannot sort ${type} by '${code}'`);
    return { code, def, descending };
  });
}

function parseInclude(key: string, raw: string, registry: SearchParamRegistry): IncludeSpec {
  const iterate = key.endsWith(':iterate') || key.endsWith(':recurse');
  if (raw === '*') return { sourceType: '*', param: '*', iterate };
  const [sourceType = '', param = '', targetType, ...extra] = raw.split(':');
  if (extra.length > 0 || !isResourceType(sourceType)) throw badRequest(`Invalid ${key} value '${raw}': expected Type:parameter[:TargetType]`);
  if (targetType !== undefined && !isResourceType(targetType)) throw badRequest(`'${targetType}' is not a resource type in ${key}`);
  if (param !== '*') {
    const def = registry.get(sourceType, param);
    if (!def || def.type !== 'reference') throw badRequest(`'${param}' is not a reference search parameter of ${sourceType}`);
  }
  return { sourceType, param, ...(targetType ? { targetType } : {}), iterate };
}

export function parseSearch(
  resourceType: string,
  params: ReadonlyArray<readonly [string, string]>,
  registry: SearchParamRegistry,
): SearchRequest {
  const req: SearchRequest = { resourceType, criteria: [], sort: [], include: [], revinclude: [], unknown: [] };
  const ctx: ParseContext = { registry, depth: 0 };
  for (const [key, raw] of params) {
    const base = key.split(':', 1)[0] ?? '';
    if (base === '_count') {
      const n = Number(raw);
      if (!/^\d{1,9}$/.test(raw) || !Number.isInteger(n)) throw badRequest(`_count must be a non-negative integer`);
      req.count = n;
    } else if (base === '_sort') {
      req.sort = parseSort(resourceType, raw, registry);
    } else if (base === '_include') {
      for (const v of splitOr(raw)) req.include.push(parseInclude(key, v, registry));
    } else if (base === '_revinclude') {
      for (const v of splitOr(raw)) req.revinclude.push(parseInclude(key, v, registry));
    } else if (base === '_total') {
      if (raw !== 'none' && raw !== 'estimate' && raw !== 'accurate') throw badRequest('_total must be none, estimate or accurate');
      req.total = raw;
    } else if (RESULT_PARAMS.has(base)) {
      continue;
    } else {
      const criterion = parseKey(resourceType, key, raw, ctx);
      if (criterion) req.criteria.push(criterion);
      else req.unknown.push(key);
    }
  }
  for (const key of req.sort) {
    if (key.def !== 'id' && key.def !== 'lastUpdated' && key.def.type === 'special') key.points = nearPoints(req.criteria, key.code);
  }
  return req;
}

/** The points a request's `code` (near) criteria search around: what sorting by distance measures from. */
function nearPoints(criteria: readonly Criterion[], code: string): NearPoint[] {
  const points = criteria.flatMap((c) =>
    c.kind === 'value' && c.code === code ? c.values.flatMap((v) => (v.kind === 'near' ? [{ latitude: v.latitude, longitude: v.longitude }] : [])) : [],
  );
  if (points.length === 0) throw badRequest(`Sorting by '${code}' needs a '${code}' search to measure the distance from`);
  return points;
}
