/**
 * `continuum cds add|list|remove`: registers outside CDS Hooks services for the CDS client, as
 * FHIR Endpoints (client/endpoints.ts) written through the FHIR API's own router, in the
 * configured store. The operator's equivalent of an admin POSTing an Endpoint.
 *
 *   cds add DISCOVERY-URL [--name NAME] [--force] [--tenant T]   (checks the discovery document unless --force)
 *   cds list [--tenant T]
 *   cds remove ENDPOINT-ID [--tenant T]
 */
import type { Writable } from 'node:stream';
import type { Bundle, Endpoint } from '@medplum/fhirtypes';
import { isOutcomeError } from '@continuum/fhir';
import type { Config } from '../config.ts';
import { route } from '../api/router.ts';
import { SearchParamProvider } from '../search-params/provider.ts';
import { openStoreDatabase } from '../store/open-store.ts';
import { Repository } from '../store/repository.ts';
import { CDS_ENDPOINT_QUERY, cdsEndpoint, parseDiscovery } from './client/endpoints.ts';

export const CDS_USAGE_LINES = ['cds add DISCOVERY-URL [--name NAME] [--force] | list | remove ENDPOINT-ID   [--tenant T]'];

export interface CdsIo {
  stdout: Writable;
  stderr: Writable;
  fetchJson?: (url: string) => Promise<unknown>;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

async function defaultFetch(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`answered ${res.status}`);
  return res.json();
}

export async function runCdsCommand(argv: readonly string[], config: Config, io: CdsIo): Promise<number> {
  const args = [...argv];
  const tenant = option(args, 'tenant') ?? config.defaultTenant;
  const name = option(args, 'name');
  const force = args.includes('--force');
  const [action, target, ...extra] = args.filter((a) => a !== '--force');
  const usage = (msg: string): number => {
    io.stderr.write(`continuum cds: ${msg}\nUsage: continuum ${CDS_USAGE_LINES[0]}\n`);
    return 2;
  };
  if (extra.length > 0) return usage(`unexpected '${extra.join(' ')}'`);
  if (action === 'add' && !target) return usage('add needs the discovery URL');
  if (action === 'remove' && !target) return usage('remove needs the Endpoint id');
  if (action !== 'add' && action !== 'list' && action !== 'remove') return usage(`unknown action '${action ?? ''}'`);
  if (action === 'add' && !/^https?:\/\/[^\s]+$/.test(target!)) return usage('the discovery URL must be http(s)://.../cds-services');

  if (action === 'add' && !force) {
    try {
      const services = parseDiscovery(await (io.fetchJson ?? defaultFetch)(target!));
      if (services.length === 0) throw new Error('lists no service for a hook Continuum calls');
      io.stdout.write(`${target} offers: ${services.map((s) => `${s.id} (${s.hook})`).join(', ')}\n`);
    } catch (err) {
      io.stderr.write(`continuum cds: ${target} is not a usable CDS Hooks discovery document: ${(err as Error).message} (use --force to register it anyway)\n`);
      return 1;
    }
  }

  const db = await openStoreDatabase({ dataDir: config.dataDir, poolSize: 2, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    const indexer = await new SearchParamProvider(db).indexerFor(tenant);
    const ctx = { repo: new Repository({ db, indexer }, tenant), baseUrl: config.baseUrl ? `${config.baseUrl}/fhir` : 'urn:continuum:cli' };
    const call = (method: string, path: string, body?: unknown) => {
      const q = path.indexOf('?');
      return route(ctx, { method, path: q < 0 ? path : path.slice(0, q), query: q < 0 ? [] : [...new URLSearchParams(path.slice(q + 1))], headers: {}, ...(body ? { body } : {}) });
    };
    if (action === 'add') {
      const res = await call('POST', '/Endpoint', cdsEndpoint(target!, name));
      io.stdout.write(`registered Endpoint/${(res.body as Endpoint).id} for ${target}\n`);
    } else if (action === 'list') {
      const res = await call('GET', `/${CDS_ENDPOINT_QUERY}`);
      const body = typeof res.body === 'string' ? (JSON.parse(res.body) as Bundle<Endpoint>) : (res.body as Bundle<Endpoint>);
      for (const e of body.entry ?? []) io.stdout.write(`${e.resource!.id}\t${e.resource!.name ?? ''}\t${e.resource!.address}\n`);
      if (!body.entry?.length) io.stdout.write('no outside CDS services registered\n');
    } else {
      await call('DELETE', `/Endpoint/${encodeURIComponent(target!)}`);
      io.stdout.write(`removed Endpoint/${target}\n`);
    }
    return 0;
  } catch (err) {
    io.stderr.write(`continuum cds: ${isOutcomeError(err) ? (err.outcome.issue?.[0]?.diagnostics ?? 'refused') : (err as Error).message}\n`);
    return 1;
  } finally {
    await db.close();
  }
}
