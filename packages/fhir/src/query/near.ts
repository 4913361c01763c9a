/**
 * The value of R4's `near` search parameter (Location): `[latitude]|[longitude]|[distance]|[units]`
 * in WGS84 degrees, turned into a point and a distance in kilometres. Pure parsing; the SQL that
 * measures distances lives in the server's search compiler.
 *
 * The units are UCUM codes (`km`, `m`, `[mi_i]`) or `mi`, optionally as `system|code` with the
 * UCUM system; without units the distance is in km, as R4 says. R4 leaves the distance itself to
 * the server when it is absent: Continuum then searches within NEAR_DEFAULT_KM. Anything else (a
 * coordinate that is not a number or out of range, a negative distance, an unknown unit) is a 400.
 */
import { badRequest } from '../outcomes.ts';

export interface NearPoint {
  latitude: number;
  longitude: number;
}

export interface NearValue extends NearPoint {
  kind: 'near';
  /** The search radius in kilometres. */
  distanceKm: number;
}

/** The radius used when a `near` value gives no distance. */
export const NEAR_DEFAULT_KM = 50;

const UCUM = 'http://unitsofmeasure.org';
/** Kilometres per unit. */
const UNITS: ReadonlyMap<string, number> = new Map([['km', 1], ['m', 0.001], ['[mi_i]', 1.609344], ['mi', 1.609344]]);
const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function decimal(text: string): number | undefined {
  const n = Number(text.trim());
  return DECIMAL.test(text.trim()) && Number.isFinite(n) ? n : undefined;
}

/** `parts` is one value split on its unescaped bars, each part unescaped; `raw` is for messages. */
export function parseNear(parts: readonly string[], raw: string, code: string): NearValue {
  const bad = (why: string) => badRequest(`Invalid value for search parameter '${code}': ${why} (expected latitude|longitude|distance|units, got '${raw}')`);
  const [latText = '', lonText, distText = '', ...unitParts] = parts;
  if (lonText === undefined) throw bad('a latitude and a longitude are required');
  const latitude = decimal(latText);
  const longitude = decimal(lonText);
  if (latitude === undefined || Math.abs(latitude) > 90) throw bad('the latitude must be a number from -90 to 90');
  if (longitude === undefined || Math.abs(longitude) > 180) throw bad('the longitude must be a number from -180 to 180');
  let perUnit = 1;
  if (unitParts.length > 2 || (unitParts.length === 2 && unitParts[0] !== '' && unitParts[0] !== UCUM)) throw bad(`the units must be a UCUM code`);
  const unit = unitParts[unitParts.length - 1];
  if (unit !== undefined && unit !== '') {
    const factor = UNITS.get(unit);
    if (factor === undefined) throw bad(`unknown distance unit '${unit}' (use km, m, [mi_i] or mi)`);
    perUnit = factor;
  }
  if (distText.trim() === '') return { kind: 'near', latitude, longitude, distanceKm: NEAR_DEFAULT_KM };
  const distance = decimal(distText);
  if (distance === undefined || distance < 0) throw bad('the distance must be a number of at least 0');
  return { kind: 'near', latitude, longitude, distanceKm: distance * perUnit };
}
