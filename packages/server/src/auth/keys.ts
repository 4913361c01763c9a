/**
 * The authorization server's secrets: the private JWKS that signs id_tokens (published, public
 * halves only, at the JWKS endpoint) and the keys that sign its cookies.
 *
 * Where they come from, first match wins:
 * 1. `CONTINUUM_JWKS` (the JSON itself) or `CONTINUUM_JWKS_FILE` (a path), for production;
 * 2. `<data folder>/secrets/auth-keys.json`, generated on the first start with mode 0600 in a
 *    0700 folder. Several nodes over one PostgreSQL must share one key file (or the variable).
 *
 * Rotation: `rotateKeys` puts a new signing key first and keeps the previous ones, so tokens
 * signed before the rotation still verify against the published JWKS until they expire.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { writePrivateFile } from '../secrets/private-file.ts';

export interface AuthKeys {
  /** Private signing keys, newest first. */
  jwks: { keys: JWK[] };
  /** Cookie signing keys, newest first. */
  cookieKeys: string[];
}

export interface KeySource {
  jwksJson?: string;
  jwksFile?: string;
  dataDir: string;
}

export const keyFilePath = (dataDir: string): string => join(dataDir, 'secrets', 'auth-keys.json');

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: randomBytes(12).toString('base64url'), use: 'sig', alg: 'RS256' };
}

function parseKeys(text: string, where: string): AuthKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not valid JSON`);
  }
  const p = parsed as Partial<AuthKeys> & { keys?: JWK[] };
  // The signing keys may be given as `jwks` or as a bare JWKS (`keys`); cookie keys are required
  // either way, since every node must sign its cookies alike.
  const jwks = p.jwks ?? (Array.isArray(p.keys) ? { keys: p.keys } : undefined);
  if (!jwks || !Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error(`${where} holds no signing keys`);
  for (const k of jwks.keys) {
    if (typeof k !== 'object' || k === null || typeof k.kty !== 'string' || (k.kty === 'RSA' && typeof k.d !== 'string')) {
      throw new Error(`${where}: every key must be a private JWK`);
    }
  }
  const cookieKeys = Array.isArray(p.cookieKeys) && p.cookieKeys.every((c) => typeof c === 'string' && c.length >= 32) ? p.cookieKeys : undefined;
  if (!cookieKeys) throw new Error(`${where} needs cookieKeys: at least one random string of 32 characters or more`);
  return { jwks, cookieKeys };
}

/** Writes the key file atomically; with `exclusive`, returns false (writing nothing) when it already exists. */
function writePrivate(path: string, keys: AuthKeys, opts: { exclusive?: boolean } = {}): boolean {
  return writePrivateFile(path, JSON.stringify(keys, null, 2) + '\n', opts);
}

/** Loads the keys, generating the key file on first start when no other source is given. */
export async function loadKeys(src: KeySource): Promise<AuthKeys> {
  if (src.jwksJson) return parseKeys(src.jwksJson, 'CONTINUUM_JWKS');
  if (src.jwksFile) return parseKeys(readFileSync(src.jwksFile, 'utf8'), src.jwksFile);
  const path = keyFilePath(src.dataDir);
  if (existsSync(path)) return parseKeys(readFileSync(path, 'utf8'), path);
  const keys: AuthKeys = { jwks: { keys: [await newSigningKey()] }, cookieKeys: [randomBytes(32).toString('base64url')] };
  // Several processes may start together on a new folder: the first file written wins, and the
  // others use it rather than replacing it.
  if (!writePrivate(path, keys, { exclusive: true })) return parseKeys(readFileSync(path, 'utf8'), path);
  return keys;
}

/** Adds a new signing key in front of the old ones in the data folder's key file. */
export async function rotateKeys(dataDir: string, keep = 2): Promise<AuthKeys> {
  const path = keyFilePath(dataDir);
  const current = existsSync(path) ? parseKeys(readFileSync(path, 'utf8'), path) : await loadKeys({ dataDir });
  const keys: AuthKeys = {
    jwks: { keys: [await newSigningKey(), ...current.jwks.keys].slice(0, keep + 1) },
    cookieKeys: [randomBytes(32).toString('base64url'), ...current.cookieKeys].slice(0, keep + 1),
  };
  writePrivate(path, keys);
  return keys;
}
