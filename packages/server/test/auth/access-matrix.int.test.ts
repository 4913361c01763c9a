/**
 * The access matrix: every role (and a patient user, and a user of another organization) against
 * every kind of FHIR interaction, on their own patient, another patient and another organization's
 * data. Each outcome is stated from the rules (roles, compartments, deny by default, 404 for what
 * may not be seen), including what `_include`, `_revinclude` and transaction entries could leak.
 * Afterwards, the audit trail must hold one entry per request, with user, action and outcome.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientRegistry } from '../../src/auth/clients.ts';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
import { AccountService } from '../../src/identity/accounts.ts';
import { clientCredentialsToken, startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, create, PASSWORD, REDIRECT, userToken, type Clinic } from './fixtures.ts';

type Who = 'physician' | 'nurse' | 'front-desk' | 'biller' | 'auditor' | 'patient' | 'other-org';
const USERS: Record<Who, string> = {
  physician: 'dr.okafor',
  nurse: 'nurse.lee',
  'front-desk': 'desk.kim',
  biller: 'bill.ng',
  auditor: 'audit.ray',
  patient: 'alice',
  'other-org': 'dr.elsewhere',
};

interface Case {
  name: string;
  method: string;
  path: (c: Clinic) => string;
  body?: (c: Clinic) => unknown;
  /** Expected status per caller. */
  expect: Record<Who, number>;
}

const obsBody = (patient: string) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: `Patient/${patient}` },
  valueQuantity: { value: 70, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});

// Columns:            physician nurse front-desk biller auditor patient other-org
const row = (p: number, n: number, f: number, b: number, a: number, pt: number, o: number): Record<Who, number> => ({
  physician: p,
  nurse: n,
  'front-desk': f,
  biller: b,
  auditor: a,
  patient: pt,
  'other-org': o,
});

const CASES: Case[] = [
  { name: 'read own patient', method: 'GET', path: (c) => `/Patient/${c.patientA}`, expect: row(200, 200, 200, 200, 403, 200, 404) },
  { name: 'read another patient', method: 'GET', path: (c) => `/Patient/${c.patientB}`, expect: row(200, 200, 200, 200, 403, 404, 404) },
  { name: 'read a lab', method: 'GET', path: (c) => `/Observation/${c.labA}`, expect: row(200, 200, 403, 403, 403, 200, 404) },
  { name: "read another patient's lab", method: 'GET', path: (c) => `/Observation/${c.obsB}`, expect: row(200, 200, 403, 403, 403, 404, 404) },
  { name: 'vread a lab', method: 'GET', path: (c) => `/Observation/${c.labA}/_history/1`, expect: row(200, 200, 403, 403, 403, 200, 404) },
  { name: 'history of a lab', method: 'GET', path: (c) => `/Observation/${c.labA}/_history`, expect: row(200, 200, 403, 403, 403, 200, 404) },
  { name: 'read a clinical note', method: 'GET', path: (c) => `/DocumentReference/${c.noteA}`, expect: row(200, 200, 403, 403, 403, 200, 404) },
  { name: 'read a restricted (SUD) diagnosis', method: 'GET', path: (c) => `/Condition/${c.restrictedA}`, expect: row(404, 404, 403, 404, 403, 200, 404) },
  { name: 'search labs', method: 'GET', path: () => '/Observation?category=laboratory', expect: row(200, 200, 403, 403, 403, 200, 200) },
  { name: 'search patients', method: 'GET', path: () => '/Patient', expect: row(200, 200, 200, 200, 403, 200, 200) },
  { name: 'create a vital for own patient', method: 'POST', path: () => '/Observation', body: (c) => obsBody(c.patientA), expect: row(201, 201, 403, 403, 403, 201, 201) },
  { name: 'create a vital for another patient', method: 'POST', path: () => '/Observation', body: (c) => obsBody(c.patientB), expect: row(201, 201, 403, 403, 403, 403, 201) },
  // Ids belong to an organization: the same id in another organization is a create of its own,
  // which neither reveals nor touches this organization's resource.
  { name: 'update a lab', method: 'PUT', path: (c) => `/Observation/${c.labA}`, body: (c) => ({ ...obsBody(c.patientA), id: c.labA }), expect: row(200, 200, 403, 403, 403, 200, 201) },
  { name: "update another patient's lab", method: 'PUT', path: (c) => `/Observation/${c.obsB}`, body: (c) => ({ ...obsBody(c.patientB), id: c.obsB }), expect: row(200, 200, 403, 403, 403, 404, 201) },
  // Patients book through Appointment/$book (portal/scheduling), which keeps the booking rules.
  { name: 'create an appointment', method: 'POST', path: () => '/Appointment', body: (c) => ({ resourceType: 'Appointment', status: 'proposed', participant: [{ actor: { reference: `Patient/${c.patientA}` }, status: 'needs-action' }] }), expect: row(201, 201, 201, 403, 403, 403, 201) },
  { name: 'create a claim', method: 'POST', path: () => '/Claim', body: (c) => claim(c.patientA), expect: row(403, 403, 403, 201, 403, 403, 403) },
  { name: 'search the audit trail', method: 'GET', path: () => '/AuditEvent?_count=5', expect: row(403, 403, 403, 403, 200, 200, 403) },
  // $everything answers with what the caller may see: the front desk and billing get the
  // demographics and financial parts, never the clinical ones (checked below for leaks).
  { name: '$everything on own patient', method: 'GET', path: (c) => `/Patient/${c.patientA}/$everything`, expect: row(200, 200, 200, 200, 403, 200, 404) },
  { name: '$everything on another patient', method: 'GET', path: (c) => `/Patient/${c.patientB}/$everything`, expect: row(200, 200, 200, 200, 403, 404, 404) },
  { name: 'compartment search of another patient', method: 'GET', path: (c) => `/Patient/${c.patientB}/Observation`, expect: row(200, 200, 403, 403, 403, 404, 404) },
  // The physician deletes it first; the nurse then finds it gone. Patients never delete.
  { name: 'delete a vital', method: 'DELETE', path: (c) => `/Observation/${c.vitalA}`, expect: row(204, 410, 403, 403, 403, 403, 404) },
];

function claim(patient: string) {
  return {
    resourceType: 'Claim',
    status: 'active',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
    use: 'claim',
    patient: { reference: `Patient/${patient}` },
    created: '2026-01-01',
    provider: { display: 'Riverside Family Practice' },
    priority: { coding: [{ code: 'normal' }] },
    insurance: [{ sequence: 1, focal: true, coverage: { display: 'Acme Health' } }],
  };
}

describe('access matrix: roles, patients and organizations', () => {
  let server: TestServer;
  let clinic: Clinic;
  const tokens = new Map<Who, string>();
  const sent: { who: Who; name: string; status: number }[] = [];

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    // A second organization: its own system client, data and physician.
    const clients = new ClientRegistry(server.database.db);
    const orgB = { id: 'org-b-system', secret: 'org-b-system-secret-0123456789abcdef' };
    await clients.ensureBootstrap('org-b', orgB.id, orgB.secret);
    const orgBToken = await clientCredentialsToken(server.origin, orgB);
    const asB = { ...server, request: (m: string, p: string, o = {}) => server.request(m, p, { ...o, token: orgBToken }) } as TestServer;
    const prac = await create(asB, { resourceType: 'Practitioner', name: [{ family: 'Elsewhere' }] });
    const org = await create(asB, { resourceType: 'Organization', name: 'Hilltop Hospital' });
    await create(asB, { resourceType: 'Patient', name: [{ family: 'Hilltop' }] });
    await new AccountService(server.database.db).create({ tenantId: 'org-b', username: 'dr.elsewhere', kind: 'staff', roles: ['physician'], fhirUser: `Practitioner/${prac}`, organization: `Organization/${org}`, password: PASSWORD });
    await clients.add({ clientId: 'growth-chart-b', tenantId: 'org-b', name: 'Growth Chart', auth: 'none', redirectUris: [REDIRECT], scope: 'openid fhirUser user/*.cruds' });

    for (const who of Object.keys(USERS) as Who[]) {
      if (who === 'other-org') tokens.set(who, await userToken(server, { ...clinic, appId: 'growth-chart-b' }, USERS[who]));
      else tokens.set(who, await userToken(server, clinic, USERS[who]));
    }
  });
  after(async () => {
    await server?.close();
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const wrong: string[] = [];
      for (const who of Object.keys(USERS) as Who[]) {
        const res = await server.request(c.method, c.path(clinic), { token: tokens.get(who)!, ...(c.body ? { body: c.body(clinic) } : {}) });
        sent.push({ who, name: c.name, status: res.status });
        if (res.status !== c.expect[who]) wrong.push(`${who}: ${res.status} (expected ${c.expect[who]}) ${res.status >= 400 ? res.text.slice(0, 160) : ''}`);
        if (res.status === 200 && res.json?.resourceType === 'Bundle') {
          // Nothing in a bundle may belong to a patient the caller cannot see.
          const json = res.text;
          if (who === 'patient') assert.ok(!json.includes(`Patient/${clinic.patientB}"`) && !json.includes(`"id":"${clinic.patientB}"`), `${c.name}: patient bundle leaks patient B`);
          if (who === 'other-org') assert.ok(!json.includes(clinic.patientA) && !json.includes(clinic.patientB), `${c.name}: other organization sees this one's patients`);
          if (who !== 'patient') assert.ok(!json.includes(clinic.restrictedA), `${c.name}: ${who} sees the restricted diagnosis`);
          if (who === 'front-desk' || who === 'biller') {
            assert.ok(!/"resourceType":"(Observation|DocumentReference)"/.test(json), `${c.name}: ${who} sees clinical results or notes`);
          }
        }
      }
      assert.deepEqual(wrong, []);
    });
  }

  it('does not leak through _include, _revinclude or transaction entries', async () => {
    const patient = tokens.get('patient')!;
    const inc = await server.request('GET', `/Observation?_include=Observation:subject&_revinclude=Provenance:target&_count=100`, { token: patient });
    assert.equal(inc.status, 200);
    const types = (inc.json.entry ?? []).map((e: { resource: { resourceType: string; id: string } }) => `${e.resource.resourceType}/${e.resource.id}`);
    assert.ok(types.includes(`Patient/${clinic.patientA}`), 'types.includes(`Patient/${clinic.patientA}`)');
    assert.ok(!types.includes(`Patient/${clinic.patientB}`), '!types.includes(`Patient/${clinic.patientB}`)');
    // Another patient's data reached by reverse include from a visible resource.
    const rev = await server.request('GET', `/Patient?_revinclude=Observation:subject&_count=100`, { token: patient });
    assert.ok(!(rev.json.entry ?? []).some((e: { resource: { id: string } }) => e.resource.id === clinic.obsB), '!(rev.json.entry ?? []).some((e: { resource: { id: string } }) => e.resource.id ');
    // The front desk sees Patients, but _revinclude may not add Observations it cannot read.
    const desk = await server.request('GET', `/Patient?_revinclude=Observation:subject&_count=100`, { token: tokens.get('front-desk')! });
    assert.equal(desk.status, 200);
    assert.ok(!(desk.json.entry ?? []).some((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Observation'), '!(desk.json.entry ?? []).some((e: { resource: { resourceType: string } }) => e.r');
    // A transaction with one entry the caller may not write fails whole: nothing is stored.
    const before = await server.request('GET', `/Observation?subject=Patient/${clinic.patientA}&_summary=count`);
    const tx = await server.request('POST', '', {
      token: patient,
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: obsBody(clinic.patientA), request: { method: 'POST', url: 'Observation' } },
          { resource: obsBody(clinic.patientB), request: { method: 'POST', url: 'Observation' } },
        ],
      },
    });
    assert.equal(tx.status, 403);
    const afterCount = await server.request('GET', `/Observation?subject=Patient/${clinic.patientA}&_summary=count`);
    assert.equal(afterCount.json.total, before.json.total, 'the allowed entry was rolled back with the refused one');
    // A patch that would move the patient's own lab into another patient's record is refused whole.
    const patch = await server.request('PATCH', `/Observation/${clinic.labA}`, {
      token: patient,
      raw: JSON.stringify([{ op: 'replace', path: '/subject/reference', value: `Patient/${clinic.patientB}` }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    assert.equal(patch.status, 403, patch.text.slice(0, 200));
    const lab = await server.request('GET', `/Observation/${clinic.labA}`);
    assert.equal(lab.json.subject.reference, `Patient/${clinic.patientA}`, 'nothing was stored');
    const ownPatch = await server.request('PATCH', `/Observation/${clinic.labA}`, {
      token: patient,
      raw: JSON.stringify([{ op: 'replace', path: '/status', value: 'amended' }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    assert.equal(ownPatch.status, 200, ownPatch.text.slice(0, 200));
    // A batch answers each entry for itself.
    const batch = await server.request('POST', '', {
      token: patient,
      body: { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: `Patient/${clinic.patientA}` } }, { request: { method: 'GET', url: `Patient/${clinic.patientB}` } }] },
    });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.json.entry.map((e: { response: { status: string } }) => e.response.status.slice(0, 3)), ['200', '404']);
  });

  it('lets a clinician break the glass for a restricted record, for a limited time, audited at high priority', async () => {
    const doc = tokens.get('physician')!;
    assert.equal((await server.request('GET', `/Condition/${clinic.restrictedA}`, { token: doc })).status, 404);
    const noReason = await fetch(`${server.origin}/auth/break-glass`, { method: 'POST', headers: { authorization: `Bearer ${doc}`, 'content-type': 'application/json' }, body: JSON.stringify({ patient: clinic.patientA }) });
    assert.equal(noReason.status, 400);
    const desk = await fetch(`${server.origin}/auth/break-glass`, { method: 'POST', headers: { authorization: `Bearer ${tokens.get('front-desk')}`, 'content-type': 'application/json' }, body: JSON.stringify({ patient: clinic.patientA, reason: 'Patient unconscious in the ED' }) });
    assert.equal(desk.status, 403, 'only clinicians may break the glass');
    const bg = await fetch(`${server.origin}/auth/break-glass`, { method: 'POST', headers: { authorization: `Bearer ${doc}`, 'content-type': 'application/json' }, body: JSON.stringify({ patient: clinic.patientA, reason: 'Patient unconscious in the ED, need full history', minutes: 30 }) });
    assert.equal(bg.status, 201);
    const { expires } = (await bg.json()) as { expires: string };
    const minutes = (Date.parse(expires) - Date.now()) / 60_000;
    assert.ok(minutes > 29 && minutes <= 30, `granted for ${minutes} minutes`);
    assert.equal((await server.request('GET', `/Condition/${clinic.restrictedA}`, { token: doc })).status, 200);
    // Another clinician is still kept out.
    assert.equal((await server.request('GET', `/Condition/${clinic.restrictedA}`, { token: tokens.get('nurse')! })).status, 404);
    const trail = new AuditTrail(server.database.db);
    const rows = await trail.search({ tenant: 'default', action: 'break-glass' });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.priority, 'high');
    assert.deepEqual(rows[0]!.patients, [clinic.patientA]);
    assert.match(rows[0]!.detail ?? '', /unconscious/);
  });

  it('audited every request of the matrix: user, action, outcome and patient', async () => {
    const trail = new AuditTrail(server.database.db);
    const t0 = Date.now();
    const rows = [];
    for (let after: string | undefined; ; ) {
      const page = await trail.search({ tenant: 'default', count: 1000, ...(after ? { after } : {}) });
      rows.push(...page);
      if (page.length < 1000) break;
      after = page[page.length - 1]!.seq;
    }
    console.log(`# ${rows.length} audit entries read in ${Date.now() - t0} ms`);
    const matrix = sent.filter((s) => s.who !== 'other-org');
    const fhirRows = rows.filter((r) => ['read', 'vread', 'search', 'history', 'create', 'update', 'delete', 'operation', 'patch', 'transaction'].includes(r.action));
    for (const who of Object.keys(USERS) as Who[]) {
      if (who === 'other-org') continue;
      const mine = fhirRows.filter((r) => r.username === USERS[who]);
      const expected = matrix.filter((s) => s.who === who).length;
      assert.ok(mine.length >= expected, `${who}: ${mine.length} audit entries for ${expected} requests`);
      const denied = mine.filter((r) => r.outcome === 'denied').length;
      const refused = matrix.filter((s) => s.who === who && s.status === 403).length;
      assert.ok(denied >= refused, `${who}: ${denied} denied entries for ${refused} refusals`);
    }
    const readA = fhirRows.find((r) => r.username === 'dr.okafor' && r.action === 'read' && r.resource === `Patient/${clinic.patientA}`);
    assert.ok(readA, 'the physician read of patient A is audited');
    assert.deepEqual(readA.patients, [clinic.patientA]);
    assert.equal(readA.outcome, 'success');
    assert.equal(readA.clientId, clinic.appId);
    assert.match(readA.sourceIp ?? '', /127\.0\.0\.1/);
    const search = fhirRows.find((r) => r.username === 'dr.okafor' && r.action === 'search' && r.resource === 'Observation');
    assert.ok(search && search.patients.includes(clinic.patientA) && search.patients.includes(clinic.patientB), 'a search lists the patients it returned');
    // Every user of this organization logged in once (the other organization's login is in its own trail).
    const logins = rows.filter((r) => r.action === 'login');
    assert.equal(new Set(logins.map((r) => r.username)).size, Object.keys(USERS).length - 1, 'one login per user');
    assert.ok((await trail.verify()).ok, 'the chain is intact');
  });

  it('keeps organizations apart for their own system clients too', async () => {
    const orgB = await clientCredentialsToken(server.origin, { id: 'org-b-system', secret: 'org-b-system-secret-0123456789abcdef' });
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, { token: orgB })).status, 404);
    const all = await server.request('GET', '/Patient?_count=100', { token: orgB });
    assert.deepEqual((all.json.entry ?? []).map((e: { resource: { name: { family: string }[] } }) => e.resource.name[0]!.family), ['Hilltop']);
  });
});
