/**
 * The hash chain, pure: the canonical serialisation of an entry and its hash. An entry's hash is
 * SHA-256 (hex) of the previous entry's hash, a newline, and a JSON array of the entry's fields
 * in a fixed order (seq and recorded included), so the same fields always give the same bytes.
 */
import { createHash } from 'node:crypto';
import type { AuditFields } from './types.ts';

/** The prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export function canonicalEntry(f: AuditFields): string {
  return JSON.stringify([
    f.seq, f.tenantId, f.recorded, f.action, f.outcome, f.priority, f.userId, f.username, f.fhirUser,
    f.role, f.clientId, f.patients, f.resource, f.query, f.sourceIp, f.detail,
  ]);
}

export function entryHash(prevHash: string, f: AuditFields): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalEntry(f)}`, 'utf8').digest('hex');
}
