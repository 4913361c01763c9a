/**
 * Two real Continuum servers for the referral and messaging tests: "A" (the referring clinic)
 * and "B" (the partner hospital), each with its own database, staff (auth/fixtures.ts' clinic)
 * and, for the other side, a partner Organization plus a registered partner client (its metadata
 * `continuum_partner` names that Organization, as the partners part registers it). `client` is a
 * real ExchangeClient over HTTP with those partner tokens: the thin remote call the partners part
 * provides in production, so the workflow functions can be run end to end between A and B.
 */
import assert from 'node:assert/strict';
import type { Organization } from '@medplum/fhirtypes';
import { ClientRegistry } from '../../../src/auth/clients.ts';
import { PARTNER_TAG } from '../../../src/exchange/codes.ts';
import type { ExchangeClient, Partner } from '../../../src/exchange/types.ts';
import { SearchParamProvider } from '../../../src/search-params/provider.ts';
import { Repository } from '../../../src/store/repository.ts';
import { buildClinic, create, type Clinic } from '../../auth/fixtures.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';

export interface Side {
  server: TestServer;
  clinic: Clinic;
  repo: Repository;
  /** The other side, as this side's partner directory would hold it. */
  partner: Partner;
  /** The other side's partner token here (what the other side calls this one with). */
  partnerToken: string;
}

export interface TwoSides {
  a: Side;
  b: Side;
  /** Calls a partner's FHIR API with its partner token there (real HTTP). */
  client: ExchangeClient;
  close(): Promise<void>;
}

/** Registers a partner client at `server` for an Organization named `name`; returns the Organization id and a token of that client. */
export async function registerPartner(server: TestServer, name: string, clientId: string): Promise<{ organizationId: string; token: string }> {
  const org: Organization = { resourceType: 'Organization', meta: { tag: [PARTNER_TAG] }, name };
  const organizationId = await create(server, org);
  const secret = `${clientId}-secret-0123456789abcdef`;
  await new ClientRegistry(server.database.db).add({ clientId, tenantId: 'default', name, auth: 'client_secret_basic', scope: 'system/*.rs', secret });
  await server.database.db.query(`UPDATE oauth_client SET metadata = metadata || $1::jsonb WHERE client_id = $2`, [JSON.stringify({ continuum_partner: organizationId }), clientId]);
  const token = await server.systemToken('system/*.rs', { id: clientId, secret });
  return { organizationId, token };
}

async function repoOf(server: TestServer): Promise<Repository> {
  return new Repository({ db: server.database.db, indexer: await new SearchParamProvider(server.database.db).indexerFor('default') }, 'default');
}

export async function twoSides(): Promise<TwoSides> {
  const serverA = await startTestServer();
  const serverB = await startTestServer();
  const clinicA = await buildClinic(serverA);
  const clinicB = await buildClinic(serverB);
  const atB = await registerPartner(serverB, 'Riverside Family Practice (A)', 'partner-a');
  const atA = await registerPartner(serverA, 'Lakeview Hospital (B)', 'partner-b');
  const partner = (organizationId: string, name: string, other: TestServer): Partner => ({
    organizationId,
    name,
    endpointId: 'none',
    fhirBase: other.base,
    outboundClientId: 'unused',
    inboundClientId: 'unused',
    jwksUri: `${other.origin}/exchange/jwks.json`,
    active: true,
  });
  const a: Side = { server: serverA, clinic: clinicA, repo: await repoOf(serverA), partner: partner(atA.organizationId, 'Lakeview Hospital (B)', serverB), partnerToken: atA.token };
  const b: Side = { server: serverB, clinic: clinicB, repo: await repoOf(serverB), partner: partner(atB.organizationId, 'Riverside Family Practice (A)', serverA), partnerToken: atB.token };
  const tokens = new Map([
    [serverB.base, atB.token],
    [serverA.base, atA.token],
  ]);
  const client: ExchangeClient = {
    async call(p, req) {
      const token = tokens.get(p.fhirBase);
      assert.ok(token, `no partner token for ${p.fhirBase}`);
      const res = await fetch(`${p.fhirBase}${req.path}`, {
        method: req.method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', 'x-purpose-of-use': req.purposeOfUse ?? 'TREAT' },
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
  };
  return {
    a,
    b,
    client,
    async close() {
      await serverA.close();
      await serverB.close();
    },
  };
}

/** The value of a named output parameter. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function param(body: any, name: string): any {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const p = body?.parameter?.find((x: any) => x.name === name);
  return p?.valueString ?? p?.valueBoolean ?? p?.valueCode ?? p?.valueReference?.reference ?? p?.resource;
}
