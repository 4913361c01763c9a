/**
 * Server configuration, read once from the environment and passed down explicitly. Nothing else
 * reads process.env.
 */
import { parseMailSetting, type MailSettings } from './mail/mail-settings.ts';
import { parseBookingPolicy } from './portal/scheduling/codes.ts';
import { parseConsentDefault, type ConsentDefault } from './exchange/consent/default-policy.ts';

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
  /**
   * Authorization and audit on the FHIR API (default on: deny by default). `CONTINUUM_AUTH=off`
   * exists only to measure what they cost; the server says so loudly at start-up.
   */
  auth: boolean;
  /** The bootstrap system client (client_credentials, client_secret_basic, `system/*.*`). */
  bootstrapClient?: { id: string; secret: string };
  /** Origins allowed to call the FHIR API from a browser (`*` for any); none by default. */
  corsOrigins: string[];
  /** Minutes of inactivity after which a user's session and tokens end (default 15). */
  idleMinutes: number;
  /** Seconds a node trusts a token it looked up before looking it up again (default 30). */
  tokenCacheSeconds: number;
  /** Audit chains (lanes) each process appends to at once, 1..16 (default 1, at a random lane). */
  auditLanes: number;
  /** Trust X-Forwarded-* from a TLS-terminating proxy in front. */
  trustProxy: boolean;
  /** Serve HTTPS directly from these PEM files. */
  tls?: { certFile: string; keyFile: string };
  /** Signing keys from the environment (JSON) or a file, instead of the data folder. */
  jwksJson?: string;
  jwksFile?: string;
  /** Data-encryption keys (base64, newest first) or a file of them, instead of the data folder's. */
  dataKeys?: string;
  dataKeyFile?: string;
  /** How mail leaves the server: console (default: printed, not sent), smtp(s)://..., file:<dir>. */
  mail: MailSettings;
  /** The From address of every message. */
  mailFrom: string;
  /** How e-prescriptions leave (CONTINUUM_ERX_SENDER): `outbox` (default: files in <dataDir>/erx-outbox) or `none` (left ready). */
  erxSender: 'outbox' | 'none';
  /** The exchange signing key (a private JWKS file, CONTINUUM_EXCHANGE_JWKS_FILE) instead of `<data>/secrets/exchange-key.json`. */
  exchangeJwksFile?: string;
  /**
   * Let the authorization server fetch partners' keys (jwks_uri) from loopback and private
   * addresses (CONTINUUM_EXCHANGE_PRIVATE_NETWORK=1): partners on one hospital network, or tests.
   */
  exchangePrivateNetwork?: boolean;
  /** Exchange with partners for a patient without a Consent (CONTINUUM_EXCHANGE_CONSENT): `opt-in` (default: nothing) or `opt-out`. */
  exchangeConsent: ConsentDefault;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const positive = (name: string, fallback: number, integer = false): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got '${raw}'`);
    }
    return n;
  };
  const int = (name: string, fallback: number): number => positive(name, fallback, true);
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
    auth: !['off', '0', 'false'].includes((env.CONTINUUM_AUTH ?? '').toLowerCase()),
    corsOrigins: (env.CONTINUUM_CORS_ORIGINS ?? '').split(',').map((o) => o.trim().replace(/\/$/, '')).filter(Boolean),
    idleMinutes: positive('CONTINUUM_IDLE_MINUTES', 15),
    tokenCacheSeconds: positive('CONTINUUM_TOKEN_CACHE_SECONDS', 30),
    auditLanes: int('CONTINUUM_AUDIT_LANES', 1),
    trustProxy: env.CONTINUUM_TRUST_PROXY === '1' || env.CONTINUUM_TRUST_PROXY === 'true',
    mail: parseMailSetting(env.CONTINUUM_MAIL),
    mailFrom: '',
    erxSender: env.CONTINUUM_ERX_SENDER === 'none' ? 'none' : 'outbox',
    exchangeConsent: parseConsentDefault(env),
  };
  if (env.CONTINUUM_ERX_SENDER && !['outbox', 'none'].includes(env.CONTINUUM_ERX_SENDER)) throw new Error(`CONTINUUM_ERX_SENDER must be outbox or none, got '${env.CONTINUUM_ERX_SENDER}'`);
  // Checked here so that a bad value stops the start; the booking operations read it when they run.
  parseBookingPolicy(env);
  if (config.auditLanes > 16) throw new Error(`CONTINUUM_AUDIT_LANES must be 1 to 16, got '${env.CONTINUUM_AUDIT_LANES}'`);
  if (env.CONTINUUM_BOOTSTRAP_CLIENT_ID || env.CONTINUUM_BOOTSTRAP_CLIENT_SECRET) {
    if (!env.CONTINUUM_BOOTSTRAP_CLIENT_ID || !env.CONTINUUM_BOOTSTRAP_CLIENT_SECRET) {
      throw new Error('CONTINUUM_BOOTSTRAP_CLIENT_ID and CONTINUUM_BOOTSTRAP_CLIENT_SECRET must be set together');
    }
    config.bootstrapClient = { id: env.CONTINUUM_BOOTSTRAP_CLIENT_ID, secret: env.CONTINUUM_BOOTSTRAP_CLIENT_SECRET };
  }
  if (env.CONTINUUM_TLS_CERT || env.CONTINUUM_TLS_KEY) {
    if (!env.CONTINUUM_TLS_CERT || !env.CONTINUUM_TLS_KEY) throw new Error('CONTINUUM_TLS_CERT and CONTINUUM_TLS_KEY must be set together');
    config.tls = { certFile: env.CONTINUUM_TLS_CERT, keyFile: env.CONTINUUM_TLS_KEY };
  }
  if (env.CONTINUUM_JWKS) config.jwksJson = env.CONTINUUM_JWKS;
  if (env.CONTINUUM_JWKS_FILE) config.jwksFile = env.CONTINUUM_JWKS_FILE;
  if (env.DATABASE_URL) config.databaseUrl = env.DATABASE_URL;
  if (env.CONTINUUM_BASE_URL) config.baseUrl = env.CONTINUUM_BASE_URL.replace(/\/$/, '');
  if (env.CONTINUUM_DATA_KEY) config.dataKeys = env.CONTINUUM_DATA_KEY;
  if (env.CONTINUUM_DATA_KEY_FILE) config.dataKeyFile = env.CONTINUUM_DATA_KEY_FILE;
  if (env.CONTINUUM_EXCHANGE_JWKS_FILE) config.exchangeJwksFile = env.CONTINUUM_EXCHANGE_JWKS_FILE;
  if (env.CONTINUUM_EXCHANGE_PRIVATE_NETWORK === '1' || env.CONTINUUM_EXCHANGE_PRIVATE_NETWORK === 'true') config.exchangePrivateNetwork = true;
  config.mailFrom = env.CONTINUUM_MAIL_FROM ?? `Continuum <no-reply@${hostOf(config.baseUrl)}>`;
  if (/[\r\n]/.test(config.mailFrom) || !config.mailFrom.includes('@')) throw new Error(`CONTINUUM_MAIL_FROM must be one address, as in 'Clinic <no-reply@clinic.example>'`);
  return config;
}

function hostOf(baseUrl: string | undefined): string {
  try {
    return baseUrl ? new URL(baseUrl).hostname || 'localhost' : 'localhost';
  } catch {
    return 'localhost';
  }
}
