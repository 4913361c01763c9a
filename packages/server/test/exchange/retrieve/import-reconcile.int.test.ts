/**
 * The receiving side without a partner on the line, over real HTTP and a real database:
 * `$reconcile-preview` on a Bundle as `$external-record` gives it (incoming items beside the local
 * lists: duplicate, possible, new), `$import-external` (accept → a local copy marked external with
 * a Provenance; merge → the local item updated, its id kept, with a Provenance naming both;
 * reject → recorded), decisions shown by the next preview, one transaction (a bad item writes
 * nothing), `$data-holders` showing the source, and who may call the receiving operations.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, Condition, MedicationRequest, Parameters, ParametersParameter, Provenance, Resource } from '@medplum/fhirtypes';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG } from '../../../src/exchange/codes.ts';
import { markExternal } from '../../../src/exchange/retrieve/external-marks.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';
import { buildClinic, create, userToken, type Clinic } from '../../auth/fixtures.ts';
import { params, partnerOrganization } from '../consent/exchange-fixtures.ts';

const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const SNOMED = 'http://snomed.info/sct';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const REMOTE = 'http://127.0.0.1:8091/fhir';
const ACTIVE = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] };

let s: TestServer;
let clinic: Clinic;
let lakeside: string;
const local: Record<string, string> = {};
const tokens: Record<string, string> = {};
let incoming: Resource[];

const part = (p: ParametersParameter, name: string) => p.part?.find((x) => x.name === name);
const remote = (r: Resource): string => `${REMOTE}/${r.resourceType}/${r.id!}`;

async function preview(): Promise<Map<string, ParametersParameter>> {
  const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', entry: incoming.map((r) => ({ fullUrl: remote(r), resource: r })) };
  const res = await s.request('POST', `/Patient/${clinic.patientA}/$reconcile-preview`, { token: tokens['dr.okafor']!, body: params({ name: 'bundle', resource: bundle }) });
  assert.equal(res.status, 200, res.text.slice(0, 400));
  return new Map(((res.json as Parameters).parameter ?? []).map((p) => [part(p, 'incoming')!.resource!.meta!.source!, p]));
}

const item = (resource: Resource, action: string, target?: string): ParametersParameter => ({
  name: 'item',
  part: [{ name: 'resource', resource }, { name: 'action', valueCode: action }, ...(target ? [{ name: 'target', valueReference: { reference: target } }] : [])],
});

async function count(type: string): Promise<number> {
  const res = await s.request('GET', `/${type}?_summary=count`);
  return res.json.total as number;
}

before(async () => {
  s = await startTestServer();
  clinic = await buildClinic(s);
  lakeside = await partnerOrganization(s, 'Lakeside Hospital');
  const subject = { reference: `Patient/${clinic.patientA}` };
  local.metformin = await create(s, { resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject, authoredOn: '2026-01-10', medicationCodeableConcept: { coding: [{ system: RX, code: '861007', display: 'metformin hydrochloride 500 MG Oral Tablet' }] } });
  local.penicillin = await create(s, { resourceType: 'AllergyIntolerance', clinicalStatus: ACTIVE, patient: subject, code: { coding: [{ system: SNOMED, code: '91936005', display: 'Allergy to penicillin' }] } });
  local.diabetes = await create(s, { resourceType: 'Condition', subject, onsetDateTime: '2021-03-01', code: { coding: [{ system: SNOMED, code: '44054006', display: 'Diabetes mellitus type 2' }] } });
  local.otherPatients = await create(s, { resourceType: 'Condition', subject: { reference: `Patient/${clinic.patientB}` }, code: { coding: [{ system: SNOMED, code: '44054006' }] } });
  // The partner's record of the patient (its ids, its patient), marked as $external-record marks it.
  const them = { reference: 'Patient/remote-9' };
  const theirs: Resource[] = [
    { resourceType: 'MedicationStatement', id: 'ms1', status: 'active', subject: them, effectiveDateTime: '2026-02-01', medicationCodeableConcept: { coding: [{ system: RX, code: '861004', display: 'metformin hydrochloride 1000 MG Oral Tablet' }] } },
    { resourceType: 'MedicationRequest', id: 'mr2', status: 'active', intent: 'order', subject: them, authoredOn: '2026-02-01', requester: { reference: 'Practitioner/55' }, medicationCodeableConcept: { coding: [{ system: RX, code: '617310', display: 'atorvastatin 20 MG Oral Tablet' }] } },
    { resourceType: 'AllergyIntolerance', id: 'a3', clinicalStatus: ACTIVE, patient: them, code: { coding: [{ system: SNOMED, code: '372687004', display: 'Amoxicillin' }] } },
    { resourceType: 'Condition', id: 'c4', subject: them, onsetDateTime: '2020-12-01', code: { coding: [{ system: ICD, code: 'E11.9', display: 'Type 2 diabetes mellitus without complications' }, { system: SNOMED, code: '44054006', display: 'Diabetes mellitus type 2' }] } },
    { resourceType: 'Condition', id: 'c5', subject: them, encounter: { reference: 'Encounter/e7', display: 'Cardiology visit' }, code: { coding: [{ system: SNOMED, code: '38341003', display: 'Hypertensive disorder' }] } },
    { resourceType: 'Observation', id: 'o6', status: 'final', subject: them, code: { coding: [{ system: 'http://loinc.org', code: '4548-4' }] } },
  ];
  incoming = theirs.map((r) => markExternal(r, { organizationId: lakeside, name: 'Lakeside Hospital' }, remote(r)));
  for (const user of ['dr.okafor', 'nurse.lee', 'desk.kim', 'bill.ng', 'audit.ray', 'alice']) tokens[user] = await userToken(s, clinic, user, 'openid fhirUser user/*.cruds');
});
after(() => s.close());

describe('reconciliation and import', () => {
  it('previews incoming medications, allergies and problems against the local lists', async () => {
    const items = await preview();
    assert.equal(items.size, 5, 'the Observation is not a list item');
    const verdict = (r: Resource) => {
      const p = items.get(remote(r))!;
      return { list: part(p, 'list')?.valueCode, match: part(p, 'match')?.valueCode, local: part(p, 'local')?.valueReference?.reference, decided: part(p, 'decided')?.valueCode };
    };
    assert.deepEqual(verdict(incoming[0]!), { list: 'medications', match: 'duplicate', local: `MedicationRequest/${local.metformin}`, decided: undefined });
    assert.deepEqual(verdict(incoming[1]!), { list: 'medications', match: 'new', local: undefined, decided: undefined });
    assert.deepEqual(verdict(incoming[2]!), { list: 'allergies', match: 'possible', local: `AllergyIntolerance/${local.penicillin}`, decided: undefined });
    assert.deepEqual(verdict(incoming[3]!), { list: 'problems', match: 'duplicate', local: `Condition/${local.diabetes}`, decided: undefined });
    assert.deepEqual(verdict(incoming[4]!), { list: 'problems', match: 'new', local: undefined, decided: undefined });
    assert.match(part(items.get(remote(incoming[0]!))!, 'reason')!.valueString!, /metformin/);
  });

  it('a bad item is a 400 and nothing is written', async () => {
    const before = { mr: await count('MedicationRequest'), prov: await count('Provenance'), cond: await count('Condition') };
    const atorvastatin = incoming[1]!;
    const bad: ParametersParameter[][] = [
      [item(atorvastatin, 'accept'), item(incoming[4]!, 'maybe')],
      [item(atorvastatin, 'accept'), item(incoming[3]!, 'merge')],
      [item(atorvastatin, 'accept'), item(incoming[3]!, 'merge', `Condition/${local.otherPatients}`)],
      [item(atorvastatin, 'accept'), item(incoming[3]!, 'merge', `MedicationRequest/${local.metformin}`)],
      [item(atorvastatin, 'accept'), item({ ...incoming[4]!, meta: {} }, 'accept')],
      [item(atorvastatin, 'accept'), item(incoming[5]!, 'accept')],
      [item(atorvastatin, 'accept'), item({ ...(incoming[4] as Condition), onsetDateTime: 'last spring' }, 'accept')],
      [item(atorvastatin, 'accept'), item(atorvastatin, 'reject')],
    ];
    for (const items of bad) {
      const res = await s.request('POST', `/Patient/${clinic.patientA}/$import-external`, { token: tokens['dr.okafor']!, body: params({ name: 'partner', valueReference: { reference: `Organization/${lakeside}` } }, ...items) });
      assert.equal(res.status, 400, `${JSON.stringify(items).slice(0, 120)}: ${res.text.slice(0, 200)}`);
    }
    const plainOrg = await create(s, { resourceType: 'Organization', name: 'Not a partner' });
    const notPartner = await s.request('POST', `/Patient/${clinic.patientA}/$import-external`, { token: tokens['dr.okafor']!, body: params({ name: 'partner', valueReference: { reference: `Organization/${plainOrg}` } }, item(atorvastatin, 'accept')) });
    assert.equal(notPartner.status, 400);
    assert.deepEqual({ mr: await count('MedicationRequest'), prov: await count('Provenance'), cond: await count('Condition') }, before);
  });

  it('accept, merge and reject in one call: local copies marked external with Provenance, the merged item keeps its id', async () => {
    const [statement, atorvastatin, , diabetes, hypertension] = incoming;
    const res = await s.request('POST', `/Patient/${clinic.patientA}/$import-external`, {
      token: tokens['dr.okafor']!,
      body: params(
        { name: 'partner', valueReference: { reference: `Organization/${lakeside}` } },
        item(atorvastatin!, 'accept'),
        item(hypertension!, 'accept'),
        item(diabetes!, 'merge', `Condition/${local.diabetes}`),
        item(statement!, 'reject'),
      ),
    });
    assert.equal(res.status, 200, res.text.slice(0, 400));
    const out = (res.json as Parameters).parameter ?? [];
    const created = out.filter((p) => p.name === 'created').map((p) => p.valueReference!.reference!);
    assert.equal(created.length, 2);
    assert.deepEqual(out.filter((p) => p.name === 'updated').map((p) => p.valueReference!.reference), [`Condition/${local.diabetes}`]);
    assert.deepEqual(out.filter((p) => p.name === 'rejected').map((p) => p.valueString), [remote(statement!)]);

    const copy = (await s.request('GET', `/${created.find((r) => r.startsWith('MedicationRequest/'))!}`)).json as MedicationRequest;
    assert.notEqual(copy.id, 'mr2');
    assert.equal(copy.subject?.reference, `Patient/${clinic.patientA}`);
    assert.deepEqual(copy.requester, { display: 'Practitioner/55 at Lakeside Hospital' }, 'a reference to the partner’s data is display-only');
    assert.ok(copy.meta?.tag?.some((t) => t.system === EXTERNAL_TAG.system && t.code === EXTERNAL_TAG.code));
    assert.equal(copy.meta?.source, remote(atorvastatin!));
    assert.deepEqual(copy.extension?.find((e) => e.url === EXTERNAL_SOURCE_EXT)?.valueReference, { reference: `Organization/${lakeside}`, display: 'Lakeside Hospital' });
    const hyper = (await s.request('GET', `/${created.find((r) => r.startsWith('Condition/'))!}`)).json as Condition;
    assert.deepEqual(hyper.encounter, { display: 'Cardiology visit' });

    const prov = await s.request('GET', `/Provenance?target=${copy.resourceType}/${copy.id!}`);
    const p = ((prov.json as Bundle).entry ?? [])[0]?.resource as Provenance;
    assert.ok(p, prov.text.slice(0, 300));
    assert.ok(Date.now() - Date.parse(p.recorded) < 5 * 60_000);
    const agent = (code: string) => p.agent.find((a) => a.type?.coding?.[0]?.code === code)?.who;
    assert.deepEqual(agent('author'), { reference: `Organization/${lakeside}`, display: 'Lakeside Hospital' });
    assert.equal(agent('enterer')?.reference, `Practitioner/${clinic.practitioner}`);
    assert.deepEqual(p.entity?.map((e) => [e.role, e.what.display]), [['source', remote(atorvastatin!)]]);

    const merged = (await s.request('GET', `/Condition/${local.diabetes}`)).json as Condition;
    assert.equal(merged.meta?.versionId, '2');
    assert.equal(merged.onsetDateTime, '2020-12-01', 'the onset widened to the earlier of the two');
    assert.match(merged.note?.[0]?.text ?? '', /Lakeside Hospital/);
    assert.ok(!merged.meta?.tag?.some((t) => t.code === EXTERNAL_TAG.code), 'a merged item stays local');
    const mprov = await s.request('GET', `/Provenance?target=Condition/${local.diabetes}`);
    const mp = ((mprov.json as Bundle).entry ?? [])[0]?.resource as Provenance;
    assert.deepEqual(mp.entity?.map((e) => [e.role, e.what.display ?? e.what.reference]), [['source', remote(diabetes!)], ['revision', `Condition/${local.diabetes}/_history/1`]]);
  });

  it('the next preview shows the decisions, and the imported copy as a local duplicate', async () => {
    const items = await preview();
    const decided = (r: Resource) => part(items.get(remote(r))!, 'decided')?.valueCode;
    assert.equal(decided(incoming[0]!), 'rejected');
    assert.equal(decided(incoming[1]!), 'accepted');
    assert.equal(decided(incoming[3]!), 'merged');
    assert.equal(decided(incoming[2]!), undefined);
    assert.equal(part(items.get(remote(incoming[1]!))!, 'match')?.valueCode, 'duplicate');
    // The contract's `valueResource` (R5's name) is read as well as R4's `resource`.
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: incoming.map((r) => ({ fullUrl: remote(r), resource: r })) };
    const r5 = await s.request('POST', `/Patient/${clinic.patientA}/$reconcile-preview`, { token: tokens['nurse.lee']!, body: { resourceType: 'Parameters', parameter: [{ name: 'bundle', valueResource: bundle }] } });
    assert.equal(r5.status, 200, r5.text.slice(0, 300));
    assert.equal((r5.json as Parameters).parameter?.length, 5);
  });

  it('$data-holders shows the partner the record received items from', async () => {
    const res = await s.request('GET', `/Patient/${clinic.patientA}/$data-holders`, { token: tokens.alice! });
    assert.equal(res.status, 200);
    const holder = ((res.json as Parameters).parameter ?? []).find((h) => part(h, 'organization')?.valueReference?.reference === `Organization/${lakeside}`)!;
    assert.equal(part(holder, 'received')?.valueBoolean, true);
    assert.equal(part(holder, 'lastDisclosed'), undefined, 'nothing went out to it');
  });
});

describe('the receiving operations: who may', () => {
  const ops = ['$external-match', '$external-record', '$reconcile-preview', '$import-external'];

  it('need a token (401), and are for physicians, nurses and admins (403 for front desk, billers, auditors, patients)', async () => {
    for (const op of ops) {
      assert.equal((await s.request('POST', `/Patient/${clinic.patientA}/${op}`, { anonymous: true, body: params() })).status, 401, op);
      for (const user of ['desk.kim', 'bill.ng', 'audit.ray', 'alice']) {
        const res = await s.request('POST', `/Patient/${clinic.patientA}/${op}`, { token: tokens[user]!, body: params({ name: 'partner', valueReference: { reference: `Organization/${lakeside}` } }) });
        assert.equal(res.status, 403, `${user} ${op}: ${res.text.slice(0, 200)}`);
      }
    }
  });

  it('without a partner in the directory: no candidates, and a named partner that is not one is a 400', async () => {
    const match = await s.request('POST', `/Patient/${clinic.patientA}/$external-match`, { token: tokens['nurse.lee']!, body: params() });
    assert.equal(match.status, 200, match.text.slice(0, 300));
    assert.equal((match.json as Bundle).type, 'searchset');
    const rec = await s.request('POST', `/Patient/${clinic.patientA}/$external-record`, { token: tokens['dr.okafor']!, body: params({ name: 'partner', valueReference: { reference: 'Organization/nowhere' } }, { name: 'remotePatient', valueString: 'remote-9' }) });
    assert.equal(rec.status, 400);
    const noRemote = await s.request('POST', `/Patient/${clinic.patientA}/$external-record`, { token: tokens['dr.okafor']!, body: params({ name: 'partner', valueReference: { reference: `Organization/${lakeside}` } }) });
    assert.equal(noRemote.status, 400);
  });
});
