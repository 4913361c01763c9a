/**
 * CDS Hooks 2.0 client authentication for Continuum's services: an outside CDS client (another
 * EHR) may call `/cds-services/*` with a JWT it signed instead of a Continuum access token. The
 * client is a registered backend client (`continuum clients add --type backend --jwks-file F |
 * --jwks-uri U --scope "system/*.rs"`) whose client id is the JWT's `iss` (so `iss` is a plain identifier, not a URL). Checked: RS384 or
 * ES384, a signature by one of the client's registered keys (a `jku` header is only followed when
 * it is the registered JWKS URL), `aud` = the URL called, `exp` in the future and at most five
 * minutes after `iat`, and a `jti` not seen before (remembered in this process until the token
 * expires; see docs/cds-hooks.md for several nodes). The caller becomes a system principal with
 * the client's registered `system/` scopes, so the usual access rules apply.
 */
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Principal } from '../access/policy.ts';
import { parseScopes } from '../access/scopes.ts';
import { registeredScope, type ClientRegistry } from '../auth/clients.ts';

const ALGS = ['RS384', 'ES384'];

/** Looks like a JWT (three base64url parts), not an opaque access token. */
export const looksLikeJwt = (token: string): boolean => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

export class CdsClientAuth {
  private readonly seen = new Map<string, number>();
  private readonly remote = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly clients: ClientRegistry) {}

  /** The principal of a valid CDS client JWT presented at `url`, or undefined. */
  async principal(token: string, url: string, now: Date): Promise<Principal | undefined> {
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return undefined;
    }
    if (!iss) return undefined;
    const client = await this.clients.get(iss);
    if (!client || client.disabled || client.metadata.token_endpoint_auth_method !== 'private_key_jwt') return undefined;
    const jwks = client.metadata.jwks as { keys: Record<string, unknown>[] } | undefined;
    const jwksUri = client.metadata.jwks_uri;
    let keys: JWTVerifyGetKey;
    if (jwks) keys = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    else if (jwksUri) {
      keys = this.remote.get(jwksUri) ?? createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 3000 });
      this.remote.set(jwksUri, keys);
    } else return undefined;
    try {
      const { payload, protectedHeader } = await jwtVerify(token, keys, { algorithms: ALGS, audience: url, issuer: iss, currentDate: now, requiredClaims: ['exp', 'iat', 'jti'] });
      if (protectedHeader.jku !== undefined && protectedHeader.jku !== jwksUri) return undefined;
      if (payload.exp! - payload.iat! > 300) return undefined;
      const t = now.getTime();
      for (const [k, exp] of this.seen) if (exp < t) this.seen.delete(k);
      const key = `${iss} ${payload.jti}`;
      if (this.seen.has(key)) return undefined;
      this.seen.set(key, payload.exp! * 1000);
    } catch {
      return undefined;
    }
    return { kind: 'system', tenant: client.tenantId, clientId: client.clientId, roles: [], scopes: parseScopes(registeredScope(client)).rules.filter((r) => r.context === 'system'), securityRights: [], breakGlass: [] };
  }
}
