/**
 * The FHIR API as the CDS services and the CDS client use it: in-process, through the same router
 * and the same access checks (api/guard.ts) as `/fhir`, as the caller. There is no private
 * back door: a read the caller could not make over HTTP fails here the same way. Only reads
 * (GET) are offered.
 */
import { badRequest } from '@continuum/fhir';
import type { Resource } from '@medplum/fhirtypes';
import type { Principal } from '../access/policy.ts';
import type { AppDeps } from '../http/app.ts';
import { route } from '../api/router.ts';
import type { ApiContext } from '../api/types.ts';
import { Repository } from '../store/repository.ts';

export interface FhirGateway {
  /** GETs a path below the FHIR base (`Patient/1`, `Observation?patient=1`) as the caller; throws the OutcomeError a request would get. */
  get<T extends Resource = Resource>(relative: string): Promise<T>;
}

export type GatewayFactory = (principal: Principal, baseUrl: string) => Promise<FhirGateway>;

/** Builds gateways over the server's database and search indexers. */
export function gatewayFactory(deps: Pick<AppDeps, 'db' | 'indexers' | 'writes' | 'auth'>): GatewayFactory {
  return async (principal, baseUrl) => {
    const indexer = await deps.indexers.indexerFor(principal.tenant);
    const repo = new Repository({ db: deps.db, indexer, ...(deps.writes ? { writes: deps.writes } : {}) }, principal.tenant);
    const ctx: ApiContext = { repo, baseUrl, principal, ...(deps.auth?.reader ? { audit: deps.auth.reader } : {}) };
    return {
      async get<T extends Resource>(relative: string): Promise<T> {
        const q = relative.indexOf('?');
        const path = '/' + (q < 0 ? relative : relative.slice(0, q)).replace(/^\/+/, '');
        if (/\.\.|\/\//.test(path)) throw badRequest(`Not a FHIR query: ${path}`);
        const query: [string, string][] = q < 0 ? [] : [...new URLSearchParams(relative.slice(q + 1))];
        const res = await route(ctx, { method: 'GET', path, query, headers: { accept: 'application/fhir+json' } });
        const body = typeof res.body === 'string' ? (JSON.parse(res.body) as Resource) : res.body;
        return body as T;
      },
    };
  };
}
