/**
 * Time arithmetic on epoch milliseconds. The simulation never reads the clock: every date is an
 * offset from the caller's `now`. Formatting goes through UTC so output is identical in every
 * time zone.
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const YEAR = 365.2425 * DAY;

export const DEFAULT_NOW = '2026-01-01T00:00:00Z';

export function parseNow(now: string | undefined): number {
  const ms = Date.parse(now ?? DEFAULT_NOW);
  if (Number.isNaN(ms)) throw new Error(`Invalid "now": ${String(now)}`);
  return ms;
}

/** `YYYY-MM-DD`. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `YYYY-MM-DDThh:mm:ssZ`, whole seconds. */
export function isoDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Midnight UTC of the day containing `ms`. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

export function ageAt(birth: number, at: number): number {
  return (at - birth) / YEAR;
}

export function yearOf(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

/** Moves a weekend day to the following Monday, keeping the time of day. */
export function weekday(ms: number): number {
  const dow = new Date(ms).getUTCDay();
  if (dow === 6) return ms + 2 * DAY;
  if (dow === 0) return ms + DAY;
  return ms;
}
