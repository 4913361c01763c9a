/**
 * Small, explicit predicates for computing US Core expectations from the stored resources: who a
 * resource belongs to, whether a CodeableConcept carries a code, how a date compares with a
 * searched date under a prefix (the R4 range rules: the value's and the searched value's
 * precision each imply a range), and case- and accent-blind starts-with for names.
 */
import { dateRange } from './oracle/ranges.ts';
import type { Json } from './corpus.ts';

type Ref = { reference?: string } | undefined;

export const ids = (list: Json[]): string[] => list.map((r) => String(r.id)).sort();

export const refersTo = (ref: unknown, type: string, id: string): boolean => (ref as Ref)?.reference === `${type}/${id}`;

/** True when the concept (or any concept of the list) has a coding with this system and code. */
export function hasCode(concepts: unknown, system: string | undefined, code: string): boolean {
  const list = (Array.isArray(concepts) ? concepts : concepts === undefined ? [] : [concepts]) as { coding?: { system?: string; code?: string }[] }[];
  return list.some((c) => (c.coding ?? []).some((coding) => coding.code === code && (system === undefined || coding.system === system)));
}

export const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
export const startsWithFolded = (value: unknown, prefix: string): boolean => typeof value === 'string' && fold(value).startsWith(fold(prefix));

/** R4 `name` on a HumanName: any of family, given, prefix, suffix or text starts with `text`. */
export const nameMatches = (r: Json, text: string): boolean =>
  ((r.name ?? []) as Json[]).some((n) =>
    [n.family, ...((n.given as string[]) ?? []), ...((n.prefix as string[]) ?? []), ...((n.suffix as string[]) ?? []), n.text].some((part) => startsWithFolded(part, text)));

export type Prefix = 'eq' | 'gt' | 'lt' | 'ge' | 'le';

/** The range of a date value, or of a Period (open ends infinite). */
export function rangeOf(value: unknown): { low: number; high: number } | null {
  if (typeof value === 'string') return dateRange(value);
  const period = value as { start?: string; end?: string } | undefined;
  if (!period || (period.start === undefined && period.end === undefined)) return null;
  return {
    low: period.start ? dateRange(period.start)!.low : Number.NEGATIVE_INFINITY,
    high: period.end ? dateRange(period.end)!.high : Number.POSITIVE_INFINITY,
  };
}

/** `value` (a date string or Period) against `prefix` + `searched` (a date string). */
export function dateIs(value: unknown, prefix: Prefix, searched: string): boolean {
  const v = rangeOf(value);
  const p = dateRange(searched)!;
  if (v === null) return false;
  const within = v.low >= p.low && v.high <= p.high;
  switch (prefix) {
    case 'eq': return within;
    case 'gt': return v.high > p.high;
    case 'lt': return v.low < p.low;
    case 'ge': return v.high > p.high || within;
    case 'le': return v.low < p.low || within;
  }
}

/** The distinct UTC days (YYYY-MM-DD) the date values fall on, in order. */
export function distinctDays(values: string[]): string[] {
  return [...new Set(values.map((v) => new Date(dateRange(v)!.low).toISOString().slice(0, 10)))].sort();
}

/** The middle one of the distinct UTC days the values fall on; there must be at least three. */
export function middleDay(values: string[]): string {
  const days = distinctDays(values);
  if (days.length < 3) throw new Error(`need values on three days or more to split them, got ${days.join(', ')}`);
  return days[Math.floor(days.length / 2)]!;
}
