/**
 * What a typed FHIRPath value offers to each kind of search, per the R4 search page: the tokens
 * of a Coding, CodeableConcept, Identifier, ContactPoint, boolean or code; the strings of a
 * HumanName or Address; the date range of a date, Period or Timing (a Timing counts by its outer
 * limits, as R4 says the schedule details are ignored); the quantities of Quantity and its
 * profiles and of Money; the reference strings of a Reference or canonical. Written for the
 * oracle only, without the server's code.
 */
import { dateRange, decimalOf, type Dec, type Range } from './ranges.ts';
import type { Typed } from './evaluate.ts';

type Obj = Record<string, unknown>;

export interface TokenEntry {
  system?: string;
  code?: string;
  /** Coding.display, CodeableConcept.text and Identifier.type.text, for `:text`. */
  texts: string[];
  /** Identifier.type codings, for `:of-type`. */
  types: { system?: string; code?: string }[];
}

const PRIMITIVE_CODES = new Set(['code', 'string', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid', 'markdown']);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

function coding(c: Obj): TokenEntry {
  const entry: TokenEntry = { texts: strs(c.display), types: [] };
  if (str(c.system) !== undefined) entry.system = str(c.system);
  if (str(c.code) !== undefined) entry.code = str(c.code);
  return entry;
}

export function tokenEntries(t: Typed): TokenEntry[] {
  const v = t.value as Obj;
  if (PRIMITIVE_CODES.has(t.type)) return typeof t.value === 'string' ? [{ code: t.value, texts: [], types: [] }] : [];
  switch (t.type) {
    case 'boolean':
      return [{ code: String(t.value), texts: [], types: [] }];
    case 'Coding':
      return [coding(v)];
    case 'CodeableConcept': {
      const entries = ((v.coding ?? []) as Obj[]).map(coding);
      if (typeof v.text === 'string') entries.push({ texts: [v.text], types: [] });
      return entries;
    }
    case 'Identifier': {
      const type = (v.type ?? {}) as Obj;
      const entry: TokenEntry = { texts: strs(type.text), types: ((type.coding ?? []) as Obj[]).map((c) => ({ system: str(c.system), code: str(c.code) })) };
      if (str(v.system) !== undefined) entry.system = str(v.system);
      if (str(v.value) !== undefined) entry.code = str(v.value);
      return [entry];
    }
    case 'ContactPoint':
      return typeof v.value === 'string' ? [{ code: v.value, texts: [], types: [] }] : [];
    default:
      return [];
  }
}

export function stringParts(t: Typed): string[] {
  const v = t.value as Obj;
  if (PRIMITIVE_CODES.has(t.type)) return strs(t.value);
  if (t.type === 'HumanName') return [...strs(v.family), ...strs(v.given), ...strs(v.prefix), ...strs(v.suffix), ...strs(v.text)];
  if (t.type === 'Address') {
    return [...strs(v.line), ...strs(v.city), ...strs(v.district), ...strs(v.state), ...strs(v.postalCode), ...strs(v.country), ...strs(v.text)];
  }
  return [];
}

const OPEN_LOW = Number.NEGATIVE_INFINITY;
const OPEN_HIGH = Number.POSITIVE_INFINITY;

function periodRange(p: Obj): Range | null {
  const start = typeof p.start === 'string' ? dateRange(p.start) : null;
  const end = typeof p.end === 'string' ? dateRange(p.end) : null;
  if (start === null && end === null) return null;
  return { low: start?.low ?? OPEN_LOW, high: end?.high ?? OPEN_HIGH };
}

export function dateRanges(t: Typed): Range[] {
  const v = t.value as Obj;
  switch (t.type) {
    case 'date':
    case 'dateTime':
    case 'instant': {
      const r = typeof t.value === 'string' ? dateRange(t.value) : null;
      return r ? [r] : [];
    }
    case 'Period': {
      const r = periodRange(v);
      return r ? [r] : [];
    }
    case 'Timing': {
      const repeat = (v.repeat ?? {}) as Obj;
      const parts = [...strs(v.event).map(dateRange), repeat.boundsPeriod ? periodRange(repeat.boundsPeriod as Obj) : null];
      const ranges = parts.filter((r): r is Range => r !== null);
      if (ranges.length === 0) return [];
      return [{ low: Math.min(...ranges.map((r) => r.low)), high: Math.max(...ranges.map((r) => r.high)) }];
    }
    default:
      return [];
  }
}

export interface QuantityValue {
  value: Dec;
  system?: string;
  code?: string;
  unit?: string;
}

const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Duration', 'Distance', 'Count', 'SimpleQuantity', 'MoneyQuantity']);

export function quantities(t: Typed): QuantityValue[] {
  const v = t.value as Obj;
  if (typeof v?.value !== 'number') return [];
  if (QUANTITY_TYPES.has(t.type)) {
    const q: QuantityValue = { value: decimalOf(v.value) };
    if (typeof v.system === 'string') q.system = v.system;
    if (typeof v.code === 'string') q.code = v.code;
    if (typeof v.unit === 'string') q.unit = v.unit;
    return [q];
  }
  if (t.type === 'Money') {
    const q: QuantityValue = { value: decimalOf(v.value), system: 'urn:iso:std:iso:4217' };
    if (typeof v.currency === 'string') q.code = v.currency;
    return [q];
  }
  return [];
}

export interface ReferenceValue {
  /** Reference.reference, or the canonical/uri itself. */
  ref?: string;
  identifier?: { system?: string; value?: string };
}

export function references(t: Typed): ReferenceValue[] {
  const v = t.value as Obj;
  if (t.type === 'Reference') {
    const out: ReferenceValue = {};
    if (typeof v.reference === 'string') out.ref = v.reference;
    const id = v.identifier as Obj | undefined;
    if (id) out.identifier = { ...(typeof id.system === 'string' ? { system: id.system } : {}), ...(typeof id.value === 'string' ? { value: id.value } : {}) };
    return out.ref !== undefined || out.identifier !== undefined ? [out] : [];
  }
  if (['canonical', 'uri', 'url'].includes(t.type) && typeof t.value === 'string') return [{ ref: t.value }];
  return [];
}

export function uris(t: Typed): string[] {
  return ['uri', 'url', 'canonical', 'oid', 'uuid'].includes(t.type) && typeof t.value === 'string' ? [t.value] : [];
}

/**
 * Whether the values give the parameter anything a search could match: R4's `:missing=true`
 * selects resources with no value for the parameter. A Reference with only a display, a local
 * `#contained` reference, a Timing with no event or bounds, or a date written as free text
 * (`occurrenceString`) give nothing to match, so they count as missing.
 */
export function hasSearchableValue(type: string, values: Typed[]): boolean {
  switch (type) {
    case 'token': return values.flatMap(tokenEntries).some((e) => e.code !== undefined || e.system !== undefined || e.texts.length > 0);
    case 'string': return values.flatMap(stringParts).some((s) => s.trim() !== '');
    case 'date': return values.flatMap(dateRanges).length > 0;
    case 'quantity': return values.flatMap(quantities).length > 0;
    case 'reference': return values.flatMap(references).some((r) => (r.ref !== undefined && !r.ref.startsWith('#')) || r.identifier !== undefined);
    case 'uri': return values.flatMap(uris).length > 0;
    default: return values.length > 0;
  }
}
