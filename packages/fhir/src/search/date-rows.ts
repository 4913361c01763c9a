/**
 * Date search rows: date, dateTime and instant values (and plain strings holding dates), Period,
 * and Timing (each `event`, plus `repeat.boundsPeriod`). Every value becomes a `[low, high)` range
 * (see `date-range.ts`); invalid values give no row. Other types give nothing.
 */
import type { Period, Timing } from '@medplum/fhirtypes';
import { parseDateRange, periodRange } from './date-range.ts';
import type { DateRange } from './date-range.ts';
import type { TypedValue } from './fhirpath-evaluator.ts';
import type { DateRow } from './index-rows.ts';

const DATE_TYPES = new Set(['date', 'dateTime', 'instant', 'string']);

function rangesOf(item: TypedValue): (DateRange | null)[] {
  const { type, value } = item;
  if (DATE_TYPES.has(type)) return typeof value === 'string' ? [parseDateRange(value)] : [];
  if (type === 'Period') {
    const period = value as Period;
    return [periodRange(period.start, period.end)];
  }
  if (type === 'Timing') {
    const timing = value as Timing;
    const ranges = (timing.event ?? []).map(parseDateRange);
    const bounds = timing.repeat?.boundsPeriod;
    if (bounds !== undefined) ranges.push(periodRange(bounds.start, bounds.end));
    return ranges;
  }
  return [];
}

export function addDateRows(param: string, values: readonly TypedValue[], out: DateRow[]): void {
  const seen = new Set<string>();
  for (const item of values) {
    for (const range of rangesOf(item)) {
      if (range === null) continue;
      const key = `${range.low}|${range.high}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ param, low: range.low, high: range.high });
    }
  }
}
