/**
 * FHIR date, dateTime and instant values as half-open `[low, high)` UTC ranges given by their
 * precision: `2024` covers the year, `2024-03` the month, `2024-03-05` the day, a time to the minute
 * or second that minute or second, and any fractional seconds one millisecond (digits beyond
 * milliseconds are truncated) — the same rule `query/date-range.ts` applies to searched values, so
 * stored and searched ranges compare exactly. A time without a timezone is read as UTC
 * (FHIR leaves it to the server; we choose UTC so the result never depends on the host). Invalid
 * values (bad month, 31 February, garbage) give null. Periods combine the low of their start with
 * the high of their end, each end open (null) when absent.
 */

export interface DateRange {
  low: string | null;
  high: string | null;
}

const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMillis(year, month + 1, 0)).getUTCDate();
}

function offsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** The range a single date/dateTime/instant string covers, or null when it is not a valid FHIR date. */
export function parseDateRange(text: string): DateRange | null {
  const m = DATE_TIME.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  if (mo === undefined) {
    return toRange(utcMillis(year, 0, 1), utcMillis(year + 1, 0, 1));
  }
  const month = Number(mo) - 1;
  if (month < 0 || month > 11) return null;
  if (d === undefined) {
    return toRange(utcMillis(year, month, 1), utcMillis(year, month + 1, 1));
  }
  const day = Number(d);
  if (day < 1 || day > daysInMonth(year, month)) return null;
  if (h === undefined) {
    return toRange(utcMillis(year, month, day), utcMillis(year, month, day + 1));
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const offset = offsetMinutes(zone);
  if (hour > 23 || minute > 59 || second > 59 || offset === null) return null;
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const low = utcMillis(year, month, day, hour, minute, second, ms) - offset * 60_000;
  let step: number;
  if (s === undefined) step = 60_000;
  else if (frac === undefined) step = 1000;
  else step = 1;
  return toRange(low, low + step);
}

function toRange(low: number, high: number): DateRange | null {
  if (Number.isNaN(low) || Number.isNaN(high)) return null;
  return { low: new Date(low).toISOString(), high: new Date(high).toISOString() };
}

/** A Period's range; null when both ends are absent or either present end is invalid. */
export function periodRange(start: unknown, end: unknown): DateRange | null {
  if (start == null && end == null) return null;
  const startRange = typeof start === 'string' ? parseDateRange(start) : null;
  const endRange = typeof end === 'string' ? parseDateRange(end) : null;
  if ((start != null && startRange === null) || (end != null && endRange === null)) return null;
  return { low: startRange?.low ?? null, high: endRange?.high ?? null };
}
