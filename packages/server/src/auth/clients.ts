/**
 * Registered OAuth clients (SMART apps, backend services, the bootstrap client), in the
 * `oauth_client` table. oidc-provider reads a client's metadata through `metadata()`; the rest of
 * the server asks which tenant a client acts in. Every value is a bound parameter.
 *
 * Kinds of client, by how they authenticate at the token endpoint:
 * - public apps (`none`): browser or native SMART apps, authorization code with PKCE S256;
 * - confidential apps (`client_secret_basic`): server-side SMART apps, and the bootstrap client;
 * - backend services (`private_key_jwt`, RS384 or ES384): client_credentials with a signed
 *   assertion, the key given inline (`jwks`) or by URL (`jwks_uri`).
 */
import { randomBytes } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import type { Queryable } from '../db/database.ts';

export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'private_key_jwt';

export interface ClientRecord {
  clientId: string;
  tenantId: string;
  name: string;
  metadata: AdapterPayload;
  disabled: boolean;
  createdAt: Date;
}

export interface NewClient {
  clientId?: string;
  tenantId: string;
  name: string;
  auth: ClientAuthMethod;
  /** Apps: where the authorization code is sent. Backend services have none. */
  redirectUris?: string[];
  /** The most the client may ask for, in SMART scopes (e.g. `patient/*.rs launch/patient openid fhirUser`). */
  scope: string;
  /** private_key_jwt: the public keys inline. */
  jwks?: { keys: Record<string, unknown>[] };
  /** private_key_jwt: where the public keys are fetched. */
  jwksUri?: string;
  /** client_secret_basic: a given secret (else one is generated). */
  secret?: string;
  /** Continuum's own metadata beside the OAuth fields (e.g. `continuum_partner`: an exchange partner's Organization id). */
  extra?: Record<string, string>;
}

export class ClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientError';
  }
}

const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;
/** Scopes that are not SMART resource scopes; the authorization server knows every one. */
export const OIDC_SCOPES = ['openid', 'fhirUser', 'profile', 'offline_access', 'online_access', 'launch', 'launch/patient', 'launch/encounter'];
const OIDC_SCOPE_SET = new Set(OIDC_SCOPES);

/** The SMART scopes a client was registered with. */
export function registeredScope(c: ClientRecord): string {
  return typeof c.metadata.smart_scope === 'string' ? c.metadata.smart_scope : '';
}

interface Row {
  client_id: string;
  tenant_id: string;
  name: string;
  metadata: AdapterPayload | string;
  disabled: boolean;
  created_at: Date | string;
}

function toRecord(r: Row): ClientRecord {
  return {
    clientId: r.client_id,
    tenantId: r.tenant_id,
    name: r.name,
    metadata: typeof r.metadata === 'string' ? (JSON.parse(r.metadata) as AdapterPayload) : r.metadata,
    disabled: r.disabled,
    createdAt: new Date(r.created_at),
  };
}

/** The OAuth metadata oidc-provider gets for a new client, after checking the input is coherent. */
export function clientMetadata(c: NewClient, clientId: string, secret: string | undefined): AdapterPayload {
  const redirectUris = c.redirectUris ?? [];
  for (const uri of redirectUris) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new ClientError(`redirect URI '${uri}' is not an absolute URL`);
    }
    if (url.hash) throw new ClientError(`redirect URI '${uri}' must not have a fragment`);
    const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback) && !/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) {
      throw new ClientError(`redirect URI '${uri}' must use https (http only on loopback, or a private-use scheme)`);
    }
  }
  for (const k of Object.keys(c.extra ?? {})) if (!k.startsWith('continuum_')) throw new ClientError(`extra client metadata must be named continuum_*, not '${k}'`);
  const backend = c.auth === 'private_key_jwt';
  if (backend && !c.jwks && !c.jwksUri) throw new ClientError('a private_key_jwt client needs its public keys: --jwks or --jwks-uri');
  if (!backend && (c.jwks || c.jwksUri)) throw new ClientError('public keys are only used by private_key_jwt clients');
  if (c.auth === 'none' && redirectUris.length === 0) throw new ClientError('a public app needs at least one redirect URI');
  const grantTypes = redirectUris.length > 0 ? ['authorization_code', 'refresh_token'] : [];
  if (c.auth !== 'none') grantTypes.push('client_credentials');
  const metadata: AdapterPayload = {
    client_id: clientId,
    client_name: c.name,
    redirect_uris: redirectUris,
    grant_types: grantTypes,
    response_types: redirectUris.length > 0 ? ['code'] : [],
    token_endpoint_auth_method: c.auth,
    // oidc-provider knows only the OpenID scopes; the SMART resource scopes it cannot list are
    // kept beside them and applied by the resource-server policy (provider.ts).
    scope: c.scope.split(' ').filter((s) => OIDC_SCOPE_SET.has(s)).join(' ') || undefined,
    smart_scope: c.scope,
    ...c.extra,
  };
  if (secret !== undefined) metadata.client_secret = secret;
  if (backend) {
    if (c.jwks) metadata.jwks = c.jwks;
    if (c.jwksUri) metadata.jwks_uri = c.jwksUri;
  }
  // An authorization-code app gets an id_token signed like the rest of the server's tokens.
  if (redirectUris.length > 0) metadata.id_token_signed_response_alg = 'RS256';
  return JSON.parse(JSON.stringify(metadata)) as AdapterPayload;
}

export class ClientRegistry {
  constructor(private readonly db: Queryable) {}

  /** Registers a client; returns it with its secret (shown once) when it has one. */
  async add(c: NewClient, now: Date = new Date()): Promise<{ client: ClientRecord; secret?: string }> {
    const clientId = c.clientId ?? `app-${randomBytes(9).toString('base64url')}`;
    if (!CLIENT_ID.test(clientId)) throw new ClientError(`client id '${clientId}' may use letters, digits and . _ ~ - only (1 to 128)`);
    const secret = c.auth === 'client_secret_basic' ? (c.secret ?? randomBytes(32).toString('base64url')) : undefined;
    if (secret !== undefined && secret.length < 32) throw new ClientError('a client secret must be at least 32 characters');
    const metadata = clientMetadata(c, clientId, secret);
    const { rows } = await this.db.query<Row>(
      `INSERT INTO oauth_client (client_id, tenant_id, name, metadata, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (client_id) DO NOTHING RETURNING client_id, tenant_id, name, metadata, disabled, created_at`,
      [clientId, c.tenantId, c.name, JSON.stringify(metadata), now],
    );
    if (!rows[0]) throw new ClientError(`a client '${clientId}' is already registered`);
    return { client: toRecord(rows[0]), ...(secret !== undefined ? { secret } : {}) };
  }

  /**
   * Registers or refreshes the bootstrap client from the environment: a confidential system
   * client (client_credentials, client_secret_basic, scope `system/*.*`) in `tenantId`.
   */
  async ensureBootstrap(tenantId: string, clientId: string, secret: string, now: Date = new Date()): Promise<void> {
    if (!CLIENT_ID.test(clientId)) throw new ClientError('CONTINUUM_BOOTSTRAP_CLIENT_ID may use letters, digits and . _ ~ - only');
    if (secret.length < 16) throw new ClientError('CONTINUUM_BOOTSTRAP_CLIENT_SECRET must be at least 16 characters');
    const metadata = clientMetadata({ tenantId, name: 'Bootstrap system client', auth: 'client_secret_basic', scope: 'system/*.*' }, clientId, secret);
    await this.db.query(
      `INSERT INTO oauth_client (client_id, tenant_id, name, metadata, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (client_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, metadata = EXCLUDED.metadata, disabled = false, updated_at = EXCLUDED.updated_at`,
      [clientId, tenantId, 'Bootstrap system client', JSON.stringify(metadata), now],
    );
  }

  async get(clientId: string): Promise<ClientRecord | undefined> {
    if (!CLIENT_ID.test(clientId)) return undefined;
    const { rows } = await this.db.query<Row>(
      `SELECT client_id, tenant_id, name, metadata, disabled, created_at FROM oauth_client WHERE client_id = $1`,
      [clientId],
      { name: 'oauth_client_get' },
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** What oidc-provider sees: nothing for an unknown or disabled client. */
  async metadata(clientId: string): Promise<AdapterPayload | undefined> {
    const c = await this.get(clientId);
    if (!c || c.disabled) return undefined;
    const { smart_scope: _smart, ...metadata } = c.metadata;
    return metadata as AdapterPayload;
  }

  async list(tenantId: string): Promise<ClientRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT client_id, tenant_id, name, metadata, disabled, created_at FROM oauth_client WHERE tenant_id = $1 ORDER BY created_at, client_id`,
      [tenantId],
    );
    return rows.map(toRecord);
  }

  async setDisabled(tenantId: string, clientId: string, disabled: boolean, now: Date = new Date()): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE oauth_client SET disabled = $3, updated_at = $4 WHERE tenant_id = $1 AND client_id = $2`,
      [tenantId, clientId, disabled, now],
    );
    return rowCount === 1;
  }
}
