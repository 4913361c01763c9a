/**
 * A small clinic for the authorization tests: two organizations (tenants) and, in the first,
 * two patients with labs and vitals, a restricted (substance-use) note, staff of every role, a
 * patient user and a registered SMART app. Everything is written through the FHIR API with the
 * bootstrap system client, and the accounts through the account service.
 */
import assert from 'node:assert/strict';
import type { Resource } from '@medplum/fhirtypes';
import { ClientRegistry } from '../../src/auth/clients.ts';
import { AccountService } from '../../src/identity/accounts.ts';
import type { Role } from '../../src/identity/types.ts';
import type { TestServer } from '../fixtures/server.ts';

export const PASSWORD = 'Correct-Horse-Battery-9';
// Chromium refuses port 9 (an "unsafe port"); nothing listens here: the browser test intercepts it.
export const REDIRECT = 'http://127.0.0.1:9000/callback';

export interface Clinic {
  tenant: string;
  patientA: string;
  patientB: string;
  labA: string;
  vitalA: string;
  obsB: string;
  noteA: string;
  restrictedA: string;
  practitioner: string;
  organization: string;
  appId: string;
  confidential: { id: string; secret: string };
}

export async function create(server: TestServer, resource: Resource): Promise<string> {
  const res = await server.request('POST', `/${resource.resourceType}`, { body: resource });
  assert.equal(res.status, 201, res.text.slice(0, 300));
  return String(res.json.id);
}

const obs = (patient: string, category: string, code: string, value: number): Resource => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] }],
  code: { coding: [{ system: 'http://loinc.org', code }] },
  subject: { reference: `Patient/${patient}` },
  valueQuantity: { value, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
});

export async function buildClinic(server: TestServer): Promise<Clinic> {
  const tenant = 'default';
  const organization = await create(server, { resourceType: 'Organization', name: 'Riverside Family Practice' });
  const practitioner = await create(server, { resourceType: 'Practitioner', name: [{ family: 'Okafor', given: ['Ada'] }] });
  const patientA = await create(server, { resourceType: 'Patient', name: [{ family: 'Testpatient', given: ['Alice'] }], birthDate: '1980-02-03' });
  const patientB = await create(server, { resourceType: 'Patient', name: [{ family: 'Otherpatient', given: ['Bob'] }], birthDate: '1975-06-07' });
  const labA = await create(server, obs(patientA, 'laboratory', '2345-7', 101));
  const vitalA = await create(server, obs(patientA, 'vital-signs', '8867-4', 72));
  const obsB = await create(server, obs(patientB, 'laboratory', '2345-7', 140));
  const noteA = await create(server, {
    resourceType: 'DocumentReference',
    status: 'current',
    subject: { reference: `Patient/${patientA}` },
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('Visit note').toString('base64') } }],
  });
  const restrictedA = await create(server, {
    resourceType: 'Condition',
    meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'SUD' }] },
    code: { text: 'Alcohol use disorder' },
    subject: { reference: `Patient/${patientA}` },
  });

  const accounts = new AccountService(server.database.db);
  const staff = async (username: string, roles: Role[]): Promise<void> => {
    await accounts.create({ tenantId: tenant, username, kind: 'staff', roles, fhirUser: `Practitioner/${practitioner}`, organization: `Organization/${organization}`, password: PASSWORD });
  };
  await staff('dr.okafor', ['physician']);
  await staff('nurse.lee', ['nurse']);
  await staff('desk.kim', ['front-desk']);
  await staff('bill.ng', ['biller']);
  await staff('audit.ray', ['auditor']);
  await accounts.create({ tenantId: tenant, username: 'alice', kind: 'patient', fhirUser: `Patient/${patientA}`, password: PASSWORD });

  const clients = new ClientRegistry(server.database.db);
  const app = await clients.add({
    clientId: 'growth-chart',
    tenantId: tenant,
    name: 'Growth Chart',
    auth: 'none',
    redirectUris: [REDIRECT],
    scope: 'openid fhirUser launch launch/patient offline_access patient/*.rs user/*.rs user/*.cruds patient/Observation.rs',
  });
  const conf = await clients.add({
    clientId: 'care-portal',
    tenantId: tenant,
    name: 'Care Portal',
    auth: 'client_secret_basic',
    redirectUris: [REDIRECT],
    scope: 'openid fhirUser launch/patient offline_access patient/*.rs',
  });
  return {
    tenant,
    patientA,
    patientB,
    labA,
    vitalA,
    obsB,
    noteA,
    restrictedA,
    practitioner,
    organization,
    appId: app.client.clientId,
    confidential: { id: conf.client.clientId, secret: conf.secret! },
  };
}

/** A user's access token, through the real login and consent pages (scripted client). */
export async function userToken(server: TestServer, clinic: Clinic, username: string, scope = 'openid fhirUser user/*.cruds', opts: { patient?: string } = {}): Promise<string> {
  const { frontChannel, pkce, tokenRequest } = await import('./oauth-client.ts');
  const { verifier, challenge } = pkce();
  const flow = await frontChannel(server.origin, { clientId: clinic.appId, redirectUri: REDIRECT, scope, aud: server.base, challenge }, { username, password: PASSWORD }, opts);
  const code = flow.redirect.searchParams.get('code');
  assert.ok(code, `no code for ${username}: ${flow.redirect.href}`);
  const tok = await tokenRequest(server.origin, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clinic.appId, code_verifier: verifier });
  assert.equal(tok.status, 200, JSON.stringify(tok.json));
  return String(tok.json.access_token);
}
