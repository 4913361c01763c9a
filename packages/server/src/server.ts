/**
 * Starts a Continuum node: opens the database (running migrations, failing loudly), loads the
 * FHIR definitions, builds the HTTP app and listens. Returns handles so that tests and the CLI
 * can stop it cleanly.
 */
import type { FastifyInstance } from 'fastify';
import { loadDefinitions, SearchParamRegistry } from '@continuum/fhir';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { openStoreDatabase } from './store/open-store.ts';
import { StatisticsKeeper } from './db/statistics.ts';
import { buildApp } from './http/app.ts';
import { createIndexer } from './store/indexer.ts';

export interface RunningServer {
  app: FastifyInstance;
  db: Database;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, opts: { db?: Database; log?: (line: string) => void } = {}): Promise<RunningServer> {
  const db = opts.db ?? (await openStoreDatabase({ dataDir: config.dataDir, poolSize: config.poolSize, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) }));
  loadDefinitions();
  const indexer = createIndexer(SearchParamRegistry.r4());
  const statistics = new StatisticsKeeper(db, opts.log);
  void statistics.analyze();
  const app = buildApp({ db, indexer, config, writes: statistics, ...(opts.log ? { log: opts.log } : {}) });
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  return {
    app,
    db,
    url,
    async close() {
      await app.close();
      await statistics.settled();
      if (!opts.db) await db.close();
    },
  };
}
