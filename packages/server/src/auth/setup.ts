/**
 * Builds the security side of a node: signing keys, the data keys that seal stored secrets (and
 * the start-up step that re-seals TOTP secrets under the newest one), the mail sender, the client
 * registry (and the bootstrap client), the authorization server, the bearer-token verifier, and
 * the revocation fan-out between nodes (NOTIFY on PostgreSQL; one process on PGlite).
 */
import type { AccountRecord } from '../identity/users-repository.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { AuditSink } from './audit-sink.ts';
import type { AuditReader } from '../api/interactions/audit.ts';
import { ACCOUNT_CHANNEL } from '../identity/types.ts';
import { BearerVerifier, PROXY_REVOKE_CHANNEL, REVOKE_CHANNEL, sessionTtlSeconds, type ProxyPatients } from './bearer.ts';
import { ClientRegistry } from './clients.ts';
import { ensureFirstPartyClients } from './web-client.ts';
import { loadKeys } from './keys.ts';
import { resealTotpSecrets } from '../identity/totp-reseal.ts';
import { createMailSender, type MailSender } from '../mail/mail-sender.ts';
import { describeMailSetting } from '../mail/mail-settings.ts';
import { loadDataKeys } from '../secrets/data-keys.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { sweepExpired } from './adapter.ts';
import { AuthServer, type PatientChoice } from './routes.ts';

export interface Auth {
  server: AuthServer;
  bearer: BearerVerifier;
  clients: ClientRegistry;
  audit: AuditSink;
  /** Seals and opens the secrets stored in the database. */
  secrets: SecretBox;
  mail: MailSender;
  /** The trail as the AuditEvent view reads it. */
  reader: AuditReader;
  /** A patient withdrew a proxy's access: every node forgets the principals of that patient's proxies. */
  forgetProxiesOf: (tenant: string, patient: string) => void;
  close(): Promise<void>;
}

export interface AuthSetupDeps {
  db: Database;
  config: Config;
  audit: AuditSink & AuditReader;
  proxyPatients: ProxyPatients;
  findPatients: (account: AccountRecord, text: string) => Promise<PatientChoice[]>;
  /** Operator messages (default: stderr). */
  log?: (line: string) => void;
}

const SWEEP_MS = 10 * 60 * 1000;

export async function setupAuth(deps: AuthSetupDeps): Promise<Auth> {
  const { db, config } = deps;
  const keys = await loadKeys({ dataDir: config.dataDir, ...(config.jwksJson ? { jwksJson: config.jwksJson } : {}), ...(config.jwksFile ? { jwksFile: config.jwksFile } : {}) });
  const log = deps.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const secrets = new SecretBox(loadDataKeys({ dataDir: config.dataDir, ...(config.dataKeys ? { keys: config.dataKeys } : {}), ...(config.dataKeyFile ? { keyFile: config.dataKeyFile } : {}) }));
  const sealed = await resealTotpSecrets(db, secrets);
  if (sealed.resealed > 0) log(`data key: sealed ${sealed.resealed} stored TOTP secret(s) under key ${secrets.currentKeyId}`);
  if (sealed.unreadable > 0) log(`WARNING: ${sealed.unreadable} stored TOTP secret(s) are sealed under a data key this node does not have: those users cannot sign in with MFA until the key is restored (CONTINUUM_DATA_KEY, CONTINUUM_DATA_KEY_FILE or <data>/secrets/data-keys) or an admin resets their MFA`);
  const mail = createMailSender(config.mail, { from: config.mailFrom });
  if (config.mail.transport === 'console') log('mail: CONTINUUM_MAIL is console: password-reset links are printed here, not sent (set CONTINUUM_MAIL to a relay for real users)');
  else if (!config.baseUrl) log(`mail: set CONTINUUM_BASE_URL: without it, password-reset links are not mailed (${describeMailSetting(config.mail)}) and the forgot-password page is off`);
  const clients = new ClientRegistry(db);
  if (config.bootstrapClient) await clients.ensureBootstrap(config.defaultTenant, config.bootstrapClient.id, config.bootstrapClient.secret);
  await ensureFirstPartyClients(clients, config.defaultTenant);

  // The verifier asks the authorization server (created next) for the provider of an origin.
  const bearer: BearerVerifier = new BearerVerifier({
    db,
    provider: (origin) => server.providerFor(origin),
    clients,
    idleMs: config.idleMinutes * 60_000,
    cacheMs: config.tokenCacheSeconds * 1000,
    proxyPatients: deps.proxyPatients,
  });
  // Revocations reach the other nodes as NOTIFY payloads (token ids are opaque random values).
  const onRevoke = (ids: readonly string[]): void => {
    bearer.forget(ids);
    if (db.dialect === 'postgres') {
      for (let i = 0; i < ids.length; i += 50) {
        void db.query(`SELECT pg_notify($1, $2)`, [REVOKE_CHANNEL, ids.slice(i, i + 50).join(' ')]).catch(() => undefined);
      }
    }
  };
  const server = new AuthServer({
    db,
    clients,
    keys,
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    sessionTtl: sessionTtlSeconds(config.idleMinutes * 60_000),
    secureCookies: config.tls !== undefined || (config.baseUrl ?? '').startsWith('https://'),
    trustProxy: config.trustProxy,
    ...(config.exchangePrivateNetwork ? { privateNetworkFetch: true } : {}),
    audit: deps.audit,
    secrets,
    mail,
    log,
    defaultTenant: config.defaultTenant,
    findPatients: deps.findPatients,
    proxyPatients: deps.proxyPatients,
    onRevoke,
  });
  server.onBreakGlass = (userId) => bearer.forgetUser(userId);
  const unlisten = db.dialect === 'postgres' ? await db.listen(REVOKE_CHANNEL, (payload) => bearer.forget(payload.split(' ').filter(Boolean)), () => bearer.clear()) : undefined;
  // `continuum users` (another process) changed an account: its cached principals go at once.
  const unlistenAccounts = db.dialect === 'postgres' ? await db.listen(ACCOUNT_CHANNEL, (payload) => bearer.forgetUser(payload.trim()), () => bearer.clear()) : undefined;
  const unlistenProxies = db.dialect === 'postgres'
    ? await db.listen(PROXY_REVOKE_CHANNEL, (payload) => {
        const [tenant, patient] = payload.split(' ');
        if (tenant && patient) bearer.forgetProxiesOf(tenant, patient);
      }, () => bearer.clear())
    : undefined;
  const forgetProxiesOf = (tenant: string, patient: string): void => {
    bearer.forgetProxiesOf(tenant, patient);
    if (db.dialect === 'postgres') void db.query(`SELECT pg_notify($1, $2)`, [PROXY_REVOKE_CHANNEL, `${tenant} ${patient}`]).catch(() => undefined);
  };
  const sweeper = setInterval(() => void sweepExpired(db).catch(() => undefined), SWEEP_MS);
  sweeper.unref();
  return {
    server,
    bearer,
    clients,
    audit: deps.audit,
    secrets,
    mail,
    reader: deps.audit,
    forgetProxiesOf,
    async close() {
      clearInterval(sweeper);
      await server.resets.settled();
      await unlisten?.();
      await unlistenAccounts?.();
      await unlistenProxies?.();
    },
  };
}
