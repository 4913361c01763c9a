/**
 * `continuum clients add|list|disable|enable`: registers and manages OAuth clients (SMART apps
 * and backend services) in the configured store.
 *
 *   clients add --name NAME --type public|confidential|backend --scope "SCOPES"
 *               [--redirect-uri URI]... [--jwks-file FILE | --jwks-uri URL] [--id ID] [--tenant T]
 *   clients list [--tenant T]
 *   clients disable ID [--tenant T]
 *   clients enable ID [--tenant T]
 *
 * A confidential client's secret is printed once; it is not shown again.
 */
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { openStoreDatabase } from '../store/open-store.ts';
import { isSmartScope } from '../access/scopes.ts';
import { ClientError, ClientRegistry, OIDC_SCOPES, registeredScope, type ClientAuthMethod, type NewClient } from './clients.ts';

export const CLIENTS_USAGE_LINES = [
  'clients add --name NAME --type public|confidential|backend --scope "SCOPES" [--redirect-uri URI]... [--jwks-file F | --jwks-uri URL] [--id ID]',
  'clients list | disable ID | enable ID   [--tenant T]',
];

export interface ClientsIo {
  stdout: Writable;
  stderr: Writable;
}

class UsageError extends Error {}

interface Parsed {
  action: 'add' | 'list' | 'disable' | 'enable';
  id?: string;
  options: Map<string, string[]>;
}

function parse(argv: readonly string[]): Parsed {
  const [action, ...rest] = argv;
  if (action !== 'add' && action !== 'list' && action !== 'disable' && action !== 'enable') throw new UsageError(`unknown action '${action ?? ''}'`);
  const options = new Map<string, string[]>();
  let id: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--')) {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${a} needs a value`);
      options.set(a.slice(2), [...(options.get(a.slice(2)) ?? []), value]);
      i++;
    } else if (id === undefined) id = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  const known = new Set(['name', 'type', 'scope', 'redirect-uri', 'jwks-file', 'jwks-uri', 'id', 'tenant']);
  for (const k of options.keys()) if (!known.has(k)) throw new UsageError(`unknown option --${k}`);
  return { action, ...(id !== undefined ? { id } : {}), options };
}

const one = (p: Parsed, name: string): string | undefined => p.options.get(name)?.[0];

function newClient(p: Parsed, tenant: string): NewClient {
  const name = one(p, 'name');
  const type = one(p, 'type');
  const scope = one(p, 'scope');
  if (!name) throw new UsageError('--name is required');
  if (!scope) throw new UsageError('--scope is required');
  const auth: ClientAuthMethod | undefined = type === 'public' ? 'none' : type === 'confidential' ? 'client_secret_basic' : type === 'backend' ? 'private_key_jwt' : undefined;
  if (!auth) throw new UsageError('--type must be public, confidential or backend');
  const bad = scope.split(' ').filter((s) => s && !isSmartScope(s) && !OIDC_SCOPES.includes(s));
  if (bad.length) throw new UsageError(`not SMART scopes: ${bad.join(', ')}`);
  const jwksFile = one(p, 'jwks-file');
  let jwks: NewClient['jwks'];
  if (jwksFile) {
    try {
      jwks = JSON.parse(readFileSync(jwksFile, 'utf8')) as NewClient['jwks'];
    } catch {
      throw new UsageError(`${jwksFile} is not a readable JWKS (JSON with "keys")`);
    }
    if (!Array.isArray(jwks?.keys) || jwks.keys.some((k) => 'd' in k)) throw new UsageError(`${jwksFile} must hold public keys only, as { "keys": [...] }`);
  }
  const jwksUri = one(p, 'jwks-uri');
  const id = one(p, 'id');
  return {
    tenantId: tenant,
    name,
    auth,
    scope,
    redirectUris: p.options.get('redirect-uri') ?? [],
    ...(jwks ? { jwks } : {}),
    ...(jwksUri ? { jwksUri } : {}),
    ...(id ? { clientId: id } : {}),
  };
}

export async function clientsCommand(argv: readonly string[], deps: { db: Database; tenant: string; io: ClientsIo }): Promise<number> {
  const { io } = deps;
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.stderr.write(`continuum clients: ${(err as Error).message}\nUsage: continuum ${CLIENTS_USAGE_LINES.join('\n       continuum ')}\n`);
    return 2;
  }
  const tenant = one(parsed, 'tenant') ?? deps.tenant;
  const registry = new ClientRegistry(deps.db);
  try {
    switch (parsed.action) {
      case 'add': {
        const { client, secret } = await registry.add(newClient(parsed, tenant));
        io.stdout.write(`Registered ${client.name}\n  client_id: ${client.clientId}\n`);
        if (secret) io.stdout.write(`  client_secret: ${secret}\n  (shown once: store it in the app's secret store now)\n`);
        return 0;
      }
      case 'list': {
        const list = await registry.list(tenant);
        for (const c of list) {
          io.stdout.write(`${c.clientId}\t${c.name}\t${String(c.metadata.token_endpoint_auth_method)}\t${c.disabled ? 'disabled' : 'active'}\t${registeredScope(c)}\n`);
        }
        if (list.length === 0) io.stdout.write('no clients registered\n');
        return 0;
      }
      case 'disable':
      case 'enable': {
        if (!parsed.id) throw new UsageError(`clients ${parsed.action} needs a client id`);
        const ok = await registry.setDisabled(tenant, parsed.id, parsed.action === 'disable');
        if (!ok) {
          io.stderr.write(`continuum clients: no client '${parsed.id}' in tenant '${tenant}'\n`);
          return 1;
        }
        io.stdout.write(`${parsed.id} ${parsed.action}d\n`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`continuum clients: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ClientError) {
      io.stderr.write(`continuum clients: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

export async function runClientsCommand(argv: readonly string[], config: Config, io: ClientsIo): Promise<number> {
  const db = await openStoreDatabase({ dataDir: config.dataDir, poolSize: 2, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    return await clientsCommand(argv, { db, tenant: config.defaultTenant, io });
  } finally {
    await db.close();
  }
}
