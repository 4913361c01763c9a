/**
 * Number and quantity search rows. Numbers come from decimal, integer, positiveInt and
 * unsignedInt values; quantities from Quantity and its profiles (SimpleQuantity, Age, Duration,
 * Distance, Count, MoneyQuantity) and from Money, whose currency becomes the code under the system
 * `urn:iso:std:iso:4217`. Both carry the range the value's precision implies (`number-range.ts`).
 * Quantity.unit is stored normalised for searches that give a unit without a system. Range,
 * SampledData and values without a numeric `value` give no rows.
 */
import type { Money, Quantity } from '@medplum/fhirtypes';
import type { TypedValue } from './fhirpath-evaluator.ts';
import type { NumberRow, QuantityRow } from './index-rows.ts';
import { normaliseOptional } from './normalise.ts';
import { numberRange } from './number-range.ts';

const NUMBER_TYPES = new Set(['decimal', 'integer', 'positiveInt', 'unsignedInt', 'integer64']);
const QUANTITY_TYPES = new Set(['Quantity', 'SimpleQuantity', 'Age', 'Duration', 'Distance', 'Count', 'MoneyQuantity']);
export const CURRENCY_SYSTEM = 'urn:iso:std:iso:4217';

export function addNumberRows(param: string, values: readonly TypedValue[], out: NumberRow[]): void {
  const seen = new Set<number>();
  for (const item of values) {
    if (!NUMBER_TYPES.has(item.type)) continue;
    const value = Number(item.value);
    const range = numberRange(value);
    if (range === null || seen.has(value)) continue;
    seen.add(value);
    out.push({ param, ...range });
  }
}

type QuantityParts = Omit<QuantityRow, 'param' | 'low' | 'high'>;

function partsOf(item: TypedValue): QuantityParts | null {
  if (QUANTITY_TYPES.has(item.type)) {
    const q = item.value as Quantity;
    if (typeof q.value !== 'number') return null;
    return { value: q.value, system: q.system ?? null, code: q.code ?? null, unit: normaliseOptional(q.unit) };
  }
  if (item.type === 'Money') {
    const money = item.value as Money;
    if (typeof money.value !== 'number') return null;
    return { value: money.value, system: CURRENCY_SYSTEM, code: money.currency ?? null, unit: null };
  }
  return null;
}

export function addQuantityRows(param: string, values: readonly TypedValue[], out: QuantityRow[]): void {
  const seen = new Set<string>();
  for (const item of values) {
    const parts = partsOf(item);
    const range = parts === null ? null : numberRange(parts.value);
    if (parts === null || range === null) continue;
    const key = `${parts.value}|${parts.system}|${parts.code}|${parts.unit}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ param, ...parts, low: range.low, high: range.high });
  }
}
