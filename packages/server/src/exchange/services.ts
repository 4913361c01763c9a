/**
 * Builds this deployment's exchange services: its signing key (generated on first start into the
 * data folder, like the auth keys; exchange/partners/exchange-key.ts), the outbound client, the
 * partner key verifier and the partner directory.
 *
 * `origin` is CONTINUUM_BASE_URL when set; otherwise the address the server listens on, filled
 * in once it listens (exchange/partners/jwks-route.ts). Signatures name `<origin>/fhir` as `iss`.
 */
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { AuditSink } from '../auth/audit-sink.ts';
import type { ExchangeServices } from './types.ts';
import { RepositoryPartnerDirectory } from './partners/directory.ts';
import { PartnerClient } from './partners/exchange-client.ts';
import { exchangeKeys, loadExchangeKeys, signingKey } from './partners/exchange-key.ts';
import { RemoteKeysVerifier } from './partners/partner-verifier.ts';

export async function buildExchangeServices(config: Config, _db: Database, audit: AuditSink): Promise<ExchangeServices> {
  const keys = await loadExchangeKeys({ dataDir: config.dataDir, ...(config.exchangeJwksFile ? { jwksFile: config.exchangeJwksFile } : {}) });
  const services: ExchangeServices = {
    audit,
    consentDefault: config.exchangeConsent,
    origin: config.baseUrl ?? `http://127.0.0.1:${config.port}`,
    client: new PartnerClient({ signingKey: await signingKey(keys) }),
    keys: await exchangeKeys(keys, () => `${services.origin}/fhir`),
    verifier: new RemoteKeysVerifier(),
    partners: (repo) => new RepositoryPartnerDirectory(repo),
  };
  return services;
}
