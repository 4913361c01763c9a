/**
 * Deterministic card and suggestion uuids: the same hook call (hookInstance) and the same finding
 * always give the same uuid, so a card a client shows twice is one card, and feedback about it is
 * matched to what was recorded when it was issued (cds/card-log.ts). Name-based, in the manner of
 * RFC 4122 version 5 (SHA-256 here instead of SHA-1, the version nibble still 5).
 */
import { createHash } from 'node:crypto';

export function nameUuid(...parts: readonly string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
