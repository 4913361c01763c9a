/**
 * SMART Backend Services: client_credentials with a private_key_jwt assertion signed RS384 or
 * ES384, the public key registered inline. A good assertion gets a system token whose scopes are
 * what was asked within what was registered; a forged, expired, replayed or wrong-audience one is
 * refused.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ClientRegistry } from '../../src/auth/clients.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { tokenRequest } from './oauth-client.ts';

describe('SMART Backend Services (private_key_jwt)', () => {
  let server: TestServer;
  let tokenUrl: string;
  const keys: Record<'RS384' | 'ES384', { privateKey: CryptoKey; kid: string }> = {} as never;
  let stranger: CryptoKey;

  before(async () => {
    server = await startTestServer();
    tokenUrl = `${server.origin}/oauth/token`;
    const jwks = [];
    for (const alg of ['RS384', 'ES384'] as const) {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const kid = `${alg}-key`;
      keys[alg] = { privateKey, kid };
      jwks.push({ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' });
    }
    stranger = (await generateKeyPair('RS384')).privateKey;
    await new ClientRegistry(server.database.db).add({ clientId: 'lab-feed', tenantId: 'default', name: 'Lab feed', auth: 'private_key_jwt', scope: 'system/Patient.rs system/Observation.cruds', jwks: { keys: jwks } });
    const patient = await server.request('POST', '/Patient', { body: { resourceType: 'Patient', name: [{ family: 'Backend' }] } });
    assert.equal(patient.status, 201);
  });
  after(async () => {
    await server?.close();
  });

  const assertion = (opts: { alg?: 'RS384' | 'ES384'; key?: CryptoKey; aud?: string; exp?: number; jti?: string; iss?: string } = {}) => {
    const alg = opts.alg ?? 'RS384';
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: opts.jti ?? randomUUID() })
      .setProtectedHeader({ alg, kid: keys[alg].kid, typ: 'JWT' })
      .setIssuer(opts.iss ?? 'lab-feed')
      .setSubject(opts.iss ?? 'lab-feed')
      .setAudience(opts.aud ?? tokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(opts.exp ?? now + 240)
      .sign(opts.key ?? keys[alg].privateKey);
  };
  const ask = async (jwt: string, scope = 'system/Patient.rs') =>
    tokenRequest(server.origin, { grant_type: 'client_credentials', scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt });

  it('issues a system token for an RS384 and for an ES384 assertion, within the registered scopes', async () => {
    for (const alg of ['RS384', 'ES384'] as const) {
      const res = await ask(await assertion({ alg }), 'system/Patient.rs system/Observation.rs system/Condition.rs');
      assert.equal(res.status, 200, `${alg}: ${JSON.stringify(res.json)}`);
      assert.deepEqual(String(res.json.scope).split(' ').sort(), ['system/Observation.rs', 'system/Patient.rs'], 'Condition was not registered');
      assert.ok(Number(res.json.expires_in) <= 300, 'backend tokens live at most five minutes');
      const token = String(res.json.access_token);
      const search = await server.request('GET', '/Patient?family=Backend', { token });
      assert.equal(search.status, 200);
      assert.equal(search.json.entry.length, 1);
      assert.equal((await server.request('GET', '/Condition', { token })).status, 403);
      assert.equal((await server.request('POST', '/Patient', { token, body: { resourceType: 'Patient' } })).status, 403, '.rs does not write');
    }
  });

  it('refuses forged, expired, wrong-audience and replayed assertions', async () => {
    const forged = await ask(await assertion({ key: stranger }));
    assert.equal(forged.json.error, 'invalid_client');
    const expired = await ask(await assertion({ exp: Math.floor(Date.now() / 1000) - 120 }));
    assert.equal(expired.json.error, 'invalid_client');
    const wrongAud = await ask(await assertion({ aud: 'https://elsewhere.example/token' }));
    assert.equal(wrongAud.json.error, 'invalid_client');
    const unknown = await ask(await assertion({ iss: 'nobody' }));
    assert.equal(unknown.json.error, 'invalid_client');
    const jti = randomUUID();
    const first = await ask(await assertion({ jti }));
    assert.equal(first.status, 200);
    const replay = await ask(await assertion({ jti }));
    assert.equal(replay.json.error, 'invalid_client', 'a client assertion is accepted once');
    // A bearer token that is itself a JWT (signed by someone else) is just an unknown token.
    const fakeBearer = await new SignJWT({ scope: 'system/*.*' }).setProtectedHeader({ alg: 'RS384' }).setAudience(server.base).setExpirationTime('5m').sign(stranger);
    assert.equal((await server.request('GET', '/Patient', { token: fakeBearer })).status, 401);
  });
});
