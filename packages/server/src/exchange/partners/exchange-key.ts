/**
 * This deployment's exchange signing key (ES384): it signs the client assertions the outbound
 * client presents at partners, and signed payloads (Subscription notifications). The public half
 * is published at `/exchange/jwks.json`, where partners fetch it.
 *
 * Where it comes from, first match wins:
 * 1. `CONTINUUM_EXCHANGE_JWKS_FILE`: a private JWKS (`{"keys": [...]}`, the first key signs);
 * 2. `<data folder>/secrets/exchange-key.json`, generated on the first start (0600 in a 0700
 *    folder, like the auth keys). Several nodes over one PostgreSQL must share one key file.
 * The auth keys (auth/keys.ts) are separate: they sign this server's own tokens, not requests
 * to other organizations.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactSign, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { writePrivateFile } from '../../secrets/private-file.ts';
import type { ExchangeKeys } from '../types.ts';

export const EXCHANGE_ALG = 'ES384';

export const exchangeKeyPath = (dataDir: string): string => join(dataDir, 'secrets', 'exchange-key.json');

export interface ExchangeKeySource {
  dataDir: string;
  /** CONTINUUM_EXCHANGE_JWKS_FILE */
  jwksFile?: string;
}

async function newKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(EXCHANGE_ALG, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomBytes(12).toString('base64url'), use: 'sig', alg: EXCHANGE_ALG };
}

function parse(text: string, where: string): JWK[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not valid JSON`);
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${where} holds no keys (expected {"keys": [...]})`);
  for (const k of keys as JWK[]) {
    if (typeof k !== 'object' || k === null || k.kty !== 'EC' || k.crv !== 'P-384' || typeof k.d !== 'string' || typeof k.kid !== 'string') {
      throw new Error(`${where}: every key must be a private EC P-384 JWK with a kid`);
    }
  }
  return keys as JWK[];
}

/** The private keys, newest first; generates the data folder's key file on first use. */
export async function loadExchangeKeys(src: ExchangeKeySource): Promise<JWK[]> {
  if (src.jwksFile) return parse(readFileSync(src.jwksFile, 'utf8'), src.jwksFile);
  const path = exchangeKeyPath(src.dataDir);
  if (existsSync(path)) return parse(readFileSync(path, 'utf8'), path);
  const keys = [await newKey()];
  // Several processes starting together on a new folder: the first file written wins.
  if (!writePrivateFile(path, JSON.stringify({ keys }, null, 2) + '\n', { exclusive: true })) return parse(readFileSync(path, 'utf8'), path);
  return keys;
}

/** The public halves, as published. */
export function publicJwks(keys: readonly JWK[]): { keys: Record<string, unknown>[] } {
  return { keys: keys.map(({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg: alg ?? EXCHANGE_ALG, use: use ?? 'sig' })) };
}

/**
 * ExchangeKeys over the loaded keys. `issuer()` names this deployment's FHIR base, put in every
 * signature's protected header as `iss` so that a receiver can tell which partner signed.
 */
export async function exchangeKeys(keys: readonly JWK[], issuer: () => string): Promise<ExchangeKeys> {
  const current = keys[0]!;
  const signingKey = (await importJWK(current, EXCHANGE_ALG)) as CryptoKey;
  const published = publicJwks(keys);
  return {
    kid: () => current.kid!,
    jwks: () => published,
    async sign(payload, opts = {}) {
      const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
      const jws = await new CompactSign(bytes)
        .setProtectedHeader({ alg: EXCHANGE_ALG, kid: current.kid!, iss: issuer(), ...(opts.typ ? { typ: opts.typ } : {}) })
        .sign(signingKey);
      if (!opts.detached) return jws;
      const [header, , signature] = jws.split('.');
      return `${header}..${signature}`;
    },
  };
}

/** The key that signs client assertions (the same key: partners know it from the JWKS). */
export async function signingKey(keys: readonly JWK[]): Promise<{ key: CryptoKey; kid: string }> {
  return { key: (await importJWK(keys[0]!, EXCHANGE_ALG)) as CryptoKey, kid: keys[0]!.kid! };
}
