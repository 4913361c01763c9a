/**
 * `GET /fhir/Organization/$partners`: the tenant's partner directory as a searchset Bundle, each
 * partner Organization (search.mode match, disabled ones included) followed by its Endpoints
 * (search.mode include). Administrators and system clients, and the staff who may search
 * Organizations (physicians and nurses pick a partner from it); never patients or proxies.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { forbidden } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { readDirectory } from './directory.ts';

export async function listPartnersOperation(ctx: ApiContext, _req: FhirRequest): Promise<FhirResponse> {
  const kind = ctx.principal?.kind;
  if (kind === 'patient' || kind === 'proxy') throw forbidden('The partner directory is for staff');
  const entries = await readDirectory(ctx.repo);
  const entry = (resource: Resource, mode: 'match' | 'include'): BundleEntry => ({ fullUrl: `${ctx.baseUrl}/${resource.resourceType}/${resource.id}`, resource, search: { mode } });
  const body: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: entries.length,
    link: [{ relation: 'self', url: `${ctx.baseUrl}/Organization/$partners` }],
    entry: entries.flatMap((e) => [entry(e.organization, 'match'), ...e.endpoints.map((ep) => entry(ep, 'include'))]),
  };
  return { status: 200, headers: {}, body };
}
