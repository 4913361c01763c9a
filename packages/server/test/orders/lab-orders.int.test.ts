/**
 * Lab and imaging orders and results over real HTTP, on the configured backend: the shipped
 * catalogue is served through the FHIR API; an order set is ordered in one transaction (orders
 * and specimens, or nothing); a final report completes its order whether it names it by `basedOn`
 * or only by the placer number; a critical result raises a stat review Task for the orderer that
 * acknowledging completes; an imaging report carries its ImagingStudy; bad input is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ActivityDefinition, Bundle, DiagnosticReport, PlanDefinition, ServiceRequest, Specimen, Task } from '@medplum/fhirtypes';
import { buildClinic, create, userToken, type Clinic } from '../auth/fixtures.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { CAT, createdId, orderSetBundle, placer, potassium, reportBundle, resources, type SetLine } from './lab-flow.ts';

let server: TestServer;
let clinic: Clinic;
let doctor: string;
let me: string;
let patient: string;
let lab: string;

const SERUM = { code: 'SER', display: 'Serum' };
const lines: SetLine[] = [
  { loinc: '24320-4', display: 'Basic metabolic panel', definition: `${CAT}/ActivityDefinition/lab-bmp|2026.11.0`, specimen: SERUM },
  { loinc: '58410-2', display: 'CBC panel', definition: `${CAT}/ActivityDefinition/lab-cbc|2026.11.0`, specimen: { code: 'BLD', display: 'Whole blood' } },
  { loinc: '6301-6', display: 'INR', definition: `${CAT}/ActivityDefinition/lab-inr|2026.11.0`, specimen: { code: 'PLAS', display: 'Plasma' } },
];

before(async () => {
  server = await startTestServer();
  clinic = await buildClinic(server);
  doctor = await userToken(server, clinic, 'dr.okafor');
  me = `Practitioner/${clinic.practitioner}`;
  patient = `Patient/${clinic.patientA}`;
  lab = `Organization/${await create(server, { resourceType: 'Organization', name: 'Riverside Reference Lab' })}`;
});
after(() => server?.close());

async function orderSet(requisition: string): Promise<ServiceRequest[]> {
  const res = await server.request('POST', '', { token: doctor, body: orderSetBundle(patient, me, requisition, lines, { lab, set: `${CAT}/PlanDefinition/pre-op-basic|2026.11.0` }) });
  assert.equal(res.status, 200, res.text.slice(0, 400));
  const ids = lines.map((_, i) => createdId(res.json as Bundle, 'ServiceRequest', i));
  return Promise.all(ids.map(async (id) => (await server.request('GET', `/ServiceRequest/${id}`)).json as ServiceRequest));
}

const tasksFor = async (report: string): Promise<Task[]> => resources<Task>((await server.request('GET', `/Task?focus=DiagnosticReport/${report}&code=urn:continuum:task-code|result-review`)).json as Bundle);

describe('the order catalogue', () => {
  it('serves the order sets as PlanDefinitions whose actions resolve to ActivityDefinitions with specimen requirements', async () => {
    const sets = resources<PlanDefinition>((await server.request('GET', '/PlanDefinition?type=order-set&_count=20', { token: doctor })).json as Bundle);
    assert.deepEqual(sets.map((s) => s.title).sort(), ['Diabetes annual', 'Hypertension follow-up', 'Pre-op basic']);
    const diabetes = sets.find((s) => s.title === 'Diabetes annual')!;
    const urls = (diabetes.action ?? []).map((a) => a.definitionCanonical!.split('|')[0]!);
    const defs = resources<ActivityDefinition>((await server.request('GET', `/ActivityDefinition?url=${urls.map(encodeURIComponent).join(',')}`, { token: doctor })).json as Bundle);
    assert.deepEqual(defs.map((d) => d.code?.coding?.[0]?.code).sort(), ['4548-4', '24323-8', '57698-3', '9318-7'].sort());
    const cmp = defs.find((d) => d.code?.coding?.[0]?.code === '24323-8')!;
    assert.equal(cmp.specimenRequirement?.[0]?.reference, 'SpecimenDefinition/specimen-serum');
    assert.ok((cmp.extension ?? []).some((e) => e.valueCoding?.code === '2823-3'), 'the CMP lists potassium among its members');
    // The demo laboratory comes only with the demo clinic.
    assert.equal((await server.request('GET', '/Organization/continuum-demo-lab', { token: doctor })).status, 404);
  });

  it('is seeded once: a restart on the same database writes nothing new', async () => {
    const before = ((await server.request('GET', '/PlanDefinition/order-set-diabetes-annual')).json as PlanDefinition).meta?.versionId;
    const { seedCatalogue } = await import('../../src/orders/seed-catalogue.ts');
    const { Repository } = await import('../../src/store/repository.ts');
    const { createIndexer } = await import('../../src/store/indexer.ts');
    const { SearchParamRegistry } = await import('@continuum/fhir');
    const written = await seedCatalogue(new Repository({ db: server.database.db, indexer: createIndexer(SearchParamRegistry.r4()) }, 'default'));
    assert.equal(written, 0);
    assert.equal(((await server.request('GET', '/PlanDefinition/order-set-diabetes-annual')).json as PlanDefinition).meta?.versionId, before);
  });

  it('needs a token (401) and a role that reads knowledge artifacts (403 for a biller)', async () => {
    assert.equal((await server.request('GET', '/PlanDefinition?type=order-set', { anonymous: true })).status, 401);
    const biller = await userToken(server, clinic, 'bill.ng');
    assert.equal((await server.request('GET', '/PlanDefinition?type=order-set', { token: biller })).status, 403);
    const desk = await userToken(server, clinic, 'desk.kim');
    const res = await server.request('POST', '', { token: desk, body: orderSetBundle(patient, me, 'REQ-DESK', lines) });
    assert.equal(res.status, 403, 'front desk cannot order');
  });
});

describe('ordering an order set', () => {
  it('creates every order and specimen in one transaction, sharing the requisition', async () => {
    const orders = await orderSet('REQ-100');
    assert.equal(orders.length, 3);
    for (const o of orders) {
      assert.equal(o.requisition?.value, 'REQ-100');
      assert.ok(o.instantiatesCanonical?.some((c) => c.startsWith(`${CAT}/ActivityDefinition/`)));
      const specimen = (await server.request('GET', `/${o.specimen![0]!.reference!}`)).json as Specimen;
      assert.equal(specimen.subject?.reference, patient);
    }
    const byRequisition = resources<ServiceRequest>((await server.request('GET', '/ServiceRequest?requisition=urn:continuum:requisition|REQ-100')).json as Bundle);
    assert.equal(byRequisition.length, 3);
  });

  it('writes nothing when one order in the set is invalid', async () => {
    const bundle = orderSetBundle(patient, me, 'REQ-BAD', lines);
    (bundle.entry![3]!.resource as unknown as Record<string, unknown>).status = 'not-a-status';
    const res = await server.request('POST', '', { token: doctor, body: bundle });
    assert.ok(res.status >= 400 && res.status < 500, `${res.status}`);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    const left = resources<ServiceRequest>((await server.request('GET', '/ServiceRequest?requisition=urn:continuum:requisition|REQ-BAD')).json as Bundle);
    assert.equal(left.length, 0);
  });
});

describe('results', () => {
  it('completes the order a final report names in basedOn; a normal result needs no review Task', async () => {
    const [bmp] = await orderSet('REQ-200');
    const res = await server.request('POST', '', {
      body: reportBundle({ resourceType: 'DiagnosticReport', status: 'final', code: bmp!.code!, subject: { reference: patient }, basedOn: [{ reference: `ServiceRequest/${bmp!.id}` }], issued: '2026-11-21T10:00:00Z' }, [potassium(patient, 4.2, 'N')]),
    });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    const order = (await server.request('GET', `/ServiceRequest/${bmp!.id}`)).json as ServiceRequest;
    assert.equal(order.status, 'completed');
    assert.equal(order.meta?.versionId, '2');
    assert.deepEqual(await tasksFor(createdId(res.json as Bundle, 'DiagnosticReport')), []);
  });

  it('leaves the order active for a preliminary report', async () => {
    const [bmp] = await orderSet('REQ-250');
    const res = await server.request('POST', '/DiagnosticReport', { body: { resourceType: 'DiagnosticReport', status: 'preliminary', code: bmp!.code!, subject: { reference: patient }, basedOn: [{ reference: `ServiceRequest/${bmp!.id}` }] } });
    assert.equal(res.status, 201);
    assert.equal(((await server.request('GET', `/ServiceRequest/${bmp!.id}`)).json as ServiceRequest).status, 'active');
  });

  it('matches a report carrying only the placer number, and routes a critical result to the orderer as a stat Task', async () => {
    const [bmp] = await orderSet('REQ-300');
    const number = bmp!.identifier![0]!.value!;
    const res = await server.request('POST', '', {
      body: reportBundle({ resourceType: 'DiagnosticReport', status: 'final', identifier: [placer(number)], code: bmp!.code!, subject: { reference: patient }, issued: '2026-11-21T10:00:00Z' }, [potassium(patient, 6.9, 'HH')]),
    });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    const report = createdId(res.json as Bundle, 'DiagnosticReport');
    assert.equal(((await server.request('GET', `/ServiceRequest/${bmp!.id}`)).json as ServiceRequest).status, 'completed');
    const tasks = await tasksFor(report);
    assert.equal(tasks.length, 1);
    const [task] = tasks;
    assert.equal(task!.priority, 'stat');
    assert.equal(task!.status, 'requested');
    assert.equal(task!.owner?.reference, me);
    assert.equal(task!.for?.reference, patient);
    assert.deepEqual(task!.basedOn, [{ reference: `ServiceRequest/${bmp!.id}` }]);

    // The orderer finds it among their open tasks, and acknowledges it: who and when are recorded.
    const mine = resources<Task>((await server.request('GET', `/Task?owner=${me}&status=requested&priority=stat`, { token: doctor })).json as Bundle);
    assert.ok(mine.some((t) => t.id === task!.id));
    const at = new Date().toISOString();
    const ack = await server.request('PUT', `/Task/${task!.id}`, { token: doctor, headers: { 'if-match': `W/"${task!.meta!.versionId}"` }, body: { ...task, status: 'completed', lastModified: at, executionPeriod: { end: at } } });
    assert.equal(ack.status, 200, ack.text.slice(0, 300));
    const history = (await server.request('GET', `/Task/${task!.id}/_history`)).json as Bundle;
    assert.equal(history.entry?.length, 2);
    // The same report sent again raises nothing new; an amended critical one does, once.
    const again = await server.request('GET', `/DiagnosticReport/${report}`);
    assert.equal((await server.request('PUT', `/DiagnosticReport/${report}`, { body: again.json })).status, 200);
    assert.equal((await tasksFor(report)).length, 1);
    assert.equal((await server.request('PUT', `/DiagnosticReport/${report}`, { body: { ...again.json, status: 'amended' } })).status, 200);
    assert.equal((await tasksFor(report)).filter((t) => t.status === 'requested').length, 1);
  });

  it('a normal report matched by placer number gets a routine review Task', async () => {
    const [bmp] = await orderSet('REQ-350');
    const res = await server.request('POST', '', {
      body: reportBundle({ resourceType: 'DiagnosticReport', status: 'final', identifier: [placer(bmp!.identifier![0]!.value!)], code: bmp!.code!, subject: { reference: patient } }, [potassium(patient, 4.0, undefined)]),
    });
    const tasks = await tasksFor(createdId(res.json as Bundle, 'DiagnosticReport'));
    assert.deepEqual(tasks.map((t) => [t.priority, t.owner?.reference]), [['routine', me]]);
  });

  it("never matches another patient's order by placer number", async () => {
    const [bmp] = await orderSet('REQ-400');
    const other = `Patient/${clinic.patientB}`;
    const res = await server.request('POST', '', {
      body: reportBundle({ resourceType: 'DiagnosticReport', status: 'final', identifier: [placer(bmp!.identifier![0]!.value!)], code: bmp!.code!, subject: { reference: other } }, [potassium(other, 7.1, 'HH')]),
    });
    assert.equal(res.status, 200);
    assert.equal(((await server.request('GET', `/ServiceRequest/${bmp!.id}`)).json as ServiceRequest).status, 'active');
    assert.deepEqual(await tasksFor(createdId(res.json as Bundle, 'DiagnosticReport')), []);
  });

  it('refuses a malformed report with a 400 OperationOutcome and writes nothing', async () => {
    const res = await server.request('POST', '/DiagnosticReport', { body: { resourceType: 'DiagnosticReport', status: 'done', code: { text: 'x' }, subject: { reference: patient } } });
    assert.equal(res.status, 400);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    const noLab = await server.request('POST', '/DiagnosticReport', { anonymous: true, body: { resourceType: 'DiagnosticReport', status: 'final', code: { text: 'x' } } });
    assert.equal(noLab.status, 401);
  });
});

describe('imaging', () => {
  it('an imaging report with its ImagingStudy completes the imaging order', async () => {
    const order = await create(server, {
      resourceType: 'ServiceRequest', status: 'active', intent: 'order',
      category: [{ coding: [{ system: 'http://snomed.info/sct', code: '363679005', display: 'Imaging' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '36643-5', display: 'XR Chest 2 Views' }] },
      bodySite: [{ text: 'Chest' }], subject: { reference: patient }, requester: { reference: me },
    });
    const res = await server.request('POST', '', {
      body: {
        resourceType: 'Bundle', type: 'transaction',
        entry: [
          { fullUrl: 'urn:uuid:20000000-0000-4000-8000-000000000001', resource: { resourceType: 'ImagingStudy', status: 'available', subject: { reference: patient }, basedOn: [{ reference: `ServiceRequest/${order}` }], modality: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'DX' }], numberOfSeries: 1, numberOfInstances: 2 }, request: { method: 'POST', url: 'ImagingStudy' } },
          { resource: { resourceType: 'DiagnosticReport', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD' }] }], code: { coding: [{ system: 'http://loinc.org', code: '36643-5' }], text: 'XR Chest 2 Views' }, subject: { reference: patient }, basedOn: [{ reference: `ServiceRequest/${order}` }], imagingStudy: [{ reference: 'urn:uuid:20000000-0000-4000-8000-000000000001' }], conclusion: 'No acute cardiopulmonary process.', presentedForm: [{ contentType: 'text/plain', data: Buffer.from('FINDINGS: Lungs clear.').toString('base64') }] }, request: { method: 'POST', url: 'DiagnosticReport' } },
        ],
      },
    });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.equal(((await server.request('GET', `/ServiceRequest/${order}`)).json as ServiceRequest).status, 'completed');
    const found = (await server.request('GET', `/DiagnosticReport?based-on=ServiceRequest/${order}&category=RAD`, { token: doctor })).json as Bundle;
    const [report] = resources<DiagnosticReport>(found);
    const study = await server.request('GET', `/${report!.imagingStudy![0]!.reference!}`, { token: doctor });
    assert.equal(study.json.status, 'available');
  });
});
