/**
 * Opaque page cursors for history and search: a keyset position, base64url-encoded JSON. A
 * cursor that does not decode to the expected shape is a 400, never a crash.
 */
import { badRequest } from '@continuum/fhir';

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(text: string, check: (v: unknown) => v is T): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('Invalid paging cursor');
  }
  if (!check(parsed)) throw badRequest('Invalid paging cursor');
  return parsed;
}

export const MAX_COUNT = 1000;
export const DEFAULT_COUNT = 50;

export function pageSize(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_COUNT;
  if (!/^\d{1,6}$/.test(raw)) throw badRequest('_count must be a non-negative integer');
  return Math.min(Number(raw), MAX_COUNT);
}
