/**
 * Disclosure to a partner organization (`Patient/[id]/$everything` for a partner principal) over a
 * real database, and `$exchange-consent` and `$data-holders` over real HTTP:
 * - the partner path runs in-process through the FHIR router (the real guard, the real
 *   repository; the audit entries collected), since a partner principal comes from the partners
 *   part's bearer mapping; the same checks over real HTTP with a partner client's token run when
 *   this build maps it (after the partners part is merged) and are skipped, saying so, before;
 * - opt-in by default (403, audited denied, recorded), the purpose header (400), a permit for the
 *   organization (the patient's resources, not another patient's, no sensitive labels), sensitive
 *   labels permitted explicitly, a deny for the organization beating a general permit;
 * - who may read and change the consent, and who may see the data holders.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { isOutcomeError } from '@continuum/fhir';
import { route } from '../../../src/api/router.ts';
import type { FhirRequest, FhirResponse } from '../../../src/api/types.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';
import { buildClinic, userToken, type Clinic } from '../../auth/fixtures.ts';
import { addProxy, bearerMapsPartners, params, partnerClient, partnerContext, partnerOrganization, type PartnerContext } from './exchange-fixtures.ts';

let s: TestServer;
let clinic: Clinic;
let lakeside: string;
let hillcrest: string;
let asLakeside: PartnerContext;
const tokens: Record<string, string> = {};

/** The router's answer, or the status of the OperationOutcome it threw. */
async function call(pc: PartnerContext, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body?: FhirResponse['body']; text: string }> {
  const req: FhirRequest = { method, path, query: [], headers };
  try {
    const res = await route(pc.ctx, req);
    return { status: res.status, ...(res.body !== undefined ? { body: res.body } : {}), text: JSON.stringify(res.body) };
  } catch (err) {
    if (!isOutcomeError(err)) throw err;
    return { status: err.status, text: JSON.stringify(err.outcome) };
  }
}

const ids = (b: unknown): string[] => ((b as Bundle).entry ?? []).map((e) => `${e.resource!.resourceType}/${e.resource!.id!}`);
const part = (p: ParametersParameter, name: string) => p.part?.find((x) => x.name === name);
const orgDecision = (p: Parameters, org: string): ParametersParameter | undefined => p.parameter?.find((x) => x.name === 'organization' && part(x, 'organization')?.valueReference?.reference === `Organization/${org}`);

async function disclosures(patient: string): Promise<{ organization_id: string; outcome: string; resources: number; kind: string }[]> {
  const { rows } = await s.database.db.query<{ organization_id: string; outcome: string; resources: number; kind: string }>(
    'SELECT organization_id, outcome, resources, kind FROM exchange_disclosure WHERE patient_id = $1 ORDER BY id',
    [patient],
  );
  return rows;
}

async function setConsent(token: string, patient: string, ...parameter: ParametersParameter[]): Promise<Parameters> {
  const res = await s.request('POST', `/Patient/${patient}/$exchange-consent`, { token, body: params(...parameter) });
  assert.equal(res.status, 200, res.text.slice(0, 400));
  return res.json as Parameters;
}

before(async () => {
  s = await startTestServer();
  clinic = await buildClinic(s);
  lakeside = await partnerOrganization(s, 'Lakeside Hospital');
  hillcrest = await partnerOrganization(s, 'Hillcrest Cardiology');
  asLakeside = await partnerContext(s, clinic.tenant, lakeside, 'Lakeside Hospital');
  await addProxy(s, clinic, clinic.patientB, 'mother.of.bob');
  for (const user of ['alice', 'dr.okafor', 'nurse.lee', 'desk.kim', 'bill.ng', 'audit.ray', 'mother.of.bob']) tokens[user] = await userToken(s, clinic, user, 'openid fhirUser user/*.cruds');
});
after(() => s.close());

describe('disclosure to a partner organization', () => {
  it('discloses nothing without the patient’s consent (opt-in): 403, audited denied, recorded', async () => {
    const res = await call(asLakeside, 'GET', `/Patient/${clinic.patientA}/$everything`, { 'x-purpose-of-use': 'TREAT' });
    assert.equal(res.status, 403);
    assert.match(res.text, /forbidden/);
    assert.match(res.text, /consent/);
    const denied = asLakeside.audits.at(-1)!;
    assert.equal(denied.action, 'export');
    assert.equal(denied.outcome, 'denied');
    assert.deepEqual(denied.patients, [clinic.patientA]);
    assert.match(denied.detail ?? '', new RegExp(`Organization/${lakeside}`));
    assert.doesNotMatch(denied.detail ?? '', /Testpatient|Alice/);
    assert.deepEqual(await disclosures(clinic.patientA), [{ organization_id: lakeside, outcome: 'denied', resources: 0, kind: 'query' }]);
  });

  it('needs a purpose of use: 400 without one or with an unknown one, and nothing disclosed', async () => {
    assert.equal((await call(asLakeside, 'GET', `/Patient/${clinic.patientA}/$everything`)).status, 400);
    assert.equal((await call(asLakeside, 'GET', `/Patient/${clinic.patientA}/$everything`, { 'x-purpose-of-use': 'MARKETING' })).status, 400);
  });

  it('a partner reaches only the exchange operations', async () => {
    assert.equal((await call(asLakeside, 'GET', `/Patient/${clinic.patientA}`)).status, 403);
    assert.equal((await call(asLakeside, 'GET', `/Patient/${clinic.patientA}/$exchange-consent`)).status, 403);
  });

  it('with the patient’s permit for the organization: the patient’s record, no other patient’s, no sensitive labels', async () => {
    const answer = await setConsent(tokens.alice!, clinic.patientA, { name: 'organization', valueReference: { reference: `Organization/${lakeside}` } }, { name: 'decision', valueCode: 'permit' });
    assert.equal(part(orgDecision(answer, lakeside)!, 'decision')?.valueCode, 'permit');
    assert.equal(part(orgDecision(answer, hillcrest)!, 'decision')?.valueCode, 'deny', 'opt-in: the other partner still gets nothing');
    const res = await call(asLakeside, 'GET', `/Patient/${clinic.patientA}/$everything`, { 'x-purpose-of-use': 'TREAT', 'x-on-behalf-of': 'Practitioner/77|Dr. Remote' });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    const got = ids(res.body);
    for (const want of [`Patient/${clinic.patientA}`, `Observation/${clinic.labA}`, `Observation/${clinic.vitalA}`, `DocumentReference/${clinic.noteA}`]) assert.ok(got.includes(want), want);
    assert.ok(!got.includes(`Condition/${clinic.restrictedA}`), 'the substance-use record is withheld');
    assert.ok(!got.includes(`Observation/${clinic.obsB}`) && !got.includes(`Patient/${clinic.patientB}`), 'nothing of another patient');
    const ok = asLakeside.audits.at(-1)!;
    assert.equal(ok.outcome, 'success');
    assert.match(ok.detail ?? '', new RegExp(`disclosure to Organization/${lakeside} for TREAT: ${got.length} resources \\(1 withheld\\) \\(on behalf of Practitioner/77\\)`));
    assert.deepEqual((await disclosures(clinic.patientA)).at(-1), { organization_id: lakeside, outcome: 'disclosed', resources: got.length, kind: 'query' });
    // Another partner, without a permit, still gets nothing.
    const asHillcrest = await partnerContext(s, clinic.tenant, hillcrest, 'Hillcrest Cardiology');
    assert.equal((await call(asHillcrest, 'GET', `/Patient/${clinic.patientA}/$everything`, { 'x-purpose-of-use': 'TREAT' })).status, 403);
  });

  it('a sensitive label the patient permits goes too', async () => {
    await setConsent(tokens.alice!, clinic.patientA, { name: 'organization', valueReference: { reference: `Organization/${lakeside}` } }, { name: 'decision', valueCode: 'permit' }, { name: 'sensitive', valueCode: 'SUD' });
    const res = await call(asLakeside, 'GET', `/Patient/${clinic.patientA}/$everything`, { 'x-purpose-of-use': 'TREAT' });
    assert.equal(res.status, 200);
    assert.ok(ids(res.body).includes(`Condition/${clinic.restrictedA}`));
    // The previous consent for that organization gave way to the new one.
    const consents = await s.request('GET', `/Consent?patient=Patient/${clinic.patientA}&_count=50`);
    const statuses = ((consents.json as Bundle).entry ?? []).map((e) => (e.resource as { status: string }).status).sort();
    assert.deepEqual(statuses, ['active', 'inactive']);
  });

  it('a deny for the organization beats a general permit given later; withdrawing everything stops the partner', async () => {
    await setConsent(tokens['dr.okafor']!, clinic.patientB, { name: 'organization', valueReference: { reference: `Organization/${hillcrest}` } }, { name: 'decision', valueCode: 'deny' });
    await setConsent(tokens['dr.okafor']!, clinic.patientB, { name: 'decision', valueCode: 'permit' });
    const asHillcrest = await partnerContext(s, clinic.tenant, hillcrest, 'Hillcrest Cardiology');
    assert.equal((await call(asHillcrest, 'GET', `/Patient/${clinic.patientB}/$everything`, { 'x-purpose-of-use': 'TREAT' })).status, 403);
    assert.equal((await call(asLakeside, 'GET', `/Patient/${clinic.patientB}/$everything`, { 'x-purpose-of-use': 'TREAT' })).status, 200);
    await setConsent(tokens['mother.of.bob']!, clinic.patientB, { name: 'decision', valueCode: 'deny' });
    assert.equal((await call(asLakeside, 'GET', `/Patient/${clinic.patientB}/$everything`, { 'x-purpose-of-use': 'TREAT' })).status, 403);
  });

  it('staff and system clients still get the ordinary $everything', async () => {
    const res = await s.request('GET', `/Patient/${clinic.patientA}/$everything`, { token: tokens['dr.okafor']! });
    assert.equal(res.status, 200);
    assert.ok(ids(res.json).includes(`Observation/${clinic.labA}`));
    assert.equal((await s.request('GET', `/Patient/${clinic.patientA}/$everything`, { anonymous: true })).status, 401);
    assert.equal((await s.request('GET', `/Patient/${clinic.patientA}/$everything`, { token: tokens['audit.ray']! })).status, 403, 'as before: auditors read no records');
  });
});

describe('disclosure over real HTTP with a partner client', () => {
  it('permitted: the right resources; denied: 403 and an audit entry; no purpose: 400', async (t) => {
    const token = await partnerClient(s, clinic, lakeside, 'lakeside-inbound');
    if (!(await bearerMapsPartners(s, token))) {
      t.skip('auth/bearer.ts of this build does not map continuum_partner to a partner principal yet (the partners part does)');
      return;
    }
    const ok = await s.request('GET', `/Patient/${clinic.patientA}/$everything`, { token, headers: { 'x-purpose-of-use': 'TREAT' } });
    assert.equal(ok.status, 200, ok.text.slice(0, 300));
    assert.ok(ids(ok.json).includes(`Observation/${clinic.labA}`));
    assert.ok(!ids(ok.json).includes(`Observation/${clinic.obsB}`));
    assert.equal((await s.request('GET', `/Patient/${clinic.patientA}/$everything`, { token })).status, 400);
    const denied = await s.request('GET', `/Patient/${clinic.patientB}/$everything`, { token, headers: { 'x-purpose-of-use': 'TREAT' } });
    assert.equal(denied.status, 403);
    const audit = await s.request('GET', `/AuditEvent?patient=Patient/${clinic.patientB}&_count=100`);
    assert.ok(JSON.stringify(audit.json).includes(`disclosure to Organization/${lakeside} for TREAT refused`), 'the denial is in the audit trail');
  });
});

describe('$exchange-consent and $data-holders: who may', () => {
  it('the patient, a proxy for their patient, and physicians, nurses, front desk and admins may read the consent', async () => {
    for (const [user, patient] of [['alice', clinic.patientA], ['mother.of.bob', clinic.patientB], ['dr.okafor', clinic.patientA], ['nurse.lee', clinic.patientA], ['desk.kim', clinic.patientB]] as const) {
      const res = await s.request('GET', `/Patient/${patient}/$exchange-consent`, { token: tokens[user]! });
      assert.equal(res.status, 200, `${user}: ${res.text.slice(0, 200)}`);
      assert.equal((res.json as Parameters).parameter?.[0]?.valueCode, 'opt-in');
    }
  });

  it('billers, auditors, another patient and another patient’s proxy may not (403); without a token 401', async () => {
    for (const [user, patient] of [['bill.ng', clinic.patientA], ['audit.ray', clinic.patientA], ['alice', clinic.patientB], ['mother.of.bob', clinic.patientA]] as const) {
      assert.equal((await s.request('GET', `/Patient/${patient}/$exchange-consent`, { token: tokens[user]! })).status, 403, `${user} GET`);
      assert.equal((await s.request('POST', `/Patient/${patient}/$exchange-consent`, { token: tokens[user]!, body: params({ name: 'decision', valueCode: 'deny' }) })).status, 403, `${user} POST`);
      assert.equal((await s.request('GET', `/Patient/${patient}/$data-holders`, { token: tokens[user]! })).status, 403, `${user} data holders`);
    }
    assert.equal((await s.request('GET', `/Patient/${clinic.patientA}/$exchange-consent`, { anonymous: true })).status, 401);
    assert.equal((await s.request('POST', `/Patient/${clinic.patientA}/$exchange-consent`, { anonymous: true, body: params({ name: 'decision', valueCode: 'deny' }) })).status, 401);
    assert.equal((await s.request('GET', `/Patient/${clinic.patientA}/$data-holders`, { anonymous: true })).status, 401);
    assert.equal((await s.request('GET', `/Patient/${clinic.patientA}/$data-holders`, { token: tokens['desk.kim']! })).status, 403, 'front desk sees no data holders');
  });

  it('bad input is a 400 and writes nothing', async () => {
    const before = await s.request('GET', `/Consent?patient=Patient/${clinic.patientA}&_summary=count`);
    for (const body of [
      params({ name: 'decision', valueCode: 'maybe' }),
      params(),
      params({ name: 'decision', valueCode: 'permit' }, { name: 'sensitive', valueCode: 'NOPE' }),
      params({ name: 'decision', valueCode: 'deny' }, { name: 'sensitive', valueCode: 'SUD' }),
      params({ name: 'decision', valueCode: 'permit' }, { name: 'organization', valueReference: { reference: 'Organization/does-not-exist' } }),
      params({ name: 'decision', valueCode: 'permit' }, { name: 'organization', valueReference: { reference: `Patient/${clinic.patientA}` } }),
      params({ name: 'decision', valueCode: 'permit' }, { name: 'color', valueString: 'blue' }),
    ]) {
      const res = await s.request('POST', `/Patient/${clinic.patientA}/$exchange-consent`, { token: tokens.alice!, body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const afterCount = await s.request('GET', `/Consent?patient=Patient/${clinic.patientA}&_summary=count`);
    assert.equal(afterCount.json.total, before.json.total);
  });

  it('$data-holders lists the organizations the record went to, for the patient and their clinicians', async () => {
    for (const user of ['alice', 'dr.okafor']) {
      const res = await s.request('GET', `/Patient/${clinic.patientA}/$data-holders`, { token: tokens[user]! });
      assert.equal(res.status, 200, res.text.slice(0, 300));
      const holders = (res.json as Parameters).parameter ?? [];
      assert.deepEqual(holders.map((h) => part(h, 'organization')?.valueReference), [{ reference: `Organization/${lakeside}`, display: 'Lakeside Hospital' }], 'denied attempts alone do not make a holder');
      assert.deepEqual(holders[0]!.part!.filter((x) => x.name === 'kinds').map((x) => x.valueString), ['query']);
      assert.ok(Date.now() - Date.parse(part(holders[0]!, 'lastDisclosed')!.valueDateTime!) < 5 * 60_000);
      assert.equal(part(holders[0]!, 'received')?.valueBoolean, false);
    }
  });
});
