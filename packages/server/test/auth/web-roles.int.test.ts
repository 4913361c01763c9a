/**
 * The web app learns the signed-in user's roles from its id_token (`roles`, with the `profile`
 * scope), to show the navigation that fits; a third-party SMART app asking for `profile` is not
 * told them. The login runs through the real pages (scripted client), against PGlite or
 * PostgreSQL as CONTINUUM_TEST_BACKEND says.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { ClientRegistry } from '../../src/auth/clients.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, PASSWORD, REDIRECT, type Clinic } from './fixtures.ts';
import { frontChannel, pkce, tokenRequest } from './oauth-client.ts';

describe('roles in the web app id_token', () => {
  let server: TestServer;
  let clinic: Clinic;

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    await new ClientRegistry(server.database.db).add({ clientId: 'team-directory', tenantId: clinic.tenant, name: 'Team Directory', auth: 'none', redirectUris: [REDIRECT], scope: 'openid fhirUser profile user/*.rs' });
  });
  after(async () => {
    await server?.close();
  });

  async function idToken(clientId: string, redirectUri: string, username: string, scope: string): Promise<Record<string, unknown>> {
    const { verifier, challenge } = pkce();
    const flow = await frontChannel(server.origin, { clientId, redirectUri, scope, aud: server.base, challenge }, { username, password: PASSWORD });
    const code = flow.redirect.searchParams.get('code');
    assert.ok(code, flow.redirect.href);
    const tok = await tokenRequest(server.origin, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier });
    assert.equal(tok.status, 200, JSON.stringify(tok.json));
    return decodeJwt(String(tok.json.id_token));
  }

  const web = (username: string) => idToken('continuum-web', `${server.origin}/callback`, username, 'openid fhirUser profile user/*.rs');

  it('carries each staff user\'s roles for continuum-web', async () => {
    assert.deepEqual((await web('dr.okafor')).roles, ['physician']);
    assert.deepEqual((await web('desk.kim')).roles, ['front-desk']);
    const auditor = await web('audit.ray');
    assert.deepEqual(auditor.roles, ['auditor']);
    assert.equal(auditor.fhirUser, `${server.base}/Practitioner/${clinic.practitioner}`);
  });

  it('does not tell a third-party app the roles', async () => {
    const token = await idToken('team-directory', REDIRECT, 'dr.okafor', 'openid fhirUser profile user/*.rs');
    assert.equal(token.preferred_username, 'dr.okafor');
    assert.equal(token.roles, undefined);
  });
});
