/**
 * Outside CDS services, as Continuum registers them: one FHIR `Endpoint` per service provider,
 * `connectionType` = `urn:continuum:endpoint-connection-type|cds-hooks`, `address` = its discovery
 * URL (`https://example.org/cds-services`), `status` = active. Admins manage them through the FHIR
 * API (or `continuum cds add|list|remove`). This module reads them as the caller and fetches each
 * provider's discovery document, kept for a minute per dispatcher (no module-level state).
 */
import type { Bundle, Endpoint } from '@medplum/fhirtypes';
import type { FhirGateway } from '../fhir-gateway.ts';
import { isHook, type ServiceDefinition } from '../types.ts';

export const CDS_CONNECTION_TYPE = { system: 'urn:continuum:endpoint-connection-type', code: 'cds-hooks', display: 'CDS Hooks 2.0 service provider' } as const;
export const CDS_ENDPOINT_QUERY = `Endpoint?connection-type=${CDS_CONNECTION_TYPE.system}|${CDS_CONNECTION_TYPE.code}&status=active&_count=50`;

export interface OutsideService {
  endpoint: string;
  /** The discovery URL; the service is at `<discovery>/<id>`. */
  discovery: string;
  definition: ServiceDefinition;
}

/** The Endpoint a CLI or admin writes for a discovery URL. */
export function cdsEndpoint(discoveryUrl: string, name?: string): Endpoint {
  return {
    resourceType: 'Endpoint',
    status: 'active',
    connectionType: { ...CDS_CONNECTION_TYPE },
    name: name ?? new URL(discoveryUrl).host,
    payloadType: [{ text: 'CDS Hooks 2.0' }],
    payloadMimeType: ['application/json'],
    address: discoveryUrl.replace(/\/+$/, ''),
  };
}

export async function registeredEndpoints(fhir: FhirGateway): Promise<Endpoint[]> {
  const bundle = await fhir.get<Bundle<Endpoint>>(CDS_ENDPOINT_QUERY);
  return (bundle.entry ?? []).map((e) => e.resource!).filter((e) => e?.resourceType === 'Endpoint' && /^https?:\/\//.test(e.address ?? ''));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The services a discovery document lists that Continuum can call (known hooks, sane ids). */
export function parseDiscovery(json: unknown): ServiceDefinition[] {
  if (!isObject(json) || !Array.isArray(json.services)) return [];
  return json.services.flatMap((s: unknown): ServiceDefinition[] => {
    if (!isObject(s) || typeof s.hook !== 'string' || !isHook(s.hook) || typeof s.id !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(s.id)) return [];
    const prefetch = isObject(s.prefetch) ? Object.fromEntries(Object.entries(s.prefetch).filter(([, v]) => typeof v === 'string')) as Record<string, string> : {};
    return [{ hook: s.hook, id: s.id, title: typeof s.title === 'string' ? s.title : s.id, description: typeof s.description === 'string' ? s.description : '', prefetch }];
  });
}

/** Discovery documents by URL, each kept for `ttlMs`; a failed fetch is not kept (tried again next call). */
export class DiscoveryCache {
  private readonly entries = new Map<string, { at: number; services: ServiceDefinition[] }>();
  constructor(private readonly fetchJson: (url: string) => Promise<unknown>, private readonly ttlMs = 60_000) {}

  /** The services of every endpoint, and the endpoints whose discovery could not be read. */
  async services(endpoints: readonly Endpoint[], now: number): Promise<{ services: OutsideService[]; unreachable: Endpoint[] }> {
    const unreachable: Endpoint[] = [];
    const lists = await Promise.all(endpoints.map(async (e) => {
      const url = e.address;
      let hit = this.entries.get(url);
      if (!hit || now - hit.at > this.ttlMs) {
        try {
          hit = { at: now, services: parseDiscovery(await this.fetchJson(url)) };
          this.entries.set(url, hit);
        } catch {
          unreachable.push(e);
          return [];
        }
      }
      return hit.services.map((definition) => ({ endpoint: `Endpoint/${e.id}`, discovery: url, definition }));
    }));
    return { services: lists.flat(), unreachable };
  }
}
