/**
 * Search criteria respect what the caller may read, over real HTTP. `_has` and chains look
 * through other resources; those must be held to the caller's rights like the matches are, or a
 * criterion reveals that a hidden resource exists: a psychotherapy diagnosis (sensitivity label),
 * a celebrity's name (confidentiality `R`), another organization's data, a lab result outside a
 * SMART v2 scope filter. A `_has` or chain through a type the caller's role may not read at all
 * is refused (403), never silently dropped. Conditional writes find only what the caller sees.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Resource } from '@medplum/fhirtypes';
import { ClientRegistry } from '../../src/auth/clients.ts';
import { AccountService } from '../../src/identity/accounts.ts';
import { clientCredentialsToken, startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, create, PASSWORD, userToken, type Clinic } from './fixtures.ts';

const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';

const condition = (patient: string, code: string, label?: string): Resource => ({
  resourceType: 'Condition',
  ...(label ? { meta: { security: [{ system: ACT, code: label }] } } : {}),
  code: { coding: [{ system: ICD, code }] },
  subject: { reference: `Patient/${patient}` },
} as Resource);

interface Bundle {
  total?: number;
  entry?: { resource: { id: string } }[];
}

describe('search criteria respect what the caller may read', () => {
  let server: TestServer;
  let clinic: Clinic;
  const tokens: Record<string, string> = {};
  let psyB = '';
  let psyA = '';
  let plainA = '';
  let notesA = '';
  let hidden = '';
  let hiddenObs = '';

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    // Patient B's depression diagnosis, labelled PSY (mental health); patient A's, labelled PSY
    // too, and a psychotherapy note label (PSYTHPN) on another of A's.
    psyB = await create(server, condition(clinic.patientB, 'F32.9', 'PSY'));
    psyA = await create(server, condition(clinic.patientA, 'F41.1', 'PSY'));
    notesA = await create(server, condition(clinic.patientA, 'F43.1', 'PSYTHPN'));
    plainA = await create(server, condition(clinic.patientA, 'E11.9'));
    for (const value of [70, 74]) {
      await create(server, {
        resourceType: 'Observation',
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        subject: { reference: `Patient/${clinic.patientB}` },
        valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      } as Resource);
    }
    // A celebrity's record: the Patient itself is restricted (v3-Confidentiality R), their vitals are not.
    hidden = await create(server, {
      resourceType: 'Patient',
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
      name: [{ family: 'Starling', given: ['Vera'] }],
    } as Resource);
    hiddenObs = await create(server, {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      subject: { reference: `Patient/${hidden}` },
    } as Resource);

    const accounts = new AccountService(server.database.db);
    const practitioner = `Practitioner/${clinic.practitioner}`;
    const organization = `Organization/${clinic.organization}`;
    await accounts.create({ tenantId: clinic.tenant, username: 'dr.psych', kind: 'staff', roles: ['physician'], fhirUser: practitioner, organization, password: PASSWORD });
    await accounts.create({ tenantId: clinic.tenant, username: 'dr.vip', kind: 'staff', roles: ['physician'], fhirUser: practitioner, organization, password: PASSWORD });
    // Rights are granted by an administrator outside the FHIR API (user_account.security_rights).
    await server.database.db.query(`UPDATE user_account SET security_rights = $1 WHERE username = 'dr.psych'`, [['PSY']]);
    await server.database.db.query(`UPDATE user_account SET security_rights = $1 WHERE username = 'dr.vip'`, [['R']]);
    for (const u of ['dr.okafor', 'dr.psych', 'dr.vip', 'desk.kim', 'bill.ng', 'alice']) tokens[u] = await userToken(server, clinic, u);
  });
  after(async () => {
    await server?.close();
  });

  const search = async (path: string, who: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Bundle & { resourceType: string; issue?: { code: string }[] } }> => {
    const res = await server.request('GET', path, { token: tokens[who] ?? who, headers });
    return { status: res.status, json: res.json };
  };
  const found = async (path: string, who: string): Promise<string[]> => {
    const res = await search(path, who);
    assert.equal(res.status, 200, `${who} ${path}: ${JSON.stringify(res.json).slice(0, 300)}`);
    return (res.json.entry ?? []).map((e) => e.resource.id).sort();
  };

  it('_has does not match on a labelled Condition the caller may not see, and does for one who may', async () => {
    const q = `/Patient?_has:Condition:patient:code=${ICD}|F32.9`;
    assert.deepEqual(await found(q, server.token), [clinic.patientB], 'the criterion matches for an unrestricted client');
    assert.deepEqual(await found(q, 'dr.okafor'), [], 'a physician without the PSY right finds no patient');
    assert.deepEqual(await found(q, 'bill.ng'), [], 'nor does a biller (who reads diagnoses, not labelled ones)');
    assert.deepEqual(await found(q, 'dr.psych'), [clinic.patientB], 'a physician with the PSY right does');
    assert.deepEqual(await found(`/Patient?_has:Condition:patient:code=${ICD}|E11.9`, 'dr.okafor'), [clinic.patientA], 'an unlabelled diagnosis matches');
    const count = await search(`${q}&_summary=count`, 'dr.okafor');
    assert.equal(count.json.total, 0, 'the hidden match is not counted either');
  });

  it('opens labels for the patient’s own record and for a broken glass, never psychotherapy notes', async () => {
    const own = `/Patient?_has:Condition:patient:code=${ICD}|F41.1`;
    const notes = `/Patient?_has:Condition:patient:code=${ICD}|F43.1`;
    assert.deepEqual(await found(own, 'alice'), [clinic.patientA], 'a patient’s own labelled diagnosis matches for them');
    assert.deepEqual(await found(notes, 'alice'), [], 'but not a psychotherapy note, even their own');
    assert.deepEqual(await found(`/Patient?_has:Condition:patient:code=${ICD}|F32.9`, 'alice'), [], 'nor another patient’s anything');
    assert.deepEqual(await found(own, 'dr.okafor'), [], 'the physician does not see A’s labelled diagnosis');
    const bg = await fetch(`${server.origin}/auth/break-glass`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['dr.okafor']!}`, 'content-type': 'application/json' },
      body: JSON.stringify({ patient: clinic.patientA, reason: 'Unresponsive in clinic, need psychiatric history', minutes: 5 }),
    });
    assert.equal(bg.status, 201, 'break-the-glass granted');
    assert.deepEqual(await found(own, 'dr.okafor'), [clinic.patientA], 'after breaking the glass for A, A’s labelled diagnosis matches');
    assert.deepEqual(await found(notes, 'dr.okafor'), [], 'psychotherapy notes stay closed');
    assert.deepEqual(await found(`/Patient?_has:Condition:patient:code=${ICD}|F32.9`, 'dr.okafor'), [], 'the glass is broken for A only');
    const conditions = await search('/Condition?_count=100&_total=accurate', 'dr.okafor');
    const seen = (conditions.json.entry ?? []).map((e) => e.resource.id);
    assert.ok(seen.includes(psyA) && !seen.includes(psyB) && !seen.includes(notesA), 'the matches follow the same rules');
    assert.equal(conditions.json.total, seen.length, 'and the total counts exactly them');
  });

  it('a chain does not reveal a restricted Patient’s name, unless the caller holds the right', async () => {
    const q = '/Observation?subject:Patient.name=Starling';
    assert.deepEqual(await found(q, server.token), [hiddenObs], 'the chain matches for an unrestricted client');
    assert.deepEqual(await found(q, 'dr.okafor'), [], 'no match through a Patient the physician may not see');
    assert.deepEqual(await found('/Observation?subject.name=Starling', 'dr.okafor'), [], 'nor without the :Patient type');
    assert.deepEqual(await found(q, 'dr.vip'), [hiddenObs], 'a physician with the R right finds it');
    assert.deepEqual(await found(`/Patient?name=Starling`, 'dr.okafor'), [], 'a plain search agrees');
  });

  it('refuses a _has or chain through a type the role may not read (403), in lenient and strict handling', async () => {
    for (const prefer of ['handling=lenient', 'handling=strict']) {
      const desk = await search(`/Patient?_has:Condition:patient:code=${ICD}|F32.9`, 'desk.kim', { prefer });
      assert.equal(desk.status, 403, `front desk _has through Condition (${prefer})`);
      assert.equal(desk.json.resourceType, 'OperationOutcome', 'an OperationOutcome');
      assert.equal(desk.json.issue?.[0]?.code, 'forbidden', 'issue code forbidden');
    }
    const notes = await search('/Patient?_has:DocumentReference:subject:status=current', 'desk.kim');
    assert.equal(notes.status, 403, 'front desk may not search through clinical notes');
    const billerHas = await search('/Patient?_has:Observation:subject:code=2345-7', 'bill.ng');
    assert.equal(billerHas.status, 403, 'a biller may not search through lab results');
    // A chain with several possible targets keeps the readable ones; one with none is refused.
    assert.deepEqual(await found('/Condition?subject.name=Otherpatient', 'bill.ng'), [], 'Patient is readable: the chain runs (B’s only diagnosis is labelled)');
    assert.deepEqual(await found('/Condition?subject.name=Testpatient', 'bill.ng'), [plainA], 'the biller finds A’s one unlabelled diagnosis through the chain');
    const group = await search('/Condition?subject:Group.code=x', 'bill.ng');
    assert.equal(group.status, 403, 'a chain through Group only is refused for a biller');
    const deep = await search('/Patient?_has:Encounter:patient:_has:DocumentReference:encounter:status=current', 'bill.ng');
    assert.equal(deep.status, 403, 'a nested _has through an unreadable type is refused');
  });

  it('keeps another organization’s data out of the criteria', async () => {
    const clients = new ClientRegistry(server.database.db);
    const orgB = { id: 'org-b-system', secret: 'org-b-system-secret-0123456789abcdef' };
    await clients.ensureBootstrap('org-b', orgB.id, orgB.secret);
    const tokenB = await clientCredentialsToken(server.origin, orgB);
    // Organization B stores a diagnosis for a Patient whose id is patient A's in this organization.
    const res = await server.request('POST', '/Condition', { token: tokenB, body: condition(clinic.patientA, 'C50.9') });
    assert.equal(res.status, 201, res.text.slice(0, 200));
    const q = `/Patient?_has:Condition:patient:code=${ICD}|C50.9`;
    assert.deepEqual(await found(q, 'dr.okafor'), [], 'another organization’s Condition does not match here');
    assert.deepEqual(await found(q, server.token), [], 'not even for this organization’s system client');
    assert.deepEqual(await found(`/Condition?patient:Patient.name=Testpatient&code=${ICD}|C50.9`, tokenB), [], 'nor does a chain from B reach A’s Patient');
  });

  it('holds a SMART v2 scope filter in the criteria, and fills pages under it', async () => {
    const vitalsOnly = await userToken(server, clinic, 'dr.okafor', 'openid fhirUser user/Patient.rs user/Observation.rs?category=vital-signs');
    const lab = await found('/Patient?_has:Observation:subject:code=2345-7', vitalsOnly);
    assert.deepEqual(lab, [], 'lab results are outside the scope: no match through them');
    const vital = await found('/Patient?_has:Observation:subject:code=8867-4', vitalsOnly);
    assert.ok(vital.includes(clinic.patientA), 'vital signs are inside it');
    const all = await search('/Observation?category=vital-signs&_total=accurate', server.token);
    assert.equal(all.json.total, 3, 'three vital signs in all (A’s and two of B’s)');
    const page = await search('/Observation?_count=2&_total=accurate', vitalsOnly);
    assert.equal(page.json.entry?.length, 2, 'a full first page although labs come first in the table');
    assert.equal(page.json.total, 3, 'the total counts vital signs only');
  });

  it('conditional writes find only what the caller may see', async () => {
    const before = await server.request('GET', `/Condition/${psyB}`);
    // The criteria name the hidden resource: no match, so a new resource is created beside it.
    const put = await server.request('PUT', `/Condition?_id=${psyB}`, { token: tokens['dr.okafor']!, body: condition(clinic.patientB, 'Z00.0') });
    assert.equal(put.status, 201, `a conditional update that matches nothing visible creates: ${put.text.slice(0, 200)}`);
    assert.notEqual(put.json.id, psyB, 'the hidden resource is not the one written');
    // No match, and the body names the hidden resource's id: refused as if it did not exist.
    const byId = await server.request('PUT', `/Condition?code=${ICD}|nothing`, { token: tokens['dr.okafor']!, body: { ...condition(clinic.patientB, 'Z00.0'), id: psyB } });
    assert.equal(byId.status, 404, `the body's id names a resource the caller may not see: ${byId.text.slice(0, 200)}`);
    const del = await server.request('DELETE', `/Condition?_id=${psyB}`, { token: tokens['dr.okafor']! });
    assert.equal(del.status, 204, 'a conditional delete that matches nothing visible deletes nothing');
    const after = await server.request('GET', `/Condition/${psyB}`);
    assert.equal(after.status, 200, 'the hidden diagnosis is still there');
    assert.equal(after.json.meta.versionId, before.json.meta.versionId, 'untouched');
    const ifNone = await server.request('POST', '/Condition', { token: tokens['dr.okafor']!, headers: { 'if-none-exist': `_id=${psyB}` }, body: condition(clinic.patientB, 'Z00.1') });
    assert.equal(ifNone.status, 201, 'If-None-Exist does not answer with (or reveal) the hidden match');
  });
});
