/**
 * Signed anchors of the audit chains. A chain catches a changed or deleted entry, but someone who
 * can write the database could rewrite every hash after a change, head included, and leave a
 * chain that verifies. An anchor closes that gap: `continuum audit anchor` signs every lane's
 * head (position and hash) with the server's signing key (a compact JWS, the key that signs
 * id_tokens), to be kept outside the database (a ticket, a write-once bucket, a printout).
 * `audit verify --anchor FILE` then checks the signature and that each lane still passes through
 * its anchored entry with that hash, so a rewrite of anything up to the anchor is caught.
 */
import { CompactSign, compactVerify, createLocalJWKSet, importJWK, type JWK } from 'jose';
import type { AuthKeys } from '../auth/keys.ts';
import type { AuditHead } from './audit-repository.ts';
import { AuditError } from './types.ts';

export const ANCHOR_TYPE = 'continuum-audit-anchor+jws';

export interface AuditAnchor {
  /** Every lane's head when the anchor was signed. */
  heads: AuditHead[];
  /** ISO 8601: when the anchor was signed. */
  signedAt: string;
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

function publicJwk(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE_MEMBERS.has(k))) as JWK;
}

/** Signs the heads with the newest signing key. */
export async function signAnchor(heads: readonly AuditHead[], keys: AuthKeys, now: Date = new Date()): Promise<string> {
  const jwk = keys.jwks.keys[0];
  if (!jwk) throw new AuditError('no signing key to sign the anchor with');
  const alg = jwk.alg ?? 'RS256';
  const payload: AuditAnchor = { heads: heads.map((h) => ({ lane: h.lane, pos: h.pos, hash: h.hash })), signedAt: now.toISOString() };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, typ: ANCHOR_TYPE, ...(jwk.kid !== undefined ? { kid: jwk.kid } : {}) })
    .sign(await importJWK(jwk, alg));
}

/**
 * Checks an anchor's signature against the key source's keys (the older keys kept after a
 * rotation included) and returns what it anchors; throws AuditError when it is not a valid anchor.
 */
export async function readAnchor(jws: string, keys: AuthKeys): Promise<AuditAnchor> {
  const keySet = createLocalJWKSet({ keys: keys.jwks.keys.map(publicJwk) });
  let payload: Uint8Array;
  try {
    const verified = await compactVerify(jws.trim(), keySet);
    if (verified.protectedHeader.typ !== ANCHOR_TYPE) throw new AuditError('it is not an audit anchor');
    payload = verified.payload;
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw new AuditError('its signature does not verify against this server\'s keys');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new AuditError('its content is not JSON');
  }
  const a = parsed as Partial<AuditAnchor>;
  const isHead = (h: Partial<AuditHead>): h is AuditHead =>
    Number.isInteger(h.lane) && typeof h.pos === 'string' && /^\d{1,18}$/.test(h.pos) && typeof h.hash === 'string' && /^[0-9a-f]{64}$/.test(h.hash);
  if (!Array.isArray(a.heads) || a.heads.length === 0 || !a.heads.every(isHead) || typeof a.signedAt !== 'string') {
    throw new AuditError('its content is not a set of audit heads');
  }
  return { heads: a.heads, signedAt: a.signedAt };
}
