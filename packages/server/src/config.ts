/**
 * Server configuration, read once from the environment and passed down explicitly. Nothing else
 * reads process.env.
 */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  poolSize: number;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /** Deepest accepted JSON nesting. */
  maxJsonDepth: number;
  /** Public base URL of the server (scheme://host:port); derived from the request when unset. */
  baseUrl?: string;
  /** The organization that owns resources written without another tenant context. */
  defaultTenant: string;
  demo: boolean;
  /** Run background jobs (reindexing) in this process; off (CONTINUUM_JOBS=0) leaves them to other nodes. */
  jobs: boolean;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got '${raw}'`);
    return n;
  };
  const config: Config = {
    port: int('PORT', 8080),
    host: env.HOST ?? '0.0.0.0',
    dataDir: env.CONTINUUM_DATA_DIR ?? './data',
    poolSize: int('CONTINUUM_DB_POOL', 20),
    maxBodyBytes: int('CONTINUUM_MAX_BODY_BYTES', 16 * 1024 * 1024),
    maxJsonDepth: int('CONTINUUM_MAX_JSON_DEPTH', 100),
    defaultTenant: env.CONTINUUM_TENANT ?? 'default',
    demo: env.CONTINUUM_DEMO !== '0',
    jobs: env.CONTINUUM_JOBS !== '0',
  };
  if (env.DATABASE_URL) config.databaseUrl = env.DATABASE_URL;
  if (env.CONTINUUM_BASE_URL) config.baseUrl = env.CONTINUUM_BASE_URL.replace(/\/$/, '');
  return config;
}
