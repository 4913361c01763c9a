/**
 * Share links over real HTTP and a real database: `$share`, `$shares`, `$share-revoke` and the
 * public `GET /share/<token>` through a link's whole life (valid → download, revoked → 410,
 * expired → 410, unknown → 404), what a link shows (nothing sensitive), that only a hash of the
 * token is stored, that each opening is in the audit trail with the patient, bad input, and who
 * may share for whom.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, create, userToken, type Clinic } from '../auth/fixtures.ts';
import { addRecord, pdfText, unresolvedReferences } from './record-fixtures.ts';

let s: TestServer;
let clinic: Clinic;
const tokens: { [user: string]: string } = {};

const params = (...parameter: ParametersParameter[]): Parameters => ({ resourceType: 'Parameters', parameter });
const value = (p: Parameters | ParametersParameter, name: string): unknown => {
  const parts = 'resourceType' in p ? p.parameter : p.part;
  const part = parts?.find((x) => x.name === name);
  return part?.valueString ?? part?.valueUrl ?? part?.valueInstant ?? part?.valueCode ?? part?.valueBoolean ?? part?.valueInteger;
};

async function share(token: string, patient: string, ...parameter: ParametersParameter[]): Promise<{ id: string; url: string; expires: string }> {
  const res = await s.request('POST', `/Patient/${patient}/$share`, { token, body: params(...parameter) });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  return { id: value(res.json, 'id') as string, url: value(res.json, 'url') as string, expires: value(res.json, 'expires') as string };
}

async function listed(token: string, patient: string, id: string): Promise<ParametersParameter | undefined> {
  const res = await s.request('GET', `/Patient/${patient}/$shares`, { token });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  return (res.json as Parameters).parameter?.find((p) => p.name === 'share' && value(p, 'id') === id);
}

before(async () => {
  s = await startTestServer();
  clinic = await buildClinic(s);
  await addRecord(s, clinic, 'Type 2 diabetes mellitus');
  // The portal's own token may write (patient/*.cu); a read-only one is a third-party app's.
  for (const user of ['alice', 'dr.okafor', 'desk.kim']) tokens[user] = await userToken(s, clinic, user, 'openid fhirUser user/*.cruds');
  tokens.aliceReadOnly = await userToken(s, clinic, 'alice', 'openid fhirUser patient/*.rs');
});
after(() => s.close());

describe('share links', () => {
  it('a FHIR link downloads the summary without sign-in, counts it and audits it with the patient', async () => {
    const link = await share(tokens.alice!, clinic.patientA, { name: 'format', valueCode: 'fhir' }, { name: 'recipient', valueString: 'Dr. Rivera, Lakeside Cardiology' }, { name: 'expiresInHours', valueInteger: 2 });
    assert.match(link.url, new RegExp(`^${s.origin}/share/[A-Za-z0-9_-]{43}$`));
    const hours = (Date.parse(link.expires) - Date.now()) / 3_600_000;
    assert.ok(hours > 1.9 && hours <= 2, `expires in ${hours} h`);

    const res = await fetch(link.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/fhir\+json/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const bundle = (await res.json()) as Bundle;
    assert.equal(bundle.type, 'document');
    assert.equal(bundle.entry?.[0]?.resource?.resourceType, 'Composition');
    assert.deepEqual(unresolvedReferences(bundle), []);
    const text = JSON.stringify(bundle);
    assert.ok(text.includes('Type 2 diabetes mellitus'));
    assert.ok(!text.includes('Alcohol use disorder'), 'a link never shares sensitive-labelled data');

    const row = await listed(tokens.alice!, clinic.patientA, link.id);
    assert.ok(row);
    assert.equal(value(row, 'recipient'), 'Dr. Rivera, Lakeside Cardiology');
    assert.equal(value(row, 'format'), 'fhir');
    assert.equal(value(row, 'revoked'), false);
    assert.equal(value(row, 'accessCount'), 1);
    assert.ok(Date.now() - Date.parse(value(row, 'lastAccessed') as string) < 60_000);

    const audit = await s.request('GET', `/AuditEvent?patient=Patient/${clinic.patientA}&_count=50`);
    assert.equal(audit.status, 200, audit.text.slice(0, 300));
    const opened = (audit.json as Bundle).entry?.map((e) => JSON.stringify(e.resource)).filter((t) => t.includes('share-link') && t.includes(link.id)) ?? [];
    assert.equal(opened.length, 1, 'one audit entry for the one opening');
    // The patient sees it in their own activity log.
    const own = await s.request('GET', `/AuditEvent?patient=Patient/${clinic.patientA}&_count=50`, { token: tokens.alice! });
    assert.equal(own.status, 200, own.text.slice(0, 300));
    assert.ok((own.json as Bundle).entry?.some((e) => JSON.stringify(e.resource).includes(link.id)));
  });

  it('stores only a hash of the token', async () => {
    const link = await share(tokens.alice!, clinic.patientA);
    const token = link.url.split('/').pop()!;
    const rows = await s.database.db.query<{ token_hash: string }>(`SELECT token_hash FROM portal_share WHERE id = $1`, [link.id]);
    assert.equal(rows.rows.length, 1);
    assert.match(rows.rows[0]!.token_hash, /^[0-9a-f]{64}$/);
    const all = await s.database.db.query(`SELECT * FROM portal_share`);
    assert.ok(!JSON.stringify(all.rows).includes(token));
  });

  it('a PDF link (the default) answers the printed summary', async () => {
    const link = await share(tokens['dr.okafor']!, clinic.patientA);
    const res = await fetch(link.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const text = await pdfText(new Uint8Array(await res.arrayBuffer()));
    assert.match(text, /Alice Testpatient/);
    assert.match(text, /Metformin 500 mg oral tablet/);
    assert.ok(!text.includes('Alcohol use disorder'));
  });

  it('a revoked link answers 410, and revoking is idempotent', async () => {
    const link = await share(tokens.alice!, clinic.patientA, { name: 'format', valueCode: 'fhir' });
    assert.equal((await fetch(link.url)).status, 200);
    const revoke = await s.request('POST', `/Patient/${clinic.patientA}/$share-revoke`, { token: tokens.alice!, body: params({ name: 'id', valueString: link.id }) });
    assert.equal(revoke.status, 200, revoke.text);
    assert.equal(value((revoke.json as Parameters).parameter![0]!, 'revoked'), true);
    const res = await fetch(link.url);
    assert.equal(res.status, 410);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /no longer available/);
    const again = await s.request('POST', `/Patient/${clinic.patientA}/$share-revoke`, { token: tokens.alice!, body: params({ name: 'id', valueString: link.id }) });
    assert.equal(again.status, 200);
    assert.equal(value((await listed(tokens.alice!, clinic.patientA, link.id))!, 'accessCount'), 1, 'the refused opening is not counted');
  });

  it('an expired link answers 410', async () => {
    const link = await share(tokens.alice!, clinic.patientA, { name: 'expiresInHours', valueInteger: 1 });
    await s.database.db.query(`UPDATE portal_share SET expires_at = now() - interval '1 second' WHERE id = $1`, [link.id]);
    const res = await fetch(link.url);
    assert.equal(res.status, 410);
    assert.match(await res.text(), /expired/);
  });

  it('an unknown or malformed token answers 404', async () => {
    for (const token of ['A'.repeat(43), 'short', '..%2F..%2Fetc']) {
      const res = await fetch(`${s.origin}/share/${token}`);
      assert.equal(res.status, 404, token);
      assert.match(await res.text(), /does not exist/);
    }
  });

  it('refuses bad input with a 400 OperationOutcome', async () => {
    const bad: ParametersParameter[][] = [
      [{ name: 'format', valueCode: 'docx' }],
      [{ name: 'expiresInHours', valueInteger: 0 }],
      [{ name: 'expiresInHours', valueInteger: 721 }],
      [{ name: 'recipient', valueString: 'x'.repeat(201) }],
    ];
    for (const parameter of bad) {
      const res = await s.request('POST', `/Patient/${clinic.patientA}/$share`, { token: tokens.alice!, body: params(...parameter) });
      assert.equal(res.status, 400, JSON.stringify(parameter));
      assert.equal(res.json.resourceType, 'OperationOutcome');
    }
    const notParams = await s.request('POST', `/Patient/${clinic.patientA}/$share`, { token: tokens.alice!, body: { resourceType: 'Patient' } });
    assert.equal(notParams.status, 400);
    const noId = await s.request('POST', `/Patient/${clinic.patientA}/$share-revoke`, { token: tokens.alice!, body: params() });
    assert.equal(noId.status, 400);
  });

  it("keeps each patient's links to those who may act for that patient", async () => {
    // Staff share on a patient's behalf; that patient's links are not another patient's to see or revoke.
    const other = await share(tokens['dr.okafor']!, clinic.patientB);
    const revoke = await s.request('POST', `/Patient/${clinic.patientA}/$share-revoke`, { token: tokens.alice!, body: params({ name: 'id', valueString: other.id }) });
    assert.equal(revoke.status, 404);
    assert.equal(await listed(tokens.alice!, clinic.patientA, other.id), undefined);
    for (const [method, op] of [['GET', '$shares'], ['POST', '$share-revoke'], ['POST', '$share']] as const) {
      const res = await s.request(method, `/Patient/${clinic.patientB}/${op}`, { token: tokens.alice!, ...(method === 'POST' ? { body: params({ name: 'id', valueString: other.id }) } : {}) });
      assert.equal(res.status, 404, op);
    }
    const desk = await s.request('POST', `/Patient/${clinic.patientA}/$share`, { token: tokens['desk.kim']!, body: params() });
    assert.equal(desk.status, 403);
    assert.equal((await fetch(other.url)).status, 200, 'still valid: nobody revoked it');
  });

  it('needs write access to make or revoke a link, read access to list them', async () => {
    const link = await share(tokens.alice!, clinic.patientA);
    const make = await s.request('POST', `/Patient/${clinic.patientA}/$share`, { token: tokens.aliceReadOnly!, body: params() });
    assert.equal(make.status, 403);
    const revoke = await s.request('POST', `/Patient/${clinic.patientA}/$share-revoke`, { token: tokens.aliceReadOnly!, body: params({ name: 'id', valueString: link.id }) });
    assert.equal(revoke.status, 403);
    assert.ok(await listed(tokens.aliceReadOnly!, clinic.patientA, link.id));
    assert.equal((await fetch(link.url)).status, 200, 'the refused revocation changed nothing');
  });

  it("shows a restricted patient's own details, and still nothing labelled sensitive", async () => {
    const restricted = await create(s, {
      resourceType: 'Patient',
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
      name: [{ family: 'Quiet', given: ['Robin'] }],
    } as Resource);
    await create(s, { resourceType: 'Condition', code: { text: 'Seasonal allergic rhinitis' }, subject: { reference: `Patient/${restricted}` } } as Resource);
    await create(s, {
      resourceType: 'Condition',
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'HIV' }] },
      code: { text: 'HIV infection' },
      subject: { reference: `Patient/${restricted}` },
    } as Resource);
    // Staff without the right to the label may not see the patient, so may not share it.
    const refused = await s.request('POST', `/Patient/${restricted}/$share`, { token: tokens['dr.okafor']!, body: params() });
    assert.equal(refused.status, 404);
    const link = await share(s.token, restricted, { name: 'format', valueCode: 'fhir' });
    const res = await fetch(link.url);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(text.includes('Quiet') && text.includes('Seasonal allergic rhinitis'));
    assert.ok(!text.includes('HIV infection'));
  });

  it('rate limits openings per address', async () => {
    let limited = 0;
    for (let i = 0; i < 25; i++) if ((await fetch(`${s.origin}/share/${'B'.repeat(43)}`)).status === 429) limited++;
    assert.ok(limited > 0, 'some attempts are refused with 429');
  });
});
