/**
 * Who may use the partner directory's operations: without a token, 401 on each; writing and
 * checking (`$add-partner`, `$check-partner`, `$disable-partner`) only administrators and system
 * clients, 403 for every other role and for patients; the list (`$partners`) also physicians and
 * nurses, never patients. Real users signed in through the real login pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccountService } from '../../../src/identity/accounts.ts';
import { MfaService } from '../../../src/identity/mfa.ts';
import { totpCode } from '../../../src/identity/totp.ts';
import { buildClinic, PASSWORD, REDIRECT, userToken, type Clinic } from '../../auth/fixtures.ts';
import { frontChannel, pkce, tokenRequest } from '../../auth/oauth-client.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';

/** An administrator's token: administrators sign in with a second factor. */
async function adminToken(server: TestServer, clinic: Clinic, username: string): Promise<string> {
  const mfa = new MfaService(server.database.db, server.server.auth!.secrets);
  const enrolment = await mfa.begin(clinic.tenant, username);
  // Confirmed with the previous step's code, so that the current one is unused for the sign-in.
  await mfa.confirm(clinic.tenant, username, await totpCode(enrolment.secret, new Date(Date.now() - 30_000)));
  const { verifier, challenge } = pkce();
  const flow = await frontChannel(server.origin, { clientId: clinic.appId, redirectUri: REDIRECT, scope: 'openid fhirUser user/*.cruds', aud: server.base, challenge }, { username, password: PASSWORD, otp: await totpCode(enrolment.secret, new Date()) });
  const code = flow.redirect.searchParams.get('code');
  assert.ok(code, flow.redirect.href);
  const tok = await tokenRequest(server.origin, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clinic.appId, code_verifier: verifier });
  assert.equal(tok.status, 200, JSON.stringify(tok.json));
  return String(tok.json.access_token);
}

describe('partner directory operations: authentication and roles', () => {
  let server: TestServer;
  let clinic: Clinic;
  const tokens: Record<string, string> = {};
  let partnerOrg: string;

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    await new AccountService(server.database.db).create({ tenantId: clinic.tenant, username: 'admin.ava', kind: 'staff', roles: ['admin'], fhirUser: `Practitioner/${clinic.practitioner}`, organization: `Organization/${clinic.organization}`, password: PASSWORD });
    tokens['admin.ava'] = await adminToken(server, clinic, 'admin.ava');
    for (const user of ['dr.okafor', 'nurse.lee', 'desk.kim', 'bill.ng', 'audit.ray']) tokens[user] = await userToken(server, clinic, user);
    tokens.alice = await userToken(server, clinic, 'alice', 'openid fhirUser patient/*.rs', { patient: clinic.patientA });
  });
  after(async () => {
    await server?.close();
  });

  const addBody = (n: number) => ({
    resourceType: 'Parameters',
    parameter: [
      { name: 'name', valueString: `Partner ${n}` },
      { name: 'fhirBase', valueString: `https://partner-${n}.example/fhir` },
      { name: 'partnerClientId', valueString: `partner-${n}` },
      { name: 'ourClientId', valueString: 'riverside' },
    ],
  });

  it('lets an administrator add a partner, and answers 401 without a token on every operation', async () => {
    const added = await server.request('POST', '/Organization/$add-partner', { token: tokens['admin.ava']!, body: addBody(1) });
    assert.equal(added.status, 201, added.text);
    partnerOrg = String(added.json.parameter[0].valueReference.reference);
    for (const [method, path] of [['POST', '/Organization/$add-partner'], ['GET', '/Organization/$partners'], ['POST', `/${partnerOrg}/$check-partner`], ['POST', `/${partnerOrg}/$disable-partner`]] as const) {
      const res = await server.request(method, path, { anonymous: true, ...(method === 'POST' && path.endsWith('add-partner') ? { body: addBody(2) } : {}) });
      assert.equal(res.status, 401, `${method} ${path}`);
    }
  });

  it('refuses writing and checking the directory to every role but admin, and to patients', async () => {
    for (const user of ['dr.okafor', 'nurse.lee', 'desk.kim', 'bill.ng', 'audit.ray', 'alice']) {
      const add = await server.request('POST', '/Organization/$add-partner', { token: tokens[user]!, body: addBody(3) });
      assert.equal(add.status, 403, `${user} add: ${add.text}`);
      for (const op of ['$check-partner', '$disable-partner']) {
        assert.equal((await server.request('POST', `/${partnerOrg}/${op}`, { token: tokens[user]! })).status, 403, `${user} ${op}`);
      }
    }
    const list = await server.request('GET', '/Organization/$partners');
    assert.equal(list.json.total, 1, 'nothing was added by the refused calls');
    assert.equal(list.json.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Endpoint').resource.status, 'active', 'nor disabled');
  });

  it('shows the list to administrators, physicians and nurses, not to patients', async () => {
    for (const user of ['admin.ava', 'dr.okafor', 'nurse.lee']) {
      const res = await server.request('GET', '/Organization/$partners', { token: tokens[user]! });
      assert.equal(res.status, 200, `${user}: ${res.text}`);
      assert.deepEqual(
        res.json.entry.map((e: { resource: { resourceType: string }; search: { mode: string } }) => `${e.resource.resourceType}:${e.search.mode}`),
        ['Organization:match', 'Endpoint:include'],
        user,
      );
    }
    assert.equal((await server.request('GET', '/Organization/$partners', { token: tokens.alice! })).status, 403);
  });

  it('lets an administrator disable a partner', async () => {
    const res = await server.request('POST', `/${partnerOrg}/$disable-partner`, { token: tokens['admin.ava']! });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'off');
  });
});
