/**
 * A tenant's partner directory, read through its repository: the Organizations tagged PARTNER_TAG
 * with the Endpoints they list (`_include=Organization:endpoint`). Disabled partners are listed
 * too (`active: false`); callers that talk to partners check `active`. Writing the directory is
 * partner-admin.ts.
 */
import type { Endpoint, Organization } from '@medplum/fhirtypes';
import { PARTNER_TAG } from '../codes.ts';
import type { Repository } from '../../store/repository.ts';
import type { Partner, PartnerDirectory } from '../types.ts';
import { isPartnerOrganization, toPartner } from './partner-record.ts';

/** More partners than any deployment has; the directory is read whole. */
const MAX_PARTNERS = 500;

export interface DirectoryEntry {
  organization: Organization;
  endpoints: Endpoint[];
  partner?: Partner;
}

/** Every partner Organization of the tenant with its Endpoints, by name. */
export async function readDirectory(repo: Repository): Promise<DirectoryEntry[]> {
  const req = repo.parseCriteria('Organization', `_tag=${encodeURIComponent(`${PARTNER_TAG.system}|${PARTNER_TAG.code}`)}&_include=Organization:endpoint&_sort=name`);
  const page = await repo.search(req, { count: MAX_PARTNERS });
  const endpoints = new Map<string, Endpoint>();
  for (const m of page.included) if (m.resourceType === 'Endpoint') endpoints.set(m.id, JSON.parse(m.content) as Endpoint);
  return page.matches.map((m) => {
    const organization = JSON.parse(m.content) as Organization;
    const own = (organization.endpoint ?? [])
      .map((r) => endpoints.get(r.reference?.replace(/^Endpoint\//, '') ?? ''))
      .filter((e): e is Endpoint => e !== undefined && e.managingOrganization?.reference === `Organization/${organization.id}`);
    const partner = own.map((e) => toPartner(organization, e)).find((p) => p !== undefined);
    return { organization, endpoints: own, ...(partner ? { partner } : {}) };
  });
}

export class RepositoryPartnerDirectory implements PartnerDirectory {
  constructor(private readonly repo: Repository) {}

  async list(): Promise<Partner[]> {
    return (await readDirectory(this.repo)).flatMap((e) => (e.partner ? [e.partner] : []));
  }

  async get(organizationId: string): Promise<Partner | undefined> {
    if (!/^[A-Za-z0-9.-]{1,64}$/.test(organizationId)) return undefined;
    const org = (await this.repo.read('Organization', organizationId).catch(() => undefined)) as Organization | undefined;
    if (!org || !isPartnerOrganization(org)) return undefined;
    for (const ref of org.endpoint ?? []) {
      const id = ref.reference?.replace(/^Endpoint\//, '');
      if (!id || !/^[A-Za-z0-9.-]{1,64}$/.test(id)) continue;
      const endpoint = (await this.repo.read('Endpoint', id).catch(() => undefined)) as Endpoint | undefined;
      const partner = endpoint && endpoint.managingOrganization?.reference === `Organization/${organizationId}` ? toPartner(org, endpoint) : undefined;
      if (partner) return partner;
    }
    return undefined;
  }

  async byInboundClient(clientId: string): Promise<Partner | undefined> {
    return (await this.list()).find((p) => p.inboundClientId === clientId);
  }
}
