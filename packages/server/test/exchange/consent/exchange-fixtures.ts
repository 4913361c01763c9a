/**
 * Fixtures of the consent and retrieve tests: partner Organizations (tagged as partners), a partner
 * client whose metadata names its Organization (`continuum_partner`, as the partners part
 * registers it), a proxy of the clinic's second patient, and an in-process context for calling the
 * FHIR router as a partner principal (real guard, real repository, the audit entries collected).
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { Principal } from '../../../src/access/policy.ts';
import type { ApiContext } from '../../../src/api/types.ts';
import type { AuditRecord } from '../../../src/auth/audit-sink.ts';
import { ClientRegistry } from '../../../src/auth/clients.ts';
import { PARTNER_TAG } from '../../../src/exchange/codes.ts';
import { ExchangeError, type ExchangeServices } from '../../../src/exchange/types.ts';
import { AccountService } from '../../../src/identity/accounts.ts';
import { SearchParamProvider } from '../../../src/search-params/provider.ts';
import { Repository } from '../../../src/store/repository.ts';
import { create, PASSWORD, type Clinic } from '../../auth/fixtures.ts';
import type { TestServer } from '../../fixtures/server.ts';

export const params = (...parameter: ParametersParameter[]): Parameters => ({ resourceType: 'Parameters', parameter });

export async function partnerOrganization(s: TestServer, name: string): Promise<string> {
  return create(s, { resourceType: 'Organization', meta: { tag: [{ ...PARTNER_TAG }] }, name });
}

/** A client of the partner `organizationId` with `system/*.rs`, and a token of it. */
export async function partnerClient(s: TestServer, clinic: Clinic, organizationId: string, clientId: string): Promise<string> {
  const added = await new ClientRegistry(s.database.db).add({ clientId, tenantId: clinic.tenant, name: `Partner ${clientId}`, auth: 'client_secret_basic', scope: 'system/*.rs' });
  await s.database.db.query(`UPDATE oauth_client SET metadata = metadata || jsonb_build_object('continuum_partner', $1::text) WHERE client_id = $2`, [organizationId, clientId]);
  return s.systemToken('system/*.rs', { id: clientId, secret: added.secret! });
}

/** Whether this build maps a partner client's token to a partner principal (auth/bearer.ts). */
export async function bearerMapsPartners(s: TestServer, token: string): Promise<boolean> {
  const res = await s.request('GET', '/Patient?_count=1', { token });
  return res.status === 403 && /partner organization/i.test(res.text);
}

/** A proxy user acting for `patient`. */
export async function addProxy(s: TestServer, clinic: Clinic, patient: string, username: string): Promise<void> {
  const rp = await create(s, { resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${patient}` }, relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH' }] }] });
  await new AccountService(s.database.db).create({ tenantId: clinic.tenant, username, kind: 'proxy', fhirUser: `RelatedPerson/${rp}`, password: PASSWORD });
}

export interface PartnerContext {
  ctx: ApiContext;
  audits: AuditRecord[];
}

/** An in-process context for `route()` as the partner `organizationId` (the audit entries collected in `audits`). */
export async function partnerContext(s: TestServer, tenant: string, organizationId: string, name: string): Promise<PartnerContext> {
  const repo = new Repository({ db: s.database.db, indexer: await new SearchParamProvider(s.database.db).indexerFor(tenant) }, tenant);
  const audits: AuditRecord[] = [];
  const unavailable = (): never => {
    throw new ExchangeError('not used by these tests', '');
  };
  const exchange: ExchangeServices = {
    origin: s.origin,
    consentDefault: 'opt-in',
    audit: { record: async (e) => void audits.push(e) },
    client: { call: async () => unavailable() },
    keys: { sign: async () => unavailable(), jwks: () => ({ keys: [] }), kid: () => '' },
    verifier: { verify: async () => unavailable() },
    partners: () => ({ list: async () => [], get: async () => undefined, byInboundClient: async () => undefined }),
  };
  const principal: Principal = { kind: 'system', tenant, clientId: `partner-${organizationId}`, roles: [], scopes: [], securityRights: [], breakGlass: [], partner: { organizationId, name } };
  return { ctx: { repo, baseUrl: s.base, principal, exchange }, audits };
}
