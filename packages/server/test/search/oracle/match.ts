/**
 * The oracle's matcher: does a resource match one search parameter as the URL spells it? It
 * parses the raw value itself (OR lists, prefixes, `system|code`, `$` composites) and applies the
 * R4 rules to the values the parameter's expression gives:
 * - dates: eq = the value's range lies within the searched range; ne = not eq; gt/lt = the value's
 *   range extends after/before the searched one; ge/le = gt/lt or eq; sa = starts after it ends;
 *   eb = ends before it starts; open Period ends are infinite;
 * - quantities: the stored value is exact and the searched one implies a range by its precision;
 *   eq = inside it, ne = outside, gt/lt/ge/le compare with the searched number, sa/eb = beyond
 *   the searched range; `||code` matches code or unit;
 * - strings: starts with (or `:contains`), ignoring case and accents; `:exact` is exact;
 * - tokens: `code`, `system|code`, `|code` (no system), `system|`; `:not`, `:text`, `:of-type`;
 * - references: `Type/id`, a bare id of any type, an absolute URL, `:Type` and `:identifier`;
 * - `:missing=true` when the values give nothing a search could match (see values.ts).
 * A resource matches when any of its values matches any OR value.
 */
import { compositeBases, evaluate, type Typed } from './evaluate.ts';
import { compareDec, dateRange, decimalRange, parseDecimal, type Range } from './ranges.ts';
import { dateRanges, hasSearchableValue, quantities, references, stringParts, tokenEntries, uris } from './values.ts';
import type { Json } from '../corpus.ts';

export type ParamType = 'string' | 'token' | 'date' | 'number' | 'quantity' | 'reference' | 'uri' | 'composite' | 'special';

export interface OracleParam {
  code: string;
  type: ParamType;
  expression: string;
  /** Reference targets the definition declares (SearchParameter.target). */
  targets?: string[];
  /** Composite components: the component parameter's type and its expression relative to a base. */
  components?: { type: ParamType; expression: string }[];
}

export interface Search {
  param: OracleParam;
  modifier?: string;
  value: string;
}

/** Splits on a separator that is not escaped with a backslash, and unescapes. */
export function splitEscaped(raw: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && i + 1 < raw.length) cur += raw[++i];
    else if (raw[i] === sep) {
      out.push(cur);
      cur = '';
    } else cur += raw[i];
  }
  out.push(cur);
  return out;
}

export const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const PREFIX = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)(?=[-+.\d])/;
function prefixOf(raw: string): [string, string] {
  const m = PREFIX.exec(raw);
  return m ? [m[1]!, raw.slice(2)] : ['eq', raw];
}

function dateMatches(prefix: string, v: Range, p: Range): boolean {
  const eq = v.low >= p.low && v.high <= p.high;
  switch (prefix) {
    case 'eq': return eq;
    case 'ne': return !eq;
    case 'gt': return v.high > p.high;
    case 'lt': return v.low < p.low;
    case 'ge': return v.high > p.high || eq;
    case 'le': return v.low < p.low || eq;
    case 'sa': return v.low >= p.high;
    case 'eb': return v.high <= p.low;
    default: throw new Error(`oracle: prefix ${prefix} is not modelled for dates`);
  }
}

function matchToken(values: Typed[], raw: string, modifier?: string): boolean {
  const entries = values.flatMap(tokenEntries);
  if (modifier === 'text') return entries.some((e) => e.texts.some((t) => fold(t).startsWith(fold(raw))));
  if (modifier === 'of-type') {
    const [ts, tc, value] = raw.split('|');
    return entries.some((e) => e.code === value && e.types.some((t) => t.system === ts && t.code === tc));
  }
  const bar = splitEscaped(raw, '|');
  if (bar.length === 1) return entries.some((e) => e.code === bar[0]);
  const [system = '', code = ''] = bar;
  if (system === '') return entries.some((e) => e.system === undefined && e.code === code);
  if (code === '') return entries.some((e) => e.system === system);
  return entries.some((e) => e.system === system && e.code === code);
}

function matchString(values: Typed[], raw: string, modifier?: string): boolean {
  const parts = values.flatMap(stringParts);
  if (modifier === 'exact') return parts.includes(raw);
  if (modifier === 'contains') return parts.some((p) => fold(p).includes(fold(raw)));
  return parts.some((p) => fold(p).startsWith(fold(raw)));
}

function matchDate(values: Typed[], raw: string): boolean {
  const [prefix, text] = prefixOf(raw);
  const p = dateRange(text);
  if (p === null) throw new Error(`oracle: bad date ${raw}`);
  return values.flatMap(dateRanges).some((v) => dateMatches(prefix, v, p));
}

function matchQuantity(values: Typed[], raw: string): boolean {
  const [prefix, text] = prefixOf(raw);
  const [num = '', system = '', code = ''] = splitEscaped(text, '|');
  const p = parseDecimal(num);
  if (p === null) throw new Error(`oracle: bad quantity ${raw}`);
  const { low, high } = decimalRange(p);
  return values.flatMap(quantities).some((q) => {
    if (system !== '' && (q.system !== system || q.code !== code)) return false;
    if (system === '' && code !== '' && q.code !== code && q.unit !== code) return false;
    const v = q.value;
    const eq = compareDec(v, low) >= 0 && compareDec(v, high) < 0;
    switch (prefix) {
      case 'eq': return eq;
      case 'ne': return !eq;
      case 'gt': return compareDec(v, p) > 0;
      case 'lt': return compareDec(v, p) < 0;
      case 'ge': return compareDec(v, p) >= 0;
      case 'le': return compareDec(v, p) <= 0;
      case 'sa': return compareDec(v, high) >= 0;
      case 'eb': return compareDec(v, low) < 0;
      default: throw new Error(`oracle: prefix ${prefix} is not modelled for quantities`);
    }
  });
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

function matchReference(values: Typed[], raw: string, base: string, modifier?: string): boolean {
  const refs = values.flatMap(references);
  if (modifier === 'identifier') {
    const bar = splitEscaped(raw, '|');
    return refs.some((r) => {
      if (r.identifier === undefined) return false;
      if (bar.length === 1) return r.identifier.value === bar[0];
      return (bar[0] === '' ? r.identifier.system === undefined : r.identifier.system === bar[0]) && r.identifier.value === bar[1];
    });
  }
  // A reference written absolute with this server's base is the same as the relative form.
  const local = (ref: string): string => (ref.startsWith(`${base}/`) ? ref.slice(base.length + 1) : ref);
  const typeModifier = modifier !== undefined && /^[A-Z]/.test(modifier) ? modifier : undefined;
  const wanted = typeModifier ? `${typeModifier}/${raw}` : raw;
  if (/^[a-z][a-z0-9+.-]*:/i.test(wanted)) return refs.some((r) => r.ref === wanted || (r.ref !== undefined && local(wanted) === local(r.ref) && RELATIVE.test(local(wanted))));
  const want = RELATIVE.exec(wanted);
  return refs.some((r) => {
    const m = r.ref === undefined ? null : RELATIVE.exec(local(r.ref));
    if (m === null) return false;
    return want ? m[1] === want[1] && m[2] === want[2] : m[2] === wanted;
  });
}

function matchUri(values: Typed[], raw: string, modifier?: string): boolean {
  const all = values.flatMap(uris);
  if (modifier === 'below') return all.some((u) => u.startsWith(raw));
  if (modifier === 'above') return all.some((u) => raw.startsWith(u));
  return all.includes(raw);
}

function matchOne(type: ParamType, values: Typed[], raw: string, base: string, modifier?: string): boolean {
  switch (type) {
    case 'token': return matchToken(values, raw, modifier);
    case 'string': return matchString(values, raw, modifier);
    case 'date': return matchDate(values, raw);
    case 'quantity': return matchQuantity(values, raw);
    case 'reference': return matchReference(values, raw, base, modifier);
    case 'uri': return matchUri(values, raw, modifier);
    case 'number':
    case 'composite':
    case 'special':
      throw new Error(`oracle: ${type} is not matched directly`);
  }
}

function matchComposite(param: OracleParam, resource: Json, raw: string): boolean {
  const parts = splitEscaped(raw.replace(/\\\$/g, '\u0000'), '$').map((p) => p.replace(/\u0000/g, '$'));
  const components = param.components ?? [];
  return compositeBases(resource, param.expression).some((node) =>
    components.every((c, i) => matchOne(c.type, evaluate(node.data, c.expression, node.path), parts[i] ?? '', '')),
  );
}

/** Whether `resource` (whose values for the parameter are `values`) matches the search. */
export function matches(search: Search, resource: Json, values: Typed[], base: string): boolean {
  const { param, modifier } = search;
  if (modifier === 'missing') return !hasSearchableValue(param.type, values) === (search.value === 'true');
  if (modifier === 'not') return !splitEscaped(search.value, ',').some((raw) => matchToken(values, raw));
  // Commas separate OR values; `\,` is a literal comma, kept escaped for the per-type parsers.
  const ors = search.value.split(/(?<!\\),/).map((v) => v.replace(/\\,/g, ','));
  if (param.type === 'composite') return ors.some((raw) => matchComposite(param, resource, raw));
  return ors.some((raw) => matchOne(param.type, values, raw, base, modifier));
}
