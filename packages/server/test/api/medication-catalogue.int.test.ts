/**
 * `MedicationKnowledge/$catalogue` over real HTTP against the real server (PGlite or PostgreSQL):
 * search by name (any word order, prefixes, case), strength, form, ingredient, class and code;
 * the MedicationKnowledge shape (RxNorm code, ingredients with strength Ratios, dose form, drug
 * classes); POST with Parameters; 400s for bad input; 401 without a token; 403 for roles and
 * scopes that may not read MedicationKnowledge; the CapabilityStatement entry.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, MedicationKnowledge } from '@medplum/fhirtypes';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, userToken } from '../auth/fixtures.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const CLASS = 'https://continuum.example/fhir/CodeSystem/drug-class';

let s: TestServer;
const tokens: Record<string, string> = {};

before(async () => {
  s = await startTestServer();
  const clinic = await buildClinic(s);
  for (const user of ['dr.okafor', 'nurse.lee', 'desk.kim', 'audit.ray', 'alice']) tokens[user] = await userToken(s, clinic, user, 'openid fhirUser user/*.rs patient/*.rs');
});
after(async () => {
  await s.close();
});

const search = (params: Record<string, string>, token = tokens['dr.okafor']) =>
  s.request('GET', `/MedicationKnowledge/$catalogue?${new URLSearchParams(params).toString()}`, token ? { token } : {});
const items = (b: Bundle<MedicationKnowledge>): MedicationKnowledge[] => (b.entry ?? []).map((e) => e.resource!);
const displays = (b: Bundle<MedicationKnowledge>): string[] => items(b).map((m) => m.code!.text!);

describe('MedicationKnowledge/$catalogue', () => {
  it('finds drugs by ingredient name, words in any order, prefixes, any case', async () => {
    const res = await search({ name: 'ATORVA' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.resourceType, 'Bundle');
    assert.equal(res.json.type, 'searchset');
    assert.ok(res.json.total >= 4);
    for (const d of displays(res.json)) assert.match(d, /atorvastatin/i);
    const combo = await search({ name: 'hydrochlorothiazide losartan' });
    assert.ok(combo.json.total >= 1);
    for (const d of displays(combo.json)) assert.match(d, /losartan.*hydrochlorothiazide|hydrochlorothiazide.*losartan/i);
  });

  it('answers MedicationKnowledge with the RxNorm code, form, ingredient strengths and classes', async () => {
    const res = await search({ code: '617311' });
    assert.equal(res.json.total, 1);
    const mk = items(res.json)[0]!;
    assert.equal(mk.status, 'active');
    assert.deepEqual(mk.code!.coding![0], { system: RXNORM, code: '617311', display: 'atorvastatin 40 MG Oral Tablet' });
    assert.equal(mk.doseForm!.text, 'Oral Tablet');
    assert.equal(mk.ingredient![0]!.itemCodeableConcept!.text, 'atorvastatin');
    assert.deepEqual(mk.ingredient![0]!.strength!.numerator, { value: 40, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' });
    const classes = mk.medicineClassification!.flatMap((c) => c.classification!.flatMap((x) => x.coding!));
    assert.ok(classes.some((c) => c.system === CLASS && c.code === 'statins'));
  });

  it('narrows by strength and form', async () => {
    const res = await search({ name: 'simvastatin', strength: '20 mg', form: 'tab' });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json.total >= 1);
    for (const mk of items(res.json)) {
      assert.match(mk.doseForm!.text!, /tablet/i);
      assert.ok(mk.ingredient!.some((i) => i.strength?.numerator?.value === 20));
    }
    const liquid = await search({ name: 'amoxicillin', strength: '80 mg/ml' });
    assert.ok(displays(liquid.json).includes('amoxicillin 80 MG/ML Oral Suspension'));
    assert.equal((await search({ name: 'simvastatin', strength: '33' })).json.total, 0);
  });

  it('filters by ingredient (salt-insensitive) and by class', async () => {
    const metoprolol = await search({ ingredient: 'Metoprolol Succinate', _count: '100' });
    assert.ok(metoprolol.json.total >= 2);
    for (const mk of items(metoprolol.json)) assert.ok(mk.ingredient!.some((i) => /metoprolol/.test(i.itemCodeableConcept!.text!)));
    const ssris = await search({ class: 'ssris', _count: '100' });
    const names = new Set(items(ssris.json).flatMap((m) => m.ingredient!.map((i) => i.itemCodeableConcept!.text!.split(' ')[0])));
    for (const n of ['sertraline', 'fluoxetine', 'citalopram', 'escitalopram']) assert.ok(names.has(n), n);
  });

  it('pages with _count (default 20, at most 100) and reports the total', async () => {
    const all = await search({ name: 'a' });
    assert.equal(all.json.entry.length, 20);
    assert.ok(all.json.total > 100);
    assert.equal((await search({ name: 'a', _count: '500' })).json.entry.length, 100);
    assert.equal((await search({ name: 'metformin', _count: '3' })).json.entry.length, 3);
  });

  it('finds the hand-added ingredient concepts of the supplement', async () => {
    const res = await search({ name: 'atazanavir' });
    assert.deepEqual(items(res.json).map((m) => m.code!.coding![0]!.code), ['343047']);
  });

  it('takes a Parameters body on POST', async () => {
    const body = { resourceType: 'Parameters', parameter: [{ name: 'name', valueString: 'lisinopril' }, { name: 'strength', valueString: '10' }] };
    const res = await s.request('POST', '/MedicationKnowledge/$catalogue', { token: tokens['dr.okafor']!, body });
    assert.equal(res.status, 200, res.text);
    assert.ok(displays(res.json).includes('lisinopril 10 MG Oral Tablet'));
  });

  it('answers 400 with an OperationOutcome for bad input', async () => {
    const bad: Array<Record<string, string>> = [{ strength: 'twenty' }, { class: 'not-a-class' }, { _count: '-1' }, { colour: 'blue' }, { name: '%%' }, { _sort: 'name' }];
    for (const params of bad) {
      const res = await search(params);
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.equal(res.json.resourceType, 'OperationOutcome');
    }
  });
});

describe('medication catalogue access', () => {
  it('needs a token', async () => {
    const res = await s.request('GET', '/MedicationKnowledge/$catalogue?name=atorvastatin', { anonymous: true });
    assert.equal(res.status, 401);
    assert.equal(res.json.resourceType, 'OperationOutcome');
  });

  it('serves physicians and nurses; refuses front desk, auditors and patients', async () => {
    for (const [user, status] of [['dr.okafor', 200], ['nurse.lee', 200], ['desk.kim', 403], ['audit.ray', 403], ['alice', 403]] as const) {
      const res = await search({ name: 'atorvastatin' }, tokens[user]);
      assert.equal(res.status, status, `${user}: ${res.text.slice(0, 200)}`);
    }
  });

  it('refuses a token whose scopes do not read MedicationKnowledge', async () => {
    const token = await s.systemToken('system/Patient.rs');
    assert.equal((await search({ name: 'atorvastatin' }, token)).status, 403);
    const ok = await s.systemToken('system/MedicationKnowledge.rs');
    assert.equal((await search({ name: 'atorvastatin' }, ok)).status, 200);
  });

  it('is listed in the CapabilityStatement', async () => {
    const cs = (await s.request('GET', '/metadata', { anonymous: true })).json;
    const ops = cs.rest[0].resource.find((r: { type: string }) => r.type === 'MedicationKnowledge').operation.map((o: { name: string }) => o.name);
    assert.ok(ops.includes('catalogue'));
  });
});
