/**
 * The hash chains, pure: the canonical serialisation of an entry and its hash. An entry's hash is
 * SHA-256 (hex) of the previous entry's hash in its lane, a newline, and a JSON array of the
 * entry's fields in a fixed order (its place and recorded time included), so the same fields
 * always give the same bytes. The place is the position in lane 0 (as the chain's single seq was
 * before there were lanes, so older entries keep their hashes) and `lane:pos` in the others.
 */
import { createHash } from 'node:crypto';
import type { AuditFields } from './types.ts';

/** The prev_hash of the first entry of every lane. */
export const GENESIS_HASH = '0'.repeat(64);

/** How many lanes the schema has (migration 010: lane 0..15, head rows 1..16). */
export const MAX_LANES = 16;

export function canonicalEntry(f: AuditFields): string {
  return JSON.stringify([
    f.lane === 0 ? f.pos : `${f.lane}:${f.pos}`, f.tenantId, f.recorded, f.action, f.outcome, f.priority, f.userId, f.username, f.fhirUser,
    f.role, f.clientId, f.patients, f.resource, f.query, f.sourceIp, f.detail,
  ]);
}

export function entryHash(prevHash: string, f: AuditFields): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalEntry(f)}`, 'utf8').digest('hex');
}
