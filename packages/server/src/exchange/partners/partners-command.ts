/**
 * `continuum partners add|list|disable|jwks`: the partner directory from the command line, in
 * the configured store (PGlite: while no server runs on the data folder). The operator's
 * equivalent of the admin operations `$add-partner`, `$partners` and `$disable-partner`.
 *
 *   partners add --name N --fhir-base URL --partner-client-id ID --our-client-id ID [--jwks-uri URL] [--tenant T]
 *   partners list [--tenant T]
 *   partners disable --id ORG_ID [--tenant T]
 *   partners jwks        this deployment's public exchange keys (what partners fetch)
 */
import type { Writable } from 'node:stream';
import { isOutcomeError } from '@continuum/fhir';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { SearchParamProvider } from '../../search-params/provider.ts';
import { openStoreDatabase } from '../../store/open-store.ts';
import { Repository } from '../../store/repository.ts';
import { readDirectory } from './directory.ts';
import { loadExchangeKeys, publicJwks } from './exchange-key.ts';
import { JWKS_PATH } from './jwks-route.ts';
import { addPartner, disablePartner } from './partner-admin.ts';

export const PARTNERS_USAGE_LINES = [
  'partners add --name N --fhir-base URL --partner-client-id ID --our-client-id ID [--jwks-uri URL]',
  'partners list | disable --id ORG_ID   [--tenant T]',
  'partners jwks',
];

export interface PartnersIo {
  stdout: Writable;
  stderr: Writable;
}

class UsageError extends Error {}

const OPTIONS: Record<string, readonly string[]> = {
  add: ['name', 'fhir-base', 'partner-client-id', 'our-client-id', 'jwks-uri', 'tenant'],
  list: ['tenant'],
  disable: ['id', 'tenant'],
  jwks: [],
};

function parse(argv: readonly string[]): { action: string; options: Map<string, string> } {
  const [action, ...rest] = argv;
  const known = action !== undefined ? OPTIONS[action] : undefined;
  if (!known) throw new UsageError(`unknown action '${action ?? ''}'`);
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const a = rest[i]!;
    const value = rest[i + 1];
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument '${a}'`);
    if (!known.includes(a.slice(2))) throw new UsageError(`partners ${action} takes no --${a.slice(2)}`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${a} needs a value`);
    if (options.has(a.slice(2))) throw new UsageError(`${a} is given twice`);
    options.set(a.slice(2), value);
  }
  return { action: action!, options };
}

function required(options: Map<string, string>, name: string): string {
  const v = options.get(name);
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

async function run(action: string, options: Map<string, string>, repo: Repository, config: Config, io: PartnersIo): Promise<number> {
  switch (action) {
    case 'add': {
      const jwksUri = options.get('jwks-uri');
      const added = await addPartner(repo, {
        name: required(options, 'name'),
        fhirBase: required(options, 'fhir-base'),
        partnerClientId: required(options, 'partner-client-id'),
        ourClientId: required(options, 'our-client-id'),
        ...(jwksUri ? { jwksUri } : {}),
      });
      const origin = config.baseUrl ?? '<this server\'s public URL>';
      io.stdout.write(
        `Added partner ${added.partner.name}: Organization/${added.organization.id}, Endpoint/${added.endpoint.id}\n` +
          `  its client here: ${added.partner.inboundClientId} (keys from ${added.partner.jwksUri})\n` +
          `Send the partner, so that it adds this deployment:\n` +
          `  fhirBase:  ${origin}/fhir\n  jwksUri:   ${origin}${JWKS_PATH}\n  client id: ${added.partner.outboundClientId} (its --partner-client-id)\n`,
      );
      return 0;
    }
    case 'list': {
      const entries = await readDirectory(repo);
      for (const e of entries) {
        const p = e.partner;
        io.stdout.write(`${e.organization.id}\t${e.organization.name ?? ''}\t${p ? `${p.active ? 'active' : 'disabled'}\t${p.fhirBase}\tours ${p.outboundClientId}\ttheirs ${p.inboundClientId}` : 'incomplete (no usable Endpoint)'}\n`);
      }
      if (entries.length === 0) io.stdout.write('no partners\n');
      return 0;
    }
    case 'disable': {
      const { partner } = await disablePartner(repo, required(options, 'id'));
      io.stdout.write(`disabled partner ${partner.name} (Organization/${partner.organizationId}): its client ${partner.inboundClientId} no longer gets tokens here\n`);
      return 0;
    }
  }
  throw new UsageError(`unknown action '${action}'`);
}

export async function partnersCommand(argv: readonly string[], deps: { db?: Database; config: Config; io: PartnersIo }): Promise<number> {
  const { io, config } = deps;
  const usage = (message: string): number => {
    io.stderr.write(`continuum partners: ${message}\nUsage: continuum ${PARTNERS_USAGE_LINES.join('\n       continuum ')}\n`);
    return 2;
  };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    return usage((err as Error).message);
  }
  if (parsed.action === 'jwks') {
    const keys = await loadExchangeKeys({ dataDir: config.dataDir, ...(config.exchangeJwksFile ? { jwksFile: config.exchangeJwksFile } : {}) });
    io.stdout.write(JSON.stringify(publicJwks(keys), null, 2) + '\n');
    return 0;
  }
  const db = deps.db ?? (await openStoreDatabase({ dataDir: config.dataDir, poolSize: 2, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) }));
  try {
    const tenant = parsed.options.get('tenant') ?? config.defaultTenant;
    const repo = new Repository({ db, indexer: await new SearchParamProvider(db).indexerFor(tenant) }, tenant);
    return await run(parsed.action, parsed.options, repo, config, io);
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    if (isOutcomeError(err)) {
      io.stderr.write(`continuum partners: ${err.outcome.issue?.[0]?.diagnostics ?? 'refused'}\n`);
      return 1;
    }
    throw err;
  } finally {
    if (!deps.db) await db.close();
  }
}

export async function runPartnersCommand(argv: readonly string[], config: Config, io: PartnersIo): Promise<number> {
  return partnersCommand(argv, { config, io });
}
