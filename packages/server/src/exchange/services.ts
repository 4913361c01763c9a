/**
 * Builds this deployment's exchange services: its signing key (generated on first start into the
 * data folder, like the auth keys), the outbound client, the partner key verifier and the
 * partner directory. Implemented by the partners part.
 */
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { AuditSink } from '../auth/audit-sink.ts';
import { ExchangeError, type ExchangeServices } from './types.ts';

export async function buildExchangeServices(config: Config, _db: Database, audit: AuditSink): Promise<ExchangeServices> {
  const unavailable = (): never => {
    throw new ExchangeError('exchange is not configured', '');
  };
  return {
    audit,
    origin: config.baseUrl ?? `http://127.0.0.1:${config.port}`,
    client: { call: async () => unavailable() },
    keys: { sign: async () => unavailable(), jwks: () => ({ keys: [] }), kid: () => '' },
    verifier: { verify: async () => unavailable() },
    partners: () => ({ list: async () => [], get: async () => undefined, byInboundClient: async () => undefined }),
  };
}
