/**
 * Checks a partner's signatures against the keys the partner publishes (its jwks_uri, normally
 * `<origin>/exchange/jwks.json`). jose's remote key set keeps the keys for ten minutes and
 * fetches them again when a signature names a kid it does not know (at most every 30 s), so a
 * partner's key rotation is followed without a restart. A detached JWS (`header..signature`) is
 * checked over the payload given beside it.
 */
import { compactVerify, createRemoteJWKSet, errors } from 'jose';
import { ExchangeError, type Partner, type PartnerVerifier } from '../types.ts';

const ALGORITHMS = ['ES384', 'RS384'];
type KeySet = ReturnType<typeof createRemoteJWKSet>;

export class RemoteKeysVerifier implements PartnerVerifier {
  private readonly sets = new Map<string, KeySet>();

  async verify(partner: Partner, jws: string, detachedPayload?: string | Uint8Array): Promise<Uint8Array> {
    const parts = typeof jws === 'string' ? jws.split('.') : [];
    if (parts.length !== 3) throw new ExchangeError(`not a compact JWS (from ${partner.name})`, partner.name);
    let compact = jws;
    if (parts[1] === '') {
      if (detachedPayload === undefined) throw new ExchangeError(`a detached JWS needs its payload (from ${partner.name})`, partner.name);
      const bytes = typeof detachedPayload === 'string' ? new TextEncoder().encode(detachedPayload) : detachedPayload;
      compact = `${parts[0]}.${Buffer.from(bytes).toString('base64url')}.${parts[2]}`;
    }
    try {
      const { payload } = await compactVerify(compact, this.keySet(partner.jwksUri), { algorithms: ALGORITHMS });
      return payload;
    } catch (err) {
      const why =
        err instanceof errors.JWSSignatureVerificationFailed ? 'the signature does not verify'
        : err instanceof errors.JWKSNoMatchingKey ? 'no published key matches'
        : err instanceof errors.JWKSTimeout ? 'its keys could not be fetched in time'
        : (err as Error).message;
      throw new ExchangeError(`signature from ${partner.name} refused: ${why}`, partner.name);
    }
  }

  private keySet(uri: string): KeySet {
    let set = this.sets.get(uri);
    if (!set) {
      set = createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
      this.sets.set(uri, set);
    }
    return set;
  }
}
