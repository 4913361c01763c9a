/**
 * The e-prescription companion through the real HTTP API: an active MedicationRequest with a
 * pharmacy gets its NewRx DocumentReference and erx-send Task in the same write; a draft, a
 * prescription without a pharmacy, one to an Organization that takes no e-prescriptions (no
 * NCPDP ID, or none at all), and a later update of an order already sent get none; an order whose
 * message cannot be made (a prescriber without an NPI) is refused with a 422 and nothing is stored. Renew, change and discontinue are transaction Bundles whose new order gets its own
 * NewRx. Runs on PGlite, and on PostgreSQL with CONTINUUM_TEST_BACKEND=postgres.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, DocumentReference, MedicationRequest, Task } from '@medplum/fhirtypes';
import { XMLParser } from 'fast-xml-parser';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { order, patient, pharmacy, prescriber } from './fixtures.ts';

let server: TestServer;
const ids = { patient: '', prescriber: '', pharmacy: '' };
let noNcpdp = '';
let noNpi = '';

async function create<T extends { resourceType: string; id?: string }>(r: T): Promise<T> {
  const res = await server.request('POST', `/${r.resourceType}`, { body: { ...r, id: undefined } });
  assert.equal(res.status, 201, res.text.slice(0, 400));
  return res.json as T;
}

async function messagesFor(mr: string): Promise<{ docs: DocumentReference[]; tasks: Task[] }> {
  const docs = await server.request('GET', `/DocumentReference?related=MedicationRequest/${mr}`);
  const tasks = await server.request('GET', `/Task?focus=MedicationRequest/${mr}&code=urn:continuum:task-code|erx-send`);
  const of = <T>(b: Bundle): T[] => (b.entry ?? []).map((e) => e.resource as T);
  return { docs: of<DocumentReference>(docs.json as Bundle), tasks: of<Task>(tasks.json as Bundle) };
}

const newRx = (doc: DocumentReference) =>
   
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false }).parse(Buffer.from(doc.content[0]!.attachment.data!, 'base64').toString('utf8')).Message;

before(async () => {
  server = await startTestServer({ CONTINUUM_ERX_SENDER: 'none' });
  ids.patient = (await create(patient())).id!;
  ids.prescriber = (await create(prescriber())).id!;
  ids.pharmacy = (await create(pharmacy())).id!;
  noNcpdp = (await create(pharmacy('x', ''))).id!;
  noNpi = (await create({ ...prescriber(), identifier: [{ system: 'urn:example:staff', value: 'S1' }] })).id!;
});
after(() => server.close());

const mr = (over: Partial<MedicationRequest> = {}) => order(over, ids);

describe('the NewRx companion', () => {
  it('stores the NewRx and a requested send Task with an active order to a pharmacy', async () => {
    const created = await create(mr());
    const { docs, tasks } = await messagesFor(created.id!);
    assert.equal(docs.length, 1);
    assert.equal(tasks.length, 1);
    const [doc, task] = [docs[0]!, tasks[0]!];
    assert.equal(doc.status, 'current');
    assert.equal(doc.type?.coding?.[0]?.code, '57833-6');
    assert.equal(doc.subject?.reference, `Patient/${ids.patient}`);
    assert.equal(doc.content[0]!.attachment.contentType, 'application/xml');
    assert.equal(task.status, 'requested');
    assert.equal(task.owner?.reference, `Organization/${ids.pharmacy}`);
    assert.equal(task.input?.[0]?.valueReference?.reference, `DocumentReference/${doc.id}`);
    const m = newRx(doc);
    assert.equal(m.Header.MessageID, doc.id);
    assert.equal(m.Header.PrescriberOrderNumber, created.id);
    assert.equal(m.Header.To['#text'], '9900101');
    assert.equal(m.Body.NewRx.MedicationPrescribed.DrugDBCode ?? m.Body.NewRx.MedicationPrescribed.DrugCoded.DrugDBCode.Code, '314076');
    assert.equal(m.Body.NewRx.MedicationPrescribed.NumberOfRefills, '2');
  });

  it('makes no message for a draft or an order without a pharmacy, and one when a draft becomes active', async () => {
    const draft = await create(mr({ status: 'draft' }));
    const noPharmacy = await create(mr({ dispenseRequest: { quantity: { value: 30, unit: 'tablet' } } }));
    const notEprescribing = await create(mr({ dispenseRequest: { ...mr().dispenseRequest, performer: { reference: `Organization/${noNcpdp}` } } }));
    const unknown = await create(mr({ dispenseRequest: { ...mr().dispenseRequest, performer: { reference: 'Organization/nowhere' } } }));
    for (const o of [draft, noPharmacy, notEprescribing, unknown]) assert.deepEqual(await messagesFor(o.id!), { docs: [], tasks: [] });
    const signed = await server.request('PUT', `/MedicationRequest/${draft.id}`, { body: { ...draft, status: 'active' }, headers: { 'if-match': `W/"${draft.meta!.versionId}"` } });
    assert.equal(signed.status, 200, signed.text.slice(0, 300));
    assert.equal((await messagesFor(draft.id!)).tasks.length, 1);
    // A later change to an order already sent makes no second message.
    const edited = await server.request('PUT', `/MedicationRequest/${draft.id}`, { body: { ...signed.json, note: [{ text: 'edited' }] } });
    assert.equal(edited.status, 200);
    assert.equal((await messagesFor(draft.id!)).tasks.length, 1);
  });

  it('refuses an order whose message cannot be made, and stores nothing of it', async () => {
    const count = async () => (await server.request('GET', `/MedicationRequest?subject=Patient/${ids.patient}&_summary=count`)).json.total as number;
    const tasks = async () => (await server.request('GET', `/Task?code=urn:continuum:task-code|erx-send&_summary=count`)).json.total as number;
    const [mrs, ts] = [await count(), await tasks()];
    const res = await server.request('POST', '/MedicationRequest', { body: mr({ requester: { reference: `Practitioner/${noNpi}` } }) });
    assert.equal(res.status, 422, res.text.slice(0, 300));
    assert.match(JSON.stringify(res.json), /no NPI/);
    const missing = await server.request('POST', '/MedicationRequest', { body: mr({ subject: { reference: 'Patient/nobody' } }) });
    assert.equal(missing.status, 422);
    assert.equal(await count(), mrs, 'the order was rolled back');
    assert.equal(await tasks(), ts, 'no Task was left behind');
  });
});

describe('renew, change and discontinue', () => {
  const txn = (entries: NonNullable<Bundle['entry']>): Bundle => ({ resourceType: 'Bundle', type: 'transaction', entry: entries });

  it('renews: a new order pointing at the old one, the old one completed, in one transaction with its own NewRx', async () => {
    const old = await create(mr());
    const renewed = mr({ authoredOn: '2026-12-20T10:00:00.000Z', priorPrescription: { reference: `MedicationRequest/${old.id}` }, dispenseRequest: { ...mr().dispenseRequest, numberOfRepeatsAllowed: 5 } });
    const res = await server.request('POST', '', {
      body: txn([
        { fullUrl: 'urn:uuid:8a4c7f0e-0001-4000-8000-000000000001', resource: renewed, request: { method: 'POST', url: 'MedicationRequest' } },
        { resource: { ...old, status: 'completed' }, request: { method: 'PUT', url: `MedicationRequest/${old.id}`, ifMatch: `W/"${old.meta!.versionId}"` } },
      ]),
    });
    assert.equal(res.status, 200, res.text.slice(0, 400));
    const newId = String(res.json.entry[0].response.location).split('/')[1]!;
    const fresh = (await server.request('GET', `/MedicationRequest/${newId}`)).json as MedicationRequest;
    assert.equal(fresh.priorPrescription?.reference, `MedicationRequest/${old.id}`);
    assert.equal(fresh.dispenseRequest?.numberOfRepeatsAllowed, 5);
    assert.equal((await server.request('GET', `/MedicationRequest/${old.id}`)).json.status, 'completed');
    const msgs = await messagesFor(newId);
    assert.equal(msgs.tasks.length, 1);
    assert.equal(newRx(msgs.docs[0]!).Body.NewRx.MedicationPrescribed.NumberOfRefills, '5');
    assert.equal((await messagesFor(old.id!)).tasks.length, 1, 'completing the old order sends nothing more');
  });

  it('changes: the new order with the new sig, the old one stopped as "changed"; a stale version changes nothing', async () => {
    const old = await create(mr());
    const changed = mr({ priorPrescription: { reference: `MedicationRequest/${old.id}` }, dosageInstruction: [{ text: 'Take 2 tablets by mouth once daily', doseAndRate: [{ doseQuantity: { value: 2, unit: 'tablet' } }] }] });
    const stopped: MedicationRequest = { ...old, status: 'stopped', statusReason: { coding: [{ system: 'urn:continuum:medication-status-reason', code: 'changed', display: 'Changed' }], text: 'Changed: dose increased' } };
    const count = async () => (await server.request('GET', `/MedicationRequest?subject=Patient/${ids.patient}&_summary=count`)).json.total as number;
    const before = await count();
    const stale = await server.request('POST', '', {
      body: txn([
        { fullUrl: 'urn:uuid:8a4c7f0e-0001-4000-8000-000000000002', resource: changed, request: { method: 'POST', url: 'MedicationRequest' } },
        { resource: stopped, request: { method: 'PUT', url: `MedicationRequest/${old.id}`, ifMatch: 'W/"99"' } },
      ]),
    });
    assert.equal(stale.status, 412);
    assert.equal(await count(), before, 'the refused transaction created no new order');
    const res = await server.request('POST', '', {
      body: txn([
        { fullUrl: 'urn:uuid:8a4c7f0e-0001-4000-8000-000000000003', resource: changed, request: { method: 'POST', url: 'MedicationRequest' } },
        { resource: stopped, request: { method: 'PUT', url: `MedicationRequest/${old.id}`, ifMatch: `W/"${old.meta!.versionId}"` } },
      ]),
    });
    assert.equal(res.status, 200, res.text.slice(0, 400));
    const now = (await server.request('GET', `/MedicationRequest/${old.id}`)).json as MedicationRequest;
    assert.equal(now.status, 'stopped');
    assert.equal(now.statusReason?.coding?.[0]?.code, 'changed');
    const newId = String(res.json.entry[0].response.location).split('/')[1]!;
    assert.equal(newRx((await messagesFor(newId)).docs[0]!).Body.NewRx.MedicationPrescribed.Sig.SigText, 'Take 2 tablets by mouth once daily');
    // The history of the old order shows both versions: active, then stopped.
    const history = (await server.request('GET', `/MedicationRequest/${old.id}/_history`)).json as Bundle<MedicationRequest>;
    assert.deepEqual(history.entry!.map((e) => e.resource!.status), ['stopped', 'active']);
  });

  it('discontinues with a coded reason, who and when', async () => {
    const old = await create(mr());
    const res = await server.request('PUT', `/MedicationRequest/${old.id}`, {
      body: {
        ...old,
        status: 'stopped',
        statusReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason', code: 'sintol', display: 'Suspected intolerance' }], text: 'Suspected intolerance: cough' },
        note: [...(old.note ?? []), { authorReference: { reference: `Practitioner/${ids.prescriber}` }, time: '2026-11-21T09:00:00.000Z', text: 'Discontinued: Suspected intolerance: cough' }],
      },
      headers: { 'if-match': `W/"${old.meta!.versionId}"` },
    });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.equal(res.json.statusReason.coding[0].code, 'sintol');
    assert.equal(res.json.note.at(-1).authorReference.reference, `Practitioner/${ids.prescriber}`);
    assert.equal((await messagesFor(old.id!)).tasks.length, 1, 'no new message for a discontinued order');
  });
});
