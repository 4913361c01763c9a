/**
 * Exchange partners, two deployments in one process: a clinic (A) and a hospital (B), each a real
 * server over its own database and data folder (so each has its own exchange key). Each adds the
 * other with `$add-partner` (bootstrap system client). Then A's outbound client gets a token at
 * B through SMART Backend Services (B fetches A's keys from A's `/exchange/jwks.json`), and B
 * treats that token as the partner: the guard refuses it every route not made for partners (a
 * third server without CONTINUUM_EXCHANGE_PRIVATE_NETWORK refuses to fetch loopback keys). A
 * JWS signed with A's key verifies against A's published keys at B; a tampered one does not.
 * `$check-partner` tells a reachable partner from an unreachable one, and once B disables A,
 * A's token stops working at once and no new one is issued.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Endpoint, Organization, Parameters } from '@medplum/fhirtypes';
import { PartnerClient } from '../../../src/exchange/partners/exchange-client.ts';
import { exchangeKeyPath, exchangeKeys, loadExchangeKeys, signingKey } from '../../../src/exchange/partners/exchange-key.ts';
import { RemoteKeysVerifier } from '../../../src/exchange/partners/partner-verifier.ts';
import { toPartner } from '../../../src/exchange/partners/partner-record.ts';
import { ExchangeError, type Partner } from '../../../src/exchange/types.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';

const PARTNER_ONLY = 'A partner organization may use only the exchange operations';

interface Deployment {
  server: TestServer;
  dataDir: string;
}

async function deployment(name: string): Promise<Deployment> {
  const dataDir = mkdtempSync(join(tmpdir(), `continuum-${name}-`));
  // Both servers listen on loopback: B must fetch A's keys from 127.0.0.1.
  const server = await startTestServer({ CONTINUUM_DATA_DIR: dataDir, CONTINUUM_EXCHANGE_PRIVATE_NETWORK: '1' });
  return { server, dataDir };
}

const param = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name);

/** The Partner `at` holds for the deployment whose FHIR base is `fhirBase`, read from its `$partners`. */
async function partnerAt(at: TestServer, fhirBase: string): Promise<Partner> {
  const res = await at.request('GET', '/Organization/$partners');
  assert.equal(res.status, 200, res.text);
  const bundle = res.json as Bundle;
  const endpoint = bundle.entry!.map((e) => e.resource).find((r): r is Endpoint => r?.resourceType === 'Endpoint' && r.address === fhirBase);
  assert.ok(endpoint, `no Endpoint for ${fhirBase}`);
  const org = bundle.entry!.map((e) => e.resource).find((r): r is Organization => r?.resourceType === 'Organization' && `Organization/${r.id}` === endpoint.managingOrganization?.reference);
  return toPartner(org!, endpoint)!;
}

describe('exchange partners between two deployments', () => {
  let a: Deployment;
  let b: Deployment;

  before(async () => {
    a = await deployment('clinic-a');
    b = await deployment('hospital-b');
  });
  after(async () => {
    await a?.server.close();
    await b?.server.close();
    for (const d of [a, b]) if (d) rmSync(d.dataDir, { recursive: true, force: true });
  });

  it('gives each deployment its own exchange key, in a private file, published without a token', async () => {
    const file = exchangeKeyPath(a.dataDir);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(a.dataDir, 'secrets')).mode & 0o777, 0o700);
    const jwksA = await fetch(`${a.server.origin}/exchange/jwks.json`);
    const jwksB = await fetch(`${b.server.origin}/exchange/jwks.json`);
    assert.equal(jwksA.status, 200);
    const keysA = ((await jwksA.json()) as { keys: Record<string, unknown>[] }).keys;
    const keysB = ((await jwksB.json()) as { keys: Record<string, unknown>[] }).keys;
    assert.equal(keysA.length, 1);
    assert.deepEqual([keysA[0]!.kty, keysA[0]!.crv, keysA[0]!.alg], ['EC', 'P-384', 'ES384']);
    assert.equal(keysA[0]!.d, undefined, 'only the public half is published');
    assert.notEqual(keysA[0]!.kid, keysB[0]!.kid);
    assert.notEqual(keysA[0]!.x, keysB[0]!.x);
  });

  it('adds each deployment as the other one\'s partner, answering what to send back', async () => {
    const atA = await a.server.request('POST', '/Organization/$add-partner', {
      body: {
        resourceType: 'Parameters',
        parameter: [
          { name: 'name', valueString: 'Hospital B' },
          { name: 'fhirBase', valueUrl: `${b.server.base}/` },
          { name: 'partnerClientId', valueString: 'hospital-b' },
          { name: 'ourClientId', valueString: 'clinic-a' },
        ],
      },
    });
    assert.equal(atA.status, 201, atA.text);
    const answer = atA.json as Parameters;
    assert.equal(param(answer, 'ourFhirBase')?.valueUrl, a.server.base);
    assert.equal(param(answer, 'ourJwksUri')?.valueUrl, `${a.server.origin}/exchange/jwks.json`);
    assert.equal(param(answer, 'ourClientId')?.valueString, 'clinic-a');
    assert.match(String(param(answer, 'organization')?.valueReference?.reference), /^Organization\//);

    // B adds A with exactly what A said to send.
    const atB = await b.server.request('POST', '/Organization/$add-partner', {
      body: {
        resourceType: 'Parameters',
        parameter: [
          { name: 'name', valueString: 'Clinic A' },
          { name: 'fhirBase', valueUrl: param(answer, 'ourFhirBase')!.valueUrl },
          { name: 'jwksUri', valueUrl: param(answer, 'ourJwksUri')!.valueUrl },
          { name: 'partnerClientId', valueString: param(answer, 'ourClientId')!.valueString },
          { name: 'ourClientId', valueString: 'hospital-b' },
        ],
      },
    });
    assert.equal(atB.status, 201, atB.text);

    const hospital = await partnerAt(a.server, b.server.base);
    assert.deepEqual(
      { ...hospital, organizationId: '', endpointId: '' },
      { organizationId: '', endpointId: '', name: 'Hospital B', fhirBase: b.server.base, outboundClientId: 'clinic-a', inboundClientId: 'hospital-b', jwksUri: `${b.server.origin}/exchange/jwks.json`, active: true },
    );
    const org = await a.server.request('GET', `/Organization/${hospital.organizationId}`);
    assert.equal(org.json.meta.tag[0].code, 'partner');
  });

  it('gets A a token at B whose principal is the partner: every route not made for partners is refused', async () => {
    const keys = await loadExchangeKeys({ dataDir: a.dataDir });
    const client = new PartnerClient({ signingKey: await signingKey(keys) });
    const hospital = await partnerAt(a.server, b.server.base);
    const token = await client.token(hospital);
    assert.equal(await client.token(hospital), token, 'the token is kept, not asked again');

    const patients = await client.call(hospital, { method: 'GET', path: '/Patient', onBehalfOf: { fhirUser: 'Practitioner/1', display: 'Dr Zoë Test' } });
    assert.equal(patients.status, 403);
    assert.equal((patients.body as { issue: { diagnostics: string }[] }).issue[0]!.diagnostics, PARTNER_ONLY);
    for (const [method, path] of [['GET', '/Organization/$partners'], ['POST', '/Organization/$add-partner'], ['GET', '/metadata']] as const) {
      const res = await b.server.request(method, path, { token, ...(method === 'POST' ? { body: { resourceType: 'Parameters' } } : {}) });
      if (path === '/metadata') assert.equal(res.status, 200, 'the CapabilityStatement is public');
      else {
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.equal(res.json.issue[0].diagnostics, PARTNER_ONLY);
      }
    }
    // A token of some other key for A's client id is refused: B checks A's published keys.
    const stranger = new PartnerClient({ signingKey: await signingKey(await loadExchangeKeys({ dataDir: b.dataDir })) });
    await assert.rejects(stranger.call(hospital, { method: 'GET', path: '/Patient' }), (err: unknown) => err instanceof ExchangeError && /refused a token \(invalid_client/.test(err.message));
  });

  it('leaves loopback key URLs refused by default (oidc-provider SSRF protection) without CONTINUUM_EXCHANGE_PRIVATE_NETWORK', async () => {
    const c = await startTestServer();
    try {
      const added = await c.request('POST', '/Organization/$add-partner', {
        body: { resourceType: 'Parameters', parameter: [{ name: 'name', valueString: 'Clinic A' }, { name: 'fhirBase', valueString: a.server.base }, { name: 'partnerClientId', valueString: 'clinic-a' }, { name: 'ourClientId', valueString: 'lab-c' }] },
      });
      assert.equal(added.status, 201, added.text);
      const client = new PartnerClient({ signingKey: await signingKey(await loadExchangeKeys({ dataDir: a.dataDir })) });
      const lab: Partner = { organizationId: 'x', endpointId: 'y', name: 'Lab C', fhirBase: c.base, outboundClientId: 'clinic-a', inboundClientId: 'lab-c', jwksUri: `${c.origin}/exchange/jwks.json`, active: true };
      await assert.rejects(client.token(lab), (err: unknown) => err instanceof ExchangeError && /invalid_client/.test(err.message));
    } finally {
      await c.close();
    }
  });

  it('verifies a JWS signed with A\'s key against A\'s published keys, and refuses a tampered one', async () => {
    const clinic = await partnerAt(b.server, a.server.base);
    const keysA = await exchangeKeys(await loadExchangeKeys({ dataDir: a.dataDir }), () => a.server.base);
    const verifier = new RemoteKeysVerifier();
    const payload = JSON.stringify({ resourceType: 'Bundle', type: 'history' });

    const detached = await keysA.sign(payload, { detached: true });
    assert.match(detached, /^[\w-]+\.\.[\w-]+$/);
    const header = JSON.parse(Buffer.from(detached.split('.')[0]!, 'base64url').toString()) as Record<string, string>;
    assert.deepEqual([header.alg, header.kid, header.iss], ['ES384', keysA.kid(), a.server.base]);
    assert.equal(new TextDecoder().decode(await verifier.verify(clinic, detached, payload)), payload);
    assert.equal(new TextDecoder().decode(await verifier.verify(clinic, await keysA.sign(payload))), payload, 'the attached form too');

    await assert.rejects(verifier.verify(clinic, detached, payload.replace('history', 'batch')), ExchangeError, 'a changed payload');
    await assert.rejects(verifier.verify(clinic, detached), ExchangeError, 'a detached JWS without its payload');
    const [h, , s] = detached.split('.');
    await assert.rejects(verifier.verify(clinic, `${h}..${s!.slice(0, -4)}AAAA`, payload), ExchangeError, 'a changed signature');
    const keysB = await exchangeKeys(await loadExchangeKeys({ dataDir: b.dataDir }), () => b.server.base);
    await assert.rejects(verifier.verify(clinic, await keysB.sign(payload, { detached: true }), payload), ExchangeError, 'signed by another deployment');
  });

  it('checks a partner: reachable with a token, or says what fails', async () => {
    const hospital = await partnerAt(a.server, b.server.base);
    const ok = await a.server.request('POST', `/Organization/${hospital.organizationId}/$check-partner`);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual([param(ok.json, 'reachable')?.valueBoolean, param(ok.json, 'tokenOk')?.valueBoolean], [true, true]);

    const nowhere = await a.server.request('POST', '/Organization/$add-partner', {
      body: { resourceType: 'Parameters', parameter: [{ name: 'name', valueString: 'Closed Clinic' }, { name: 'fhirBase', valueString: 'http://127.0.0.1:9/fhir' }, { name: 'partnerClientId', valueString: 'closed' }, { name: 'ourClientId', valueString: 'clinic-a' }] },
    });
    assert.equal(nowhere.status, 201, nowhere.text);
    const closed = await a.server.request('POST', `/${nowhere.json.parameter[0].valueReference.reference}/$check-partner`);
    assert.equal(closed.status, 200);
    assert.deepEqual([param(closed.json, 'reachable')?.valueBoolean, param(closed.json, 'tokenOk')?.valueBoolean], [false, false]);
    assert.match(String(param(closed.json, 'detail')?.valueString), /unreachable/);
  });

  it('refuses duplicates (409), bad input (400) and unknown partners (404)', async () => {
    const add = (parameter: Parameters['parameter'], body?: unknown) => a.server.request('POST', '/Organization/$add-partner', { body: body ?? { resourceType: 'Parameters', parameter } });
    const good = [
      { name: 'name', valueString: 'Hospital B again' },
      { name: 'fhirBase', valueString: b.server.base },
      { name: 'partnerClientId', valueString: 'hospital-b-2' },
      { name: 'ourClientId', valueString: 'clinic-a' },
    ];
    const dup = await add(good);
    assert.equal(dup.status, 409, dup.text);
    assert.match(dup.json.issue[0].diagnostics, /already in the partner directory/);
    const sameClient = await add([{ name: 'name', valueString: 'Other' }, { name: 'fhirBase', valueString: 'https://other.example/fhir' }, { name: 'partnerClientId', valueString: 'hospital-b' }, { name: 'ourClientId', valueString: 'clinic-a' }]);
    assert.equal(sameClient.status, 409, sameClient.text);

    const other = (name: string, value: Record<string, unknown>) => good.map((p) => (p.name === name ? { name, ...value } : { ...p, ...(p.name === 'fhirBase' ? { valueString: 'https://third.example/fhir' } : {}) }));
    const bad: [string, Parameters['parameter'] | undefined, unknown?][] = [
      ['no name', good.filter((p) => p.name !== 'name')],
      ['no fhirBase', good.filter((p) => p.name !== 'fhirBase')],
      ['ftp URL', other('fhirBase', { valueString: 'ftp://third.example/fhir' })],
      ['not a URL', other('fhirBase', { valueString: 'third.example/fhir' })],
      ['URL with a query', other('fhirBase', { valueString: 'https://third.example/fhir?x=1' })],
      ['javascript jwksUri', [...other('name', { valueString: 'Third' }), { name: 'jwksUri', valueString: 'javascript:alert(1)' }]],
      ['bad client id', other('partnerClientId', { valueString: 'bad id!' })],
      ['unknown input', [...other('name', { valueString: 'Third' }), { name: 'color', valueString: 'red' }]],
      ['a boolean name', other('name', { valueBoolean: true })],
      ['not Parameters', undefined, { resourceType: 'Patient' }],
    ];
    for (const [what, parameter, body] of bad) {
      const res = await add(parameter, body);
      assert.equal(res.status, 400, `${what}: ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome');
    }
    const listed = await a.server.request('GET', '/Organization/$partners');
    assert.equal(listed.json.total, 2, 'nothing half-written by the refused requests');

    const plain = await a.server.request('POST', '/Organization', { body: { resourceType: 'Organization', name: 'Not a partner' } });
    for (const op of ['$check-partner', '$disable-partner']) {
      assert.equal((await a.server.request('POST', `/Organization/${plain.json.id}/${op}`)).status, 404, op);
      assert.equal((await a.server.request('POST', `/Organization/no-such-org/${op}`)).status, 404, op);
    }
  });

  it('stops a disabled partner at once: its kept token is refused and no new one is issued', async () => {
    const client = new PartnerClient({ signingKey: await signingKey(await loadExchangeKeys({ dataDir: a.dataDir })) });
    const hospital = await partnerAt(a.server, b.server.base);
    const token = await client.token(hospital);
    assert.equal((await b.server.request('GET', '/Patient', { token })).status, 403, 'the partner is known before');

    const clinic = await partnerAt(b.server, a.server.base);
    const disabled = await b.server.request('POST', `/Organization/${clinic.organizationId}/$disable-partner`);
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal((disabled.json as Endpoint).status, 'off');
    assert.equal((await partnerAt(b.server, a.server.base)).active, false);

    assert.equal((await b.server.request('GET', '/Patient', { token })).status, 401, 'the token stops at once');
    await assert.rejects(client.call(hospital, { method: 'GET', path: '/Patient' }), (err: unknown) => err instanceof ExchangeError && /refused a token/.test(err.message));
    const check = await a.server.request('POST', `/Organization/${hospital.organizationId}/$check-partner`);
    assert.deepEqual([param(check.json, 'reachable')?.valueBoolean, param(check.json, 'tokenOk')?.valueBoolean], [true, false]);
    // Disabling twice changes nothing more.
    const again = await b.server.request('POST', `/Organization/${clinic.organizationId}/$disable-partner`);
    assert.equal(again.status, 200);
    assert.equal(again.json.meta.versionId, disabled.json.meta.versionId);
  });
});
