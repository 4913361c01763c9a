/**
 * The patient summary over real HTTP and a real database: `$summary` (a FHIR document Bundle),
 * `$summary-pdf` (read back with pdf.js), who may have one (401, 403, 404), what it holds for
 * each reader (sensitivity labels), and the escaping of hostile text in its narratives.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, Composition, Resource } from '@medplum/fhirtypes';
import { validateResource } from '@continuum/fhir';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { AccountService } from '../../src/identity/accounts.ts';
import { buildClinic, create, PASSWORD, userToken, type Clinic } from '../auth/fixtures.ts';
import { addRecord, pdfText, unresolvedReferences, type RecordIds } from './record-fixtures.ts';

const SECTION_CODES = ['11450-4', '10160-0', '48765-2', '11369-6', '30954-2', '8716-3', '47519-4'];
const HOSTILE = `<script>alert("x")</script> & <img src=x onerror=alert(1)>`;

let s: TestServer;
let clinic: Clinic;
let record: RecordIds;
const tokens: { [user: string]: string } = {};

const composition = (b: Bundle): Composition => b.entry![0]!.resource as Composition;
const section = (b: Bundle, loinc: string) => composition(b).section!.find((x) => x.code?.coding?.[0]?.code === loinc)!;
const entryTexts = (b: Bundle): string => JSON.stringify(b.entry!.slice(1).map((e) => e.resource));

before(async () => {
  s = await startTestServer();
  clinic = await buildClinic(s);
  record = await addRecord(s, clinic, HOSTILE);
  // The portal's own token may write (patient/*.cu); a read-only one is a third-party app's.
  // A carer who acts for patient A (a proxy), not for patient B.
  const carer = await create(s, { resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${clinic.patientA}` }, name: [{ family: 'Carer', given: ['Casey'] }] } as Resource);
  await new AccountService(s.database.db).create({ tenantId: clinic.tenant, username: 'carer.casey', kind: 'proxy', fhirUser: `RelatedPerson/${carer}`, password: PASSWORD });
  for (const user of ['alice', 'dr.okafor', 'desk.kim', 'carer.casey']) tokens[user] = await userToken(s, clinic, user, 'openid fhirUser user/*.cruds');
});
after(() => s.close());

describe('$summary', () => {
  let bundle: Bundle;
  before(async () => {
    const res = await s.request('GET', `/Patient/${clinic.patientA}/$summary`, { token: tokens.alice });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    bundle = res.json as Bundle;
  });

  it('is a document Bundle led by a patient-summary Composition with the seven IPS sections', () => {
    assert.equal(bundle.type, 'document');
    assert.match(bundle.identifier?.value ?? '', /^urn:uuid:[0-9a-f-]{36}$/);
    assert.ok(bundle.timestamp && Date.now() - Date.parse(bundle.timestamp) < 60_000);
    const c = composition(bundle);
    assert.equal(c.resourceType, 'Composition');
    assert.equal(c.type.coding?.[0]?.system, 'http://loinc.org');
    assert.equal(c.type.coding?.[0]?.code, '60591-5');
    assert.deepEqual(c.section?.map((x) => x.code?.coding?.[0]?.code), SECTION_CODES);
    for (const sec of c.section) {
      assert.ok(sec.text?.div.startsWith('<div xmlns="http://www.w3.org/1999/xhtml">'), sec.title);
      assert.ok((sec.entry?.length ?? 0) > 0 || sec.emptyReason, `${sec.title} has entries or an empty reason`);
    }
    assert.ok(c.subject?.reference?.endsWith(`/Patient/${clinic.patientA}`));
  });

  it('resolves every reference inside the Bundle and passes the FHIR validator', async () => {
    assert.deepEqual(unresolvedReferences(bundle), []);
    const errors = validateResource(bundle).filter((i) => i.severity === 'error' || i.severity === 'fatal');
    assert.deepEqual(errors, []);
    const res = await s.request('POST', '/Bundle/$validate', { body: bundle });
    assert.equal(res.status, 200);
    assert.ok(!res.json.issue.some((i: { severity: string }) => i.severity === 'error'), res.text.slice(0, 500));
  });

  it('lists what is current and leaves out what is not', () => {
    const ids = (loinc: string): string[] => (section(bundle, loinc).entry ?? []).map((e) => e.reference!.split('/').slice(-2).join('/'));
    assert.ok(ids('11450-4').includes(`Condition/${record.activeProblem}`));
    assert.ok(!ids('11450-4').includes(`Condition/${record.resolvedProblem}`));
    assert.ok(ids('10160-0').includes(`MedicationRequest/${record.activeMed}`));
    assert.ok(!ids('10160-0').includes(`MedicationRequest/${record.stoppedMed}`));
    assert.deepEqual(ids('48765-2'), [`AllergyIntolerance/${record.allergy}`]);
    assert.deepEqual(ids('11369-6'), [`Immunization/${record.immunization}`]);
    assert.deepEqual(ids('30954-2'), [`Observation/${clinic.labA}`]);
    assert.deepEqual(ids('8716-3'), [`Observation/${clinic.vitalA}`]);
    assert.deepEqual(ids('47519-4'), [`Procedure/${record.procedure}`]);
    // The coded medication and the prescriber come along; the encounter does not, its reference keeps its text.
    const types = bundle.entry!.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);
    assert.ok(types.includes(`Medication/${record.medication}`));
    assert.ok(types.includes(`Practitioner/${clinic.practitioner}`));
    assert.ok(types.includes(`Organization/${clinic.organization}`));
    assert.ok(!types.some((t) => t.startsWith('Encounter/')));
    const med = bundle.entry!.find((e) => e.resource!.id === record.activeMed)!.resource as { encounter?: { reference?: string; display?: string } };
    assert.equal(med.encounter?.reference, undefined);
    assert.equal(med.encounter?.display, 'Annual visit');
    // The medication's name comes from the Medication it references.
    assert.match(section(bundle, '10160-0').text!.div, /Metformin 500 mg oral tablet/);
    assert.ok(!entryTexts(bundle).includes(clinic.patientB), 'nothing of another patient');
  });

  it('escapes hostile text in the narratives', async () => {
    const div = section(bundle, '11450-4').text!.div;
    assert.ok(!div.includes('<script'), div);
    assert.ok(!div.includes('<img'), div);
    assert.ok(div.includes('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;img'), div);
    // A patient whose very name is hostile: the Composition's header narrative.
    const hostile = await create(s, { resourceType: 'Patient', name: [{ given: [HOSTILE], family: 'O\'Brien' }] } as Resource);
    const res = await s.request('GET', `/Patient/${hostile}/$summary`);
    assert.equal(res.status, 200);
    const c = composition(res.json as Bundle);
    assert.ok(!c.text!.div.includes('<script'));
    assert.ok(c.text!.div.includes('O&#39;Brien'));
    assert.deepEqual(validateResource(res.json).filter((i) => i.severity === 'error'), []);
  });

  it('holds sensitive-labelled data only for readers who may see it', async () => {
    assert.ok(entryTexts(bundle).includes('Alcohol use disorder'), 'the patient sees their own record whole');
    const staff = await s.request('GET', `/Patient/${clinic.patientA}/$summary`, { token: tokens['dr.okafor'] });
    assert.equal(staff.status, 200);
    assert.ok(!entryTexts(staff.json).includes('Alcohol use disorder'), 'a physician without the right does not');
    assert.ok(entryTexts(staff.json).includes(record.activeMed));
    assert.ok(!entryTexts(staff.json).includes(clinic.patientB), 'a linked patient stays out, even for staff who may see them');
    assert.deepEqual(unresolvedReferences(staff.json), []);
    const proxy = await s.request('GET', `/Patient/${clinic.patientA}/$summary`, { token: tokens['carer.casey'] });
    assert.equal(proxy.status, 200);
    assert.ok(!entryTexts(proxy.json).includes('Alcohol use disorder'), 'nor does a proxy');
    assert.ok(entryTexts(proxy.json).includes(record.activeMed));
  });

  it("gives a proxy the summaries of the patients they act for, and no one else's", async () => {
    const own = await s.request('POST', `/Patient/${clinic.patientA}/$share`, { token: tokens['carer.casey'], body: { resourceType: 'Parameters', parameter: [{ name: 'format', valueCode: 'fhir' }] } });
    assert.equal(own.status, 200, own.text.slice(0, 300));
    for (const op of ['$summary', '$summary-pdf', '$shares']) {
      const res = await s.request('GET', `/Patient/${clinic.patientB}/${op}`, { token: tokens['carer.casey'] });
      assert.equal(res.status, 404, op);
    }
  });
});

describe('$summary-pdf', () => {
  it('answers a Binary holding a PDF with the patient and their medicines', async () => {
    const res = await s.request('GET', `/Patient/${clinic.patientA}/$summary-pdf`, { token: tokens.alice });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.equal(res.json.resourceType, 'Binary');
    assert.equal(res.json.contentType, 'application/pdf');
    const pdf = Buffer.from(res.json.data as string, 'base64');
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const text = await pdfText(pdf);
    assert.match(text, /Alice Testpatient/);
    assert.match(text, /Metformin 500 mg oral tablet/);
    assert.match(text, /Peanut/);
    assert.match(text, /Medications/);
    assert.ok(text.includes('<script>alert("x")</script>'), 'hostile text prints as plain text');
  });
});

describe('who may have a summary', () => {
  const routes = (patient: string): [string, string, unknown?][] => [
    ['GET', `/Patient/${patient}/$summary`],
    ['GET', `/Patient/${patient}/$summary-pdf`],
    ['POST', `/Patient/${patient}/$share`, { resourceType: 'Parameters', parameter: [{ name: 'format', valueCode: 'pdf' }] }],
    ['GET', `/Patient/${patient}/$shares`],
    ['POST', `/Patient/${patient}/$share-revoke`, { resourceType: 'Parameters', parameter: [{ name: 'id', valueString: 'x' }] }],
  ];

  it('refuses a request without a token (401)', async () => {
    for (const [method, path, body] of routes(clinic.patientA)) {
      const res = await s.request(method, path, { anonymous: true, ...(body ? { body } : {}) });
      assert.equal(res.status, 401, `${method} ${path}`);
    }
  });

  it('refuses staff whose role does not reach clinical documents (403)', async () => {
    for (const [method, path, body] of routes(clinic.patientA)) {
      const res = await s.request(method, path, { token: tokens['desk.kim'], ...(body ? { body } : {}) });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.json.resourceType, 'OperationOutcome');
    }
  });

  it("answers 404 for another patient's record and for an unknown patient", async () => {
    for (const patient of [clinic.patientB, 'no-such-patient']) {
      for (const [method, path, body] of routes(patient)) {
        const res = await s.request(method, path, { token: tokens.alice, ...(body ? { body } : {}) });
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.ok(!res.text.includes('Otherpatient'));
      }
    }
  });
});
