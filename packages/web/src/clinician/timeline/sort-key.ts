/**
 * The instant a FHIR date sorts by when a search says `_sort=-date`: the server orders a
 * descending date sort by the *upper* end of each value's range (`2024-03-05` runs to the end of
 * that day, a Period to the end of its `end`, an open Period has no end and sorts last). The
 * timeline merges several such sorted searches, so it must compare entries by the same key the
 * server sorted each search by, or the merged order would drift from each list's own order.
 * Values without a timezone are read as UTC, as the server reads them.
 */

const DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** The exclusive upper end of a date, dateTime or instant, as an ISO UTC string; undefined when not a date. */
export function upperBound(value: string | undefined): string | undefined {
  const m = value === undefined ? null : DATE_TIME.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  let high: number;
  if (mo === undefined) high = Date.UTC(year + 1, 0, 1);
  else if (d === undefined) high = Date.UTC(year, Number(mo), 1);
  else if (h === undefined) high = Date.UTC(year, Number(mo) - 1, Number(d) + 1);
  else {
    const offset = !zone || zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
    const low = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), s === undefined ? 0 : Number(s), ms) - offset * 60_000;
    high = low + (s === undefined ? 60_000 : frac === undefined ? 1000 : 1);
  }
  return Number.isNaN(high) ? undefined : new Date(high).toISOString();
}

/** Newest first; entries without a key (open or missing dates) last, as the server puts them. */
export function compareNewestFirst(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? 1 : -1;
}
