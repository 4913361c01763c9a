/**
 * Writing the partner directory, for the admin operations and the CLI alike. Adding a partner is
 * one transaction: its Organization, its Endpoint, and the OAuth client it authenticates as here
 * (private_key_jwt, keys at its jwks_uri, scope `system/*.rs`, metadata `continuum_partner` = the
 * Organization id, which makes its tokens partner principals: auth/bearer.ts). Disabling sets the
 * Endpoint off and disables that client, so its tokens stop working at once; the Organization
 * stays, as the resources that name it do.
 */
import { randomUUID } from 'node:crypto';
import type { Endpoint, Organization } from '@medplum/fhirtypes';
import { badRequest, conflict, notFound } from '@continuum/fhir';
import { ClientError, ClientRegistry } from '../../auth/clients.ts';
import type { Repository } from '../../store/repository.ts';
import type { Partner } from '../types.ts';
import { readDirectory, RepositoryPartnerDirectory } from './directory.ts';
import { PARTNER_SCOPE } from './exchange-client.ts';
import { checkNewPartner, partnerEndpoint, partnerOrganization, toPartner, type NewPartner } from './partner-record.ts';

export interface AddedPartner {
  partner: Partner;
  organization: Organization;
  endpoint: Endpoint;
}

export async function addPartner(repo: Repository, input: NewPartner): Promise<AddedPartner> {
  const p = checkNewPartner(input);
  return repo.inTransaction(async (tx) => {
    // One writer of a tenant's directory at a time: the duplicate checks below hold until commit.
    await tx.queryable.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${tx.tenantId}\u001fexchange-partners`]);
    const existing = await readDirectory(tx);
    const same = existing.find((e) => e.endpoints.some((ep) => ep.address?.replace(/\/+$/, '') === p.fhirBase));
    if (same) throw conflict(`${p.fhirBase} is already in the partner directory (Organization/${same.organization.id})`);
    const clients = new ClientRegistry(tx.queryable);
    if (await clients.get(p.partnerClientId)) throw conflict(`a client '${p.partnerClientId}' is already registered here: choose another partnerClientId`);
    const organizationId = randomUUID();
    const endpointId = randomUUID();
    const organization = (await tx.create(partnerOrganization(organizationId, endpointId, p.name), { id: organizationId })).resource as Organization;
    const endpoint = (await tx.create(partnerEndpoint(endpointId, organizationId, p), { id: endpointId })).resource as Endpoint;
    try {
      await clients.add({ clientId: p.partnerClientId, tenantId: tx.tenantId, name: p.name, auth: 'private_key_jwt', scope: PARTNER_SCOPE, jwksUri: p.jwksUri, extra: { continuum_partner: organizationId } });
    } catch (err) {
      if (err instanceof ClientError) throw badRequest(err.message);
      throw err;
    }
    return { partner: toPartner(organization, endpoint)!, organization, endpoint };
  });
}

/** Sets the partner's Endpoint off and disables its client; doing it twice changes nothing more. */
export async function disablePartner(repo: Repository, organizationId: string): Promise<{ partner: Partner; endpoint: Endpoint }> {
  return repo.inTransaction(async (tx) => {
    const partner = await new RepositoryPartnerDirectory(tx).get(organizationId);
    if (!partner) throw notFound(`Organization/${organizationId} is not in the partner directory`);
    await new ClientRegistry(tx.queryable).setDisabled(tx.tenantId, partner.inboundClientId, true);
    let endpoint = (await tx.read('Endpoint', partner.endpointId)) as Endpoint;
    if (endpoint.status !== 'off') endpoint = (await tx.update('Endpoint', endpoint.id!, { ...endpoint, status: 'off' })).resource as Endpoint;
    return { partner: { ...partner, active: false }, endpoint };
  });
}
