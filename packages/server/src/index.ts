/** Public surface of the server package, for tests, benchmarks and embedding. */
export { configFromEnv, type Config } from './config.ts';
export { openDatabase } from './db/open.ts';
export { openStoreDatabase } from './store/open-store.ts';
export type { Database, Queryable } from './db/database.ts';
export { startServer, type RunningServer } from './server.ts';
export { buildApp } from './http/app.ts';
export { createIndexer } from './store/indexer.ts';
export { Repository } from './store/repository.ts';
