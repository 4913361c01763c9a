/**
 * The SQL of `near`: great-circle distances over the `sp_position` rows, in plain SQL that PGlite
 * and PostgreSQL both run (no PostGIS).
 *
 * A search is a bounding box that surely holds every point within the distance (a latitude band,
 * and away from the poles a longitude band, split in two where it crosses the antimeridian),
 * which the lookup index serves, and then the exact test: the haversine distance on a sphere of
 * the Earth's mean radius is at most the searched distance. The sphere is within about 0.5% of
 * WGS84's ellipsoid, which R4 allows ("the algorithm to determine the distance is not defined").
 * The box is computed here, from the searched point, so the SQL holds only bound numbers.
 */
import type { NearPoint, NearValue } from '@continuum/fhir';

/** The mean Earth radius (IUGG), in km. */
export const EARTH_RADIUS_KM = 6371.0088;
/** Widens the box by about 10 cm so rounding never drops a point the exact test would keep. */
const MARGIN_DEG = 1e-6;

interface Binder {
  add(v: unknown): string;
}

export interface BoundingBox {
  latitude: [number, number];
  /** Longitude ranges, or undefined when any longitude may be within the distance (a pole is). */
  longitude?: [number, number][];
}

const degrees = (rad: number): number => (rad * 180) / Math.PI;
const radians = (deg: number): number => (deg * Math.PI) / 180;

export function boundingBox(point: NearPoint, distanceKm: number): BoundingBox {
  const delta = distanceKm / EARTH_RADIUS_KM;
  if (delta >= Math.PI) return { latitude: [-90, 90] };
  const dLat = degrees(delta) + MARGIN_DEG;
  const low = point.latitude - dLat;
  const high = point.latitude + dLat;
  if (low <= -90 || high >= 90) return { latitude: [Math.max(low, -90), Math.min(high, 90)] };
  // Away from the poles, the widest longitude difference within angular distance delta.
  const dLon = degrees(Math.asin(Math.min(1, Math.sin(delta) / Math.cos(radians(point.latitude))))) + MARGIN_DEG;
  const west = point.longitude - dLon;
  const east = point.longitude + dLon;
  if (dLon >= 180) return { latitude: [low, high] };
  if (west < -180) return { latitude: [low, high], longitude: [[west + 360, 180], [-180, east]] };
  if (east > 180) return { latitude: [low, high], longitude: [[west, 180], [-180, east - 360]] };
  return { latitude: [low, high], longitude: [[west, east]] };
}

/** The haversine distance in km between the row's `lat`/`lon` columns and `point`. */
export function distanceSql(lat: string, lon: string, point: NearPoint, b: Binder): string {
  const plat = `${b.add(point.latitude)}::float8`;
  const plon = `${b.add(point.longitude)}::float8`;
  const h = `power(sin(radians(${lat} - ${plat}) / 2), 2) + cos(radians(${plat})) * cos(radians(${lat})) * power(sin(radians(${lon} - ${plon}) / 2), 2)`;
  return `(${2 * EARTH_RADIUS_KM} * asin(least(1::float8, sqrt(${h}))))`;
}

/** The distance to the closest of `points`: what a resource sorts by under `_sort=near`. */
export function closestDistanceSql(lat: string, lon: string, points: readonly NearPoint[], b: Binder): string {
  const each = points.map((point) => distanceSql(lat, lon, point, b));
  return each.length === 1 ? each[0]! : `least(${each.join(', ')})`;
}

/** The predicate one `near` value puts on a `sp_position` row; `col` qualifies its columns. */
export function nearPredicate(v: NearValue, col: (name: string) => string, b: Binder): string {
  const box = boundingBox(v, v.distanceKm);
  const lat = col('latitude');
  const lon = col('longitude');
  const parts = [`${lat} BETWEEN ${b.add(box.latitude[0])}::float8 AND ${b.add(box.latitude[1])}::float8`];
  if (box.longitude) {
    const ranges = box.longitude.map(([w, e]) => `${lon} BETWEEN ${b.add(w)}::float8 AND ${b.add(e)}::float8`);
    parts.push(ranges.length === 1 ? ranges[0]! : `(${ranges.join(' OR ')})`);
  }
  parts.push(`${distanceSql(lat, lon, v, b)} <= ${b.add(v.distanceKm)}::float8`);
  return `(${parts.join(' AND ')})`;
}
