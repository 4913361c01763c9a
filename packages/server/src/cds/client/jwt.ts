/**
 * The JWT Continuum sends to an outside CDS service (CDS Hooks 2.0, "Trusting CDS Clients"):
 * signed RS384 with the authorization server's newest signing key, `iss` = Continuum's origin,
 * `sub` = the client id the service knows Continuum by (`continuum`), `aud` = the service URL,
 * five minutes to live, a fresh `jti`, and `jku` pointing at Continuum's published JWKS.
 */
import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';

export const CDS_CLIENT_ID = 'continuum';

export async function cdsClientJwt(key: JWK, origin: string, serviceUrl: string, now: Date): Promise<string> {
  const { alg: _alg, use: _use, key_ops: _ops, ...material } = key;
  const privateKey = await importJWK(material, 'RS384');
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS384', typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}), jku: `${origin}/oauth/jwks` })
    .setIssuer(origin)
    .setSubject(CDS_CLIENT_ID)
    .setAudience(serviceUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .setJti(randomUUID())
    .sign(privateKey);
}
