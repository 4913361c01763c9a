/**
 * The oracle's ranges, from the R4 search rules and nothing else: a date, dateTime or instant
 * covers the interval its precision implies (a year, a month, a day, a minute, a second, or the
 * span of its fractional digits), a time without a zone is read as UTC (the server's documented
 * choice; FHIR leaves it to the server). Instants are milliseconds since the epoch as JavaScript
 * numbers, fractional below a millisecond when the text is that precise. Decimals are exact
 * (`mantissa × 10^exponent` with BigInt), so comparisons never meet binary rounding.
 */

export interface Range {
  low: number;
  high: number;
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** The `[low, high)` interval a FHIR date/dateTime/instant covers, or null when it is not one. */
export function dateRange(text: string): Range | null {
  const m = DATE.exec(text);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  if (mo === undefined) return { low: Date.UTC(year, 0, 1), high: Date.UTC(year + 1, 0, 1) };
  const month = Number(mo) - 1;
  if (d === undefined) return { low: Date.UTC(year, month, 1), high: Date.UTC(year, month + 1, 1) };
  const day = Number(d);
  if (h === undefined) return { low: Date.UTC(year, month, day), high: Date.UTC(year, month, day + 1) };
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    offset = (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  const start = Date.UTC(year, month, day, Number(h), Number(mi), Number(s ?? 0)) - offset;
  if (s === undefined) return { low: start, high: start + 60_000 };
  if (frac === undefined) return { low: start, high: start + 1000 };
  const low = start + Number(`0.${frac}`) * 1000;
  return { low, high: low + 1000 / 10 ** frac.length };
}

/** An exact decimal: `m × 10^e`. */
export interface Dec {
  m: bigint;
  e: number;
}

export function parseDecimal(text: string): Dec | null {
  const match = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text.trim());
  if (match === null) return null;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return null;
  const m = BigInt(`${sign}${whole}${fraction}` || '0');
  return { m, e: Number(exponent) - fraction.length };
}

export function compareDec(a: Dec, b: Dec): number {
  const e = Math.min(a.e, b.e);
  const x = a.m * 10n ** BigInt(a.e - e);
  const y = b.m * 10n ** BigInt(b.e - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Half a unit of the last written digit either side: `5.4` → [5.35, 5.45). */
export function decimalRange(d: Dec): { low: Dec; high: Dec } {
  return { low: { m: d.m * 10n - 5n, e: d.e - 1 }, high: { m: d.m * 10n + 5n, e: d.e - 1 } };
}

/** A JSON number as the decimal it was written as (JSON.parse keeps the shortest round-trip form). */
export function decimalOf(value: number): Dec {
  return parseDecimal(String(value)) ?? { m: 0n, e: 0 };
}
