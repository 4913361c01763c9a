/**
 * An outside CDS client (another EHR) calling Continuum's services with a CDS Hooks 2.0 JWT: a
 * registered backend client signing ES384 is let in with its system scopes; a replayed JWT, the
 * wrong audience, an unregistered issuer, a key it did not register and an algorithm the spec
 * does not allow are refused with 401.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ClientRegistry } from '../../src/auth/clients.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, type Clinic } from '../auth/fixtures.ts';
import { cds, draftBundle, hookRequest, medRequest } from './fixtures.ts';

describe('CDS Hooks client JWT', () => {
  let server: TestServer;
  let clinic: Clinic;
  let key: CryptoKey;
  let other: CryptoKey;
  const ISS = 'other-ehr';

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    other = (await generateKeyPair('ES384')).privateKey;
    const mine = await generateKeyPair('ES384', { extractable: true });
    key = mine.privateKey;
    const jwk = { ...(await exportJWK(mine.publicKey)), kid: 'k1', alg: 'ES384' };
    await new ClientRegistry(server.database.db).add({ clientId: ISS, tenantId: clinic.tenant, name: 'Other EHR', auth: 'private_key_jwt', scope: 'system/*.rs', jwks: { keys: [jwk] } });
  });
  after(() => server.close());

  const url = () => `${server.origin}/cds-services/continuum-order-sign`;
  const sign = (opts: { aud?: string; iss?: string; signer?: CryptoKey; alg?: string } = {}) =>
    new SignJWT({})
      .setProtectedHeader({ alg: opts.alg ?? 'ES384', kid: 'k1', typ: 'JWT' })
      .setIssuer(opts.iss ?? ISS)
      .setSubject('other-ehr')
      .setAudience(opts.aud ?? url())
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(opts.signer ?? key);
  const body = () => hookRequest('order-sign', { userId: `Practitioner/${clinic.practitioner}`, patientId: clinic.patientA, draftOrders: draftBundle([medRequest(clinic.patientA, { code: '198211', display: 'simvastatin 40 MG Oral Tablet' }, { id: 'd1' })]) });

  it('lets a registered client in once per JWT', async () => {
    const jwt = await sign();
    const res = await cds(server, 'POST', '/cds-services/continuum-order-sign', jwt, body());
    assert.equal(res.status, 200, res.text);
    assert.ok(Array.isArray(res.json.cards));
    const replay = await cds(server, 'POST', '/cds-services/continuum-order-sign', jwt, body());
    assert.equal(replay.status, 401, 'a jti is used once');
  });

  it('refuses the wrong audience, an unknown issuer, an unregistered key and RS256-style algorithms', async () => {
    const cases: Array<[string, Promise<string>]> = [
      ['audience of another service', sign({ aud: `${server.origin}/cds-services/continuum-patient-view` })],
      ['unregistered issuer', sign({ iss: 'https://stranger.example' })],
      ['key not registered', sign({ signer: other })],
    ];
    for (const [name, jwt] of cases) {
      const res = await cds(server, 'POST', '/cds-services/continuum-order-sign', await jwt, body());
      assert.equal(res.status, 401, name);
    }
    const { privateKey: es256 } = await generateKeyPair('ES256');
    const weak = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer(ISS).setAudience(url()).setIssuedAt().setExpirationTime('5m').setJti(randomUUID()).sign(es256);
    assert.equal((await cds(server, 'POST', '/cds-services/continuum-order-sign', weak, body())).status, 401, 'ES256');
  });
});
