/**
 * `POST /fhir/Patient/$match` over real HTTP on a real database: grades and scores, count and
 * onlyCertainMatches, bad Parameters, who may call it; and the partner path through the router
 * in-process (a partner principal comes from the partners part's bearer tokens): the purpose of
 * use is required, and consent decides what a partner sees.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, BundleEntry, Parameters, Patient } from '@medplum/fhirtypes';
import { SearchParamRegistry } from '@continuum/fhir';
import { buildClinic, create, userToken, type Clinic } from '../../auth/fixtures.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';
import { route } from '../../../src/api/router.ts';
import type { Principal } from '../../../src/access/policy.ts';
import { Repository } from '../../../src/store/repository.ts';
import { createIndexer } from '../../../src/store/indexer.ts';
import { MATCH_GRADE_EXT } from '../../../src/exchange/codes.ts';

const william: Patient = {
  resourceType: 'Patient',
  name: [{ family: 'Hartmann', given: ['William'] }],
  birthDate: '1974-03-08',
  gender: 'male',
  address: [{ line: ['42 Maple Road'], postalCode: '61234' }],
  telecom: [{ system: 'phone', value: '(555) 201-7788' }],
};
const twin: Patient = { ...william, name: [{ family: 'Hartmann', given: ['Henry'] }] };
const stranger: Patient = { resourceType: 'Patient', name: [{ family: 'Nakamura', given: ['Aiko'] }], birthDate: '1991-12-30', gender: 'female' };
const query: Patient = { resourceType: 'Patient', name: [{ family: 'HARTMAN', given: ['Bill'] }], birthDate: '1974-08-03', telecom: [{ system: 'phone', value: '555-201-7788' }] };

const params = (...parameter: Parameters['parameter'] & object): Parameters => ({ resourceType: 'Parameters', parameter });
const grade = (e: BundleEntry): string | undefined => e.search?.extension?.find((x) => x.url === MATCH_GRADE_EXT)?.valueCode;

describe('Patient/$match', () => {
  let server: TestServer;
  let clinic: Clinic;
  const ids: Record<string, string> = {};
  let desk: string;
  let auditor: string;

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    ids.william = await create(server, william);
    ids.twin = await create(server, twin);
    ids.stranger = await create(server, stranger);
    desk = await userToken(server, clinic, 'desk.kim');
    auditor = await userToken(server, clinic, 'audit.ray', 'openid fhirUser user/*.rs');
  });
  after(() => server.close());

  it('finds the patient despite a nickname, a typo and swapped day/month, best first, graded', async () => {
    const res = await server.request('POST', '/Patient/$match', { body: params({ name: 'resource', resource: query }), token: desk });
    assert.equal(res.status, 200, res.text);
    const b = res.json as Bundle;
    assert.equal(b.type, 'searchset');
    const first = b.entry![0]!;
    assert.equal(first.resource!.id, ids.william);
    assert.equal(first.search!.mode, 'match');
    assert.equal(grade(first), 'certain');
    assert.ok(first.search!.score! > 0.9 && first.search!.score! <= 1);
    const twinEntry = b.entry!.find((e) => e.resource!.id === ids.twin);
    assert.ok(twinEntry, 'the twin is a candidate');
    assert.notEqual(grade(twinEntry), 'certain');
    assert.ok(twinEntry.search!.score! < first.search!.score!);
    assert.ok(!b.entry!.some((e) => e.resource!.id === ids.stranger), 'an unrelated patient is no candidate');
    assert.equal(b.total, b.entry!.length);
  });

  it('honours count and onlyCertainMatches', async () => {
    const one = await server.request('POST', '/Patient/$match', { body: params({ name: 'resource', resource: query }, { name: 'count', valueInteger: 1 }) });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual((one.json as Bundle).entry!.map((e) => e.resource!.id), [ids.william]);
    const certain = await server.request('POST', '/Patient/$match', { body: params({ name: 'resource', resource: query }, { name: 'onlyCertainMatches', valueBoolean: true }) });
    assert.equal(certain.status, 200, certain.text);
    const entries = (certain.json as Bundle).entry ?? [];
    assert.deepEqual(entries.map((e) => e.resource!.id), [ids.william]);
    assert.ok(entries.every((e) => grade(e) === 'certain'));
  });

  it('answers an empty searchset when nobody matches', async () => {
    const res = await server.request('POST', '/Patient/$match', { body: params({ name: 'resource', resource: { resourceType: 'Patient', name: [{ family: 'Zzyzx', given: ['Quinn'] }], birthDate: '2001-01-01' } }) });
    assert.equal(res.status, 200, res.text);
    assert.equal((res.json as Bundle).total, 0);
  });

  it('refuses bad Parameters with a 400 OperationOutcome', async () => {
    const cases: [string, unknown][] = [
      ['no body', undefined],
      ['not Parameters', { resourceType: 'Patient' }],
      ['no resource', params({ name: 'count', valueInteger: 3 })],
      ['resource not a Patient', params({ name: 'resource', resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } })],
      ['count 0', params({ name: 'resource', resource: query }, { name: 'count', valueInteger: 0 })],
      ['count too big', params({ name: 'resource', resource: query }, { name: 'count', valueInteger: 1000 })],
      ['onlyCertainMatches not boolean', params({ name: 'resource', resource: query }, { name: 'onlyCertainMatches', valueString: 'yes' })],
      ['unknown input', params({ name: 'resource', resource: query }, { name: 'fuzzy', valueBoolean: true })],
      ['two resources', params({ name: 'resource', resource: query }, { name: 'resource', resource: query })],
      ['malformed Patient', params({ name: 'resource', resource: { resourceType: 'Patient', name: 'Bill' } as unknown as Patient })],
    ];
    for (const [what, body] of cases) {
      const res = await server.request('POST', '/Patient/$match', body === undefined ? {} : { body });
      assert.ok(res.status === 400 || res.status === 422, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
      assert.equal(res.json?.resourceType, 'OperationOutcome', what);
    }
    assert.equal((await server.request('GET', '/Patient/$match')).status, 405);
  });

  it('needs a token, and a caller who may search patients', async () => {
    const body = params({ name: 'resource', resource: query });
    assert.equal((await server.request('POST', '/Patient/$match', { body, anonymous: true })).status, 401);
    assert.equal((await server.request('POST', '/Patient/$match', { body, token: auditor })).status, 403);
  });

  it('a partner must state its purpose, and sees only patients whose consent permits it', async () => {
    const repo = new Repository({ db: server.database.db, indexer: createIndexer(SearchParamRegistry.r4()) }, clinic.tenant);
    const partner: Principal = {
      kind: 'system', tenant: clinic.tenant, clientId: 'partner-b', roles: [], scopes: [], securityRights: [], breakGlass: [],
      partner: { organizationId: clinic.organization, name: 'Hospital B' },
    };
    const call = (headers: Record<string, string>) =>
      route({ repo, baseUrl: server.base, principal: partner }, { method: 'POST', path: '/Patient/$match', query: [], headers, body: params({ name: 'resource', resource: query }) });
    await assert.rejects(call({}), (err: { status?: number; message?: string }) => err.status === 400 && /x-purpose-of-use/.test(String(err.message)));
    await assert.rejects(call({ 'x-purpose-of-use': 'CURIOSITY' }), (err: { status?: number }) => err.status === 400);
    const res = await call({ 'x-purpose-of-use': 'TREAT' });
    assert.equal(res.status, 200);
    const b = res.body as Bundle;
    assert.equal(b.type, 'searchset');
    // Without any Consent the default (opt-in) discloses nobody: the staff answer above had candidates.
    assert.equal(b.total, 0);
    // A partner may not use the ordinary API.
    await assert.rejects(
      route({ repo, baseUrl: server.base, principal: partner }, { method: 'GET', path: `/Patient/${ids.william}`, query: [], headers: {} }),
      (err: { status?: number }) => err.status === 403,
    );
  });
});
