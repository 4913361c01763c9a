/**
 * Position rows for `near` (R4's only special parameter, `Location.position`): each value with a
 * numeric latitude in [-90, 90] and longitude in [-180, 180] (WGS84 degrees) becomes one row.
 * A position outside those ranges, or without both numbers, gives no row rather than failing the
 * write: such a Location is stored, and `near` never finds it (`near:missing=true` does).
 */
import type { TypedValue } from './fhirpath-evaluator.ts';
import type { PositionRow } from './index-rows.ts';

/** The point a value holds, when it holds a valid one. */
export function positionOf(value: unknown): { latitude: number; longitude: number } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { latitude, longitude } = value as { latitude?: unknown; longitude?: unknown };
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return null;
  if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) return null;
  return { latitude, longitude };
}

export function addPositionRows(param: string, values: readonly TypedValue[], out: PositionRow[]): void {
  const seen = new Set<string>();
  for (const item of values) {
    const point = positionOf(item.value);
    if (point === null) continue;
    const key = `${point.latitude}|${point.longitude}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ param, ...point });
  }
}
