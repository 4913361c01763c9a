/**
 * Cross-organization exchange's non-FHIR HTTP endpoints (the public exchange keys, incoming
 * signed notifications), registered on the Fastify app when auth is on.
 */
import type { FastifyInstance } from 'fastify';
import type { AuditSink } from '../auth/audit-sink.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { IndexerSource } from '../search-params/provider.ts';
import type { ExchangeServices } from './types.ts';
import { registerPartners } from './partners/jwks-route.ts';

export interface ExchangeHttpDeps {
  db: Database;
  indexers: IndexerSource;
  config: Config;
  audit: AuditSink;
  exchange: ExchangeServices;
}

/** Each part adds its own registration here. */
export function registerExchange(app: FastifyInstance, deps: ExchangeHttpDeps): void {
  registerPartners(app, deps);
}
