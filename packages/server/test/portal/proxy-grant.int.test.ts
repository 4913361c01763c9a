/**
 * An adult patient grants and revokes a caregiver's access from the portal, over real HTTP with
 * mail written to .eml files: `$grant-proxy` stores the RelatedPerson and mails the invitation;
 * the caregiver activates, signs in through the portal client and reads the patient's record;
 * `$proxies` follows the status (invited → active → revoked); `$revoke-proxy` ends the access at
 * once (the caregiver's signed-in token no longer reaches the patient) and voids an unused link.
 * Also: a minor, a proxy and staff cannot grant; another patient's ids are 404; 401; bad input 400.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Parameters, ParametersParameter, RelatedPerson } from '@medplum/fhirtypes';
import { AccountService } from '../../src/identity/accounts.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, create, PASSWORD, userToken, type Clinic } from '../auth/fixtures.ts';
import { emlFiles, readEml } from '../auth/mail-peer.ts';
import { activate, linkIn } from './activation.ts';
import { portalSignIn } from './portal-login.ts';

const CAREGIVER_PASSWORD = 'Harbor-Thistle-Violet-73';
const param = (name: string, value: Record<string, unknown>): ParametersParameter => ({ name, ...value });
const grant = (over: Partial<Record<'name' | 'email' | 'relationship' | 'until', ParametersParameter | null>> = {}): Parameters => {
  const base: Record<string, ParametersParameter | null> = {
    name: param('name', { valueString: 'Gale Testcaregiver' }),
    email: param('email', { valueString: 'gale.caregiver@example.org' }),
    relationship: param('relationship', { valueCode: 'SPS' }),
    until: null,
    ...over,
  };
  return { resourceType: 'Parameters', parameter: Object.values(base).filter((p): p is ParametersParameter => p !== null) };
};
const revoke = (relatedPerson: string): Parameters => ({ resourceType: 'Parameters', parameter: [{ name: 'relatedPerson', valueReference: { reference: relatedPerson } }] });
const valueOf = (params: Parameters, name: string): ParametersParameter | undefined => params.parameter?.find((p) => p.name === name);

describe('portal: an adult patient grants and revokes a caregiver’s access', () => {
  let server: TestServer;
  let clinic: Clinic;
  let alice: string;
  const mailDir = mkdtempSync(join(tmpdir(), 'continuum-proxy-grant-'));
  let seen = 0;
  const newMail = () => {
    const files = emlFiles(mailDir);
    const fresh = files.slice(seen);
    seen = files.length;
    return fresh.map(readEml);
  };
  const proxies = async (token: string, patient: string) => {
    const res = await server.request('GET', `/Patient/${patient}/$proxies`, { token });
    assert.equal(res.status, 200, res.text);
    return (res.json as Parameters).parameter!.map((p) => Object.fromEntries(p.part!.map((x) => [x.name, x])) as Record<string, ParametersParameter>);
  };

  before(async () => {
    server = await startTestServer({ CONTINUUM_MAIL: `file:${mailDir}` });
    clinic = await buildClinic(server);
    alice = (await portalSignIn(server, { username: 'alice', password: PASSWORD })).access_token;
  });
  after(async () => {
    await server?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('answers 401 without a token, 403 for staff, 404 for another patient, and sends nothing', async () => {
    for (const [method, op, body] of [['POST', '$grant-proxy', grant()], ['GET', '$proxies', undefined], ['POST', '$revoke-proxy', revoke('RelatedPerson/x')]] as const) {
      const path = `/Patient/${clinic.patientA}/${op}`;
      assert.equal((await server.request(method, path, { anonymous: true, ...(body ? { body } : {}) })).status, 401, `${op} without a token`);
      const other = await server.request(method, `/Patient/${clinic.patientB}/${op}`, { token: alice, ...(body ? { body } : {}) });
      assert.equal(other.status, 404, `${op} on another patient: ${other.text}`);
    }
    const desk = await userToken(server, clinic, 'desk.kim', 'openid fhirUser user/*.cruds');
    const staff = await server.request('POST', `/Patient/${clinic.patientA}/$grant-proxy`, { token: desk, body: grant() });
    assert.equal(staff.status, 403, 'staff use $portal-invite, not the patient’s grant');
    assert.deepEqual(newMail(), []);
  });

  it('refuses bad input with a 400, storing and sending nothing', async () => {
    const before = await proxies(alice, clinic.patientA);
    const cases: [string, Parameters | Record<string, unknown>][] = [
      ['no name', grant({ name: null })],
      ['no email', grant({ email: null })],
      ['not an address', grant({ email: param('email', { valueString: 'not an address' }) })],
      ['no relationship', grant({ relationship: null })],
      ['unknown relationship', grant({ relationship: param('relationship', { valueCode: 'BOSS' }) })],
      ['until in the past', grant({ until: param('until', { valueDate: '2001-01-01' }) })],
      ['until not a date', grant({ until: param('until', { valueDate: '31/12/2030' }) })],
      ['unknown parameter', { resourceType: 'Parameters', parameter: [...grant().parameter!, { name: 'colour', valueString: 'blue' }] }],
      ['not Parameters', { resourceType: 'Patient' }],
    ];
    for (const [why, body] of cases) {
      const res = await server.request('POST', `/Patient/${clinic.patientA}/$grant-proxy`, { token: alice, body });
      assert.equal(res.status, 400, `${why}: ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome');
    }
    const bad = await server.request('POST', `/Patient/${clinic.patientA}/$revoke-proxy`, { token: alice, body: { resourceType: 'Parameters', parameter: [] } });
    assert.equal(bad.status, 400, 'revoke without relatedPerson');
    assert.deepEqual(await proxies(alice, clinic.patientA), before, 'no RelatedPerson was stored');
    assert.deepEqual(newMail(), []);
  });

  it('grant → mail → activation → the caregiver reads the record → revoke ends it at once', async () => {
    const until = `${new Date().getUTCFullYear() + 1}-06-30`;
    const res = await server.request('POST', `/Patient/${clinic.patientA}/$grant-proxy`, { token: alice, body: grant({ until: param('until', { valueDate: until }) }) });
    assert.equal(res.status, 200, res.text);
    const rpRef = (valueOf(res.json, 'relatedPerson')?.valueReference?.reference ?? '');
    assert.match(rpRef, /^RelatedPerson\/[A-Za-z0-9.-]+$/);
    assert.equal(valueOf(res.json, 'sentTo')?.valueString, 'g***@example.org');
    assert.ok(Date.parse(valueOf(res.json, 'expires')!.valueInstant!) > Date.now() + 6 * 86_400_000);

    const stored = (await server.request('GET', `/${rpRef}`)).json as RelatedPerson;
    assert.equal(stored.active, true);
    assert.equal(stored.patient.reference, `Patient/${clinic.patientA}`);
    assert.equal(stored.relationship?.[0]?.coding?.[0]?.code, 'SPS');
    assert.equal(stored.relationship?.[0]?.coding?.[0]?.system, 'http://terminology.hl7.org/CodeSystem/v3-RoleCode');
    assert.equal(stored.period?.end, until);
    assert.ok(Math.abs(Date.parse(stored.period.start!) - Date.now()) < 60_000, 'since now');

    const [mail] = newMail();
    assert.equal(mail!.header('to'), 'gale.caregiver@example.org');
    let listed = (await proxies(alice, clinic.patientA)).find((p) => p.relatedPerson?.valueReference?.reference === rpRef);
    assert.equal(listed?.status?.valueCode, 'invited');
    assert.equal(listed?.name?.valueString, 'Gale Testcaregiver');
    assert.equal(listed?.relationship?.valueCoding?.code, 'SPS');
    assert.equal(listed?.until?.valueDateTime, until);

    const done = await activate(linkIn(mail!.text), { username: 'gale', password: CAREGIVER_PASSWORD });
    assert.equal(done.res?.status, 303, done.text);
    listed = (await proxies(alice, clinic.patientA)).find((p) => p.relatedPerson?.valueReference?.reference === rpRef);
    assert.equal(listed?.status?.valueCode, 'active');

    const tok = await portalSignIn(server, { username: 'gale', password: CAREGIVER_PASSWORD });
    assert.equal(tok.patient, clinic.patientA, 'the caregiver acts for the patient who granted');
    const caregiver = tok.access_token;
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, { token: caregiver })).status, 200);
    assert.equal((await server.request('GET', `/Observation/${clinic.labA}`, { token: caregiver })).status, 200);
    const found = (await server.request('GET', '/Patient?_count=50', { token: caregiver })).json as Bundle;
    assert.deepEqual(found.entry?.map((e) => e.resource?.id), [clinic.patientA]);
    assert.equal((await server.request('GET', `/Patient/${clinic.patientB}`, { token: caregiver })).status, 404, 'only the patient who granted');

    // A proxy may not grant further, list, or revoke: the access is the patient's to give.
    const further = await server.request('POST', `/Patient/${clinic.patientA}/$grant-proxy`, { token: caregiver, body: grant({ email: param('email', { valueString: 'friend@example.org' }) }) });
    assert.equal(further.status, 403, further.text);
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}/$proxies`, { token: caregiver })).status, 403);
    assert.equal((await server.request('POST', `/Patient/${clinic.patientA}/$revoke-proxy`, { token: caregiver, body: revoke(rpRef) })).status, 403);
    assert.deepEqual(newMail(), []);

    const revoked = await server.request('POST', `/Patient/${clinic.patientA}/$revoke-proxy`, { token: alice, body: revoke(rpRef) });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(valueOf(revoked.json, 'status')?.valueCode, 'revoked');
    // The caregiver's token, already cached, stops reaching the patient on its very next call.
    const after = await server.request('GET', `/Patient/${clinic.patientA}`, { token: caregiver });
    assert.ok(after.status === 404 || after.status === 403, `after revocation: ${after.status}`);
    const search = await server.request('GET', '/Patient?_count=50', { token: caregiver });
    assert.ok(search.status === 403 || ((search.json as Bundle).entry ?? []).length === 0, `Patient? after revocation: ${search.text.slice(0, 200)}`);

    const history = (await server.request('GET', `/${rpRef}/_history`)).json as Bundle;
    assert.equal(history.entry?.length, 2, 'the grant and its revocation, history kept');
    const current = (await server.request('GET', `/${rpRef}`)).json as RelatedPerson;
    assert.equal(current.active, false);
    assert.ok(Math.abs(Date.parse(current.period!.end!) - Date.now()) < 60_000, 'ended now');
    listed = (await proxies(alice, clinic.patientA)).find((p) => p.relatedPerson?.valueReference?.reference === rpRef);
    assert.equal(listed?.status?.valueCode, 'revoked');

    const again = await server.request('POST', `/Patient/${clinic.patientA}/$revoke-proxy`, { token: alice, body: revoke(rpRef) });
    assert.equal(again.status, 200, 'revoking twice is harmless');
    assert.equal(((await server.request('GET', `/${rpRef}/_history`)).json as Bundle).entry?.length, 2, 'and writes nothing');
  });

  it('revoking before activation voids the mailed link', async () => {
    const res = await server.request('POST', `/Patient/${clinic.patientA}/$grant-proxy`, { token: alice, body: grant({ name: param('name', { valueString: 'Nell Testneighbor' }), email: param('email', { valueString: 'nell@example.org' }), relationship: param('relationship', { valueCode: 'NBOR' }) }) });
    assert.equal(res.status, 200, res.text);
    const [mail] = newMail();
    const rpRef = valueOf(res.json, 'relatedPerson')!.valueReference!.reference!;
    assert.equal((await server.request('POST', `/Patient/${clinic.patientA}/$revoke-proxy`, { token: alice, body: revoke(rpRef) })).status, 200);
    const page = await activate(linkIn(mail!.text), { password: CAREGIVER_PASSWORD });
    assert.equal(page.page.status, 410, 'the link no longer works');
  });

  it("answers 404 for another patient's RelatedPerson and leaves it alone", async () => {
    const bobs = await create(server, { resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${clinic.patientB}` }, name: [{ text: 'Bo Testparent' }] });
    const res = await server.request('POST', `/Patient/${clinic.patientA}/$revoke-proxy`, { token: alice, body: revoke(`RelatedPerson/${bobs}`) });
    assert.equal(res.status, 404, res.text);
    assert.equal(((await server.request('GET', `/RelatedPerson/${bobs}`)).json as RelatedPerson).active, true);
  });

  it('a minor cannot grant or revoke, but sees who can see their record', async () => {
    const minor = await create(server, { resourceType: 'Patient', name: [{ family: 'Testteen', given: ['Tam'] }], birthDate: `${new Date().getUTCFullYear() - 15}-01-01` });
    const parent = await create(server, { resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${minor}` }, name: [{ text: 'Pat Testteen' }], relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'PRN' }] }] });
    await create(server, { resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${minor}` }, name: [{ text: 'Emergency Contact' }] });
    const accounts = new AccountService(server.database.db);
    await accounts.create({ tenantId: clinic.tenant, username: 'tam', kind: 'patient', fhirUser: `Patient/${minor}`, password: PASSWORD });
    await accounts.create({ tenantId: clinic.tenant, username: 'pat.parent', kind: 'proxy', fhirUser: `RelatedPerson/${parent}`, password: PASSWORD });
    const tam = (await portalSignIn(server, { username: 'tam', password: PASSWORD })).access_token;
    const res = await server.request('POST', `/Patient/${minor}/$grant-proxy`, { token: tam, body: grant() });
    assert.equal(res.status, 403, res.text);
    assert.match(res.json.issue[0].diagnostics, /adult/);
    assert.equal((await server.request('POST', `/Patient/${minor}/$revoke-proxy`, { token: tam, body: revoke(`RelatedPerson/${parent}`) })).status, 403);
    const listed = await proxies(tam, minor);
    assert.deepEqual(listed.map((p) => [p.name?.valueString, p.status?.valueCode]), [['Pat Testteen', 'active']], 'the parent with an account; the mere contact is not listed');
    assert.deepEqual(newMail(), []);
  });
});
