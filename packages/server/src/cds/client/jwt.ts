/**
 * How Continuum proves itself to an outside CDS service (CDS Hooks 2.0, "Trusting CDS Clients"):
 * a JWT signed RS384 (the spec allows RS384 or ES384) with a key of its own, kept in
 * `<data folder>/secrets/cds-client-key.json` (generated on first use, mode 0600; several nodes
 * must share it, like the auth keys) and published at `GET /cds-client/jwks`. The JWT carries
 * `iss` = Continuum's origin, `sub` = `continuum`, `aud` = the service URL, five minutes to live,
 * a fresh `jti`, and `jku` pointing at the published JWKS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { writePrivateFile } from '../../secrets/private-file.ts';

export const CDS_CLIENT_ID = 'continuum';
export const CDS_JWKS_PATH = '/cds-client/jwks';

/** The private signing key, read from the data folder or generated there (first writer wins). */
export async function loadCdsClientKey(dataDir: string): Promise<JWK> {
  const path = join(dataDir, 'secrets', 'cds-client-key.json');
  if (!existsSync(path)) {
    const { privateKey } = await generateKeyPair('RS384', { modulusLength: 2048, extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: randomBytes(12).toString('base64url'), alg: 'RS384', use: 'sig' };
    writePrivateFile(path, JSON.stringify(jwk, null, 2) + '\n', { exclusive: true });
  }
  return JSON.parse(readFileSync(path, 'utf8')) as JWK;
}

/** The public half, as published. */
export function publicJwks(key: JWK): { keys: JWK[] } {
  const { kty, n, e, kid, alg, use } = key;
  return { keys: [{ kty, n, e, kid, alg, use } as JWK] };
}

export async function cdsClientJwt(key: JWK, origin: string, serviceUrl: string, now: Date): Promise<string> {
  const privateKey = await importJWK(key, 'RS384');
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS384', typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}), jku: `${origin}${CDS_JWKS_PATH}` })
    .setIssuer(origin)
    .setSubject(CDS_CLIENT_ID)
    .setAudience(serviceUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .setJti(randomUUID())
    .sign(privateKey);
}
