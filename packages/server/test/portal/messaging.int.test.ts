/**
 * The portal's messages, refill requests and amendments over real HTTP against the real server
 * (PGlite or PostgreSQL): `$message` (new threads, replies with `partOf`/`inResponseTo`, default
 * and chosen recipients, attachment types and sizes), `$mark-read` (recipients only, idempotent),
 * `$request-refill` (one open request per medication, active medications only),
 * `$request-amendment` and `$decide-amendment`; the demo's welcome messages. Every route: 401 without a token, 403 for roles
 * and callers that may not, 404 for another patient's ids.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Communication, MedicationRequest, Task } from '@medplum/fhirtypes';
import { AccountService } from '../../src/identity/accounts.ts';
import { seedMessaging } from '../../src/portal/messaging/seed.ts';
import { SearchParamProvider } from '../../src/search-params/provider.ts';
import { Repository } from '../../src/store/repository.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, create, PASSWORD, userToken, type Clinic } from '../auth/fixtures.ts';

let s: TestServer;
let clinic: Clinic;
const tokens: Record<string, string> = {};
let stranger: string;
let colleague: string;
let activeMed: string;
let stoppedMed: string;
let medB: string;

const SCOPE = 'openid fhirUser user/*.cruds';
const param = (name: string, value: Record<string, unknown>) => ({ name, ...value });
const parameters = (...parameter: Record<string, unknown>[]) => ({ resourceType: 'Parameters', parameter });
const text = (t: string) => param('text', { valueString: t });
const topic = (t: string) => param('topic', { valueString: t });
const attachment = (contentType: string, data: string, title = 'file') => param('attachment', { valueAttachment: { contentType, data, title } });
const post = (path: string, body: unknown, who?: string) => s.request('POST', path, who ? { body, token: tokens[who]! } : { body, anonymous: true });

const med = (patient: string, status: MedicationRequest['status']): MedicationRequest => ({
  resourceType: 'MedicationRequest',
  status,
  intent: 'order',
  medicationCodeableConcept: { text: 'lisinopril 10 MG Oral Tablet' },
  subject: { reference: `Patient/${patient}` },
  requester: { reference: `Practitioner/${clinic.practitioner}`, display: 'Dr Ada Okafor' },
});

before(async () => {
  s = await startTestServer();
  clinic = await buildClinic(s);
  // Alice's PCP is Dr Okafor (every staff login of the clinic fixture is linked to her).
  const a = await s.request('GET', `/Patient/${clinic.patientA}`);
  assert.equal((await s.request('PUT', `/Patient/${clinic.patientA}`, { body: { ...a.json, generalPractitioner: [{ reference: `Practitioner/${clinic.practitioner}` }] } })).status, 200);
  stranger = await create(s, { resourceType: 'Practitioner', name: [{ family: 'Stranger', given: ['Sam'] }] });
  colleague = await create(s, { resourceType: 'Practitioner', name: [{ family: 'Colleague', given: ['Cal'] }] });
  const proxyFor = await create(s, { resourceType: 'RelatedPerson', patient: { reference: `Patient/${clinic.patientA}` }, name: [{ family: 'Testpatient', given: ['Pat'] }] });
  const accounts = new AccountService(s.database.db);
  await accounts.create({ tenantId: clinic.tenant, username: 'dr.colleague', kind: 'staff', roles: ['physician'], fhirUser: `Practitioner/${colleague}`, organization: `Organization/${clinic.organization}`, password: PASSWORD });
  await accounts.create({ tenantId: clinic.tenant, username: 'pat.proxy', kind: 'proxy', fhirUser: `RelatedPerson/${proxyFor}`, password: PASSWORD });
  await accounts.create({ tenantId: clinic.tenant, username: 'bob', kind: 'patient', fhirUser: `Patient/${clinic.patientB}`, password: PASSWORD });
  for (const user of ['alice', 'bob', 'pat.proxy', 'dr.okafor', 'dr.colleague', 'nurse.lee', 'desk.kim', 'bill.ng']) tokens[user] = await userToken(s, clinic, user, SCOPE);
  activeMed = await create(s, med(clinic.patientA, 'active'));
  stoppedMed = await create(s, med(clinic.patientA, 'stopped'));
  medB = await create(s, med(clinic.patientB, 'active'));
});
after(async () => {
  await s?.close();
});

describe('$message and $mark-read', () => {
  let first: Communication;
  let reply: Communication;

  it('a patient starts a thread: to their PCP by default, as themselves, with a PDF', async () => {
    const pdf = Buffer.from('%PDF-1.4 synthetic').toString('base64');
    const res = await post(`/Patient/${clinic.patientA}/$message`, parameters(text('My blood pressure readings are attached.'), topic('Blood pressure'), attachment('application/pdf', pdf, 'readings.pdf')), 'alice');
    assert.equal(res.status, 201, res.text);
    first = res.json as Communication;
    assert.equal(first.status, 'completed');
    assert.deepEqual(first.category?.[0]?.coding?.[0]?.code, 'portal-message');
    assert.equal(first.category?.[0]?.coding?.[0]?.system, 'urn:continuum:communication-category');
    assert.equal(first.subject?.reference, `Patient/${clinic.patientA}`);
    assert.equal(first.sender?.reference, `Patient/${clinic.patientA}`);
    assert.deepEqual(first.recipient?.map((r) => r.reference), [`Practitioner/${clinic.practitioner}`]);
    assert.equal(first.topic?.text, 'Blood pressure');
    assert.equal(first.payload?.[0]?.contentString, 'My blood pressure readings are attached.');
    assert.equal(first.payload?.[1]?.contentAttachment?.contentType, 'application/pdf');
    assert.equal(first.payload?.[1]?.contentAttachment?.size, Buffer.from(pdf, 'base64').length);
    assert.equal(first.payload?.[1]?.contentAttachment?.title, 'readings.pdf');
    assert.ok(first.sent && Math.abs(Date.parse(first.sent) - Date.now()) < 60_000);
    assert.equal(first.received, undefined);
    assert.equal(first.partOf, undefined);
  });

  it('a patient may write to a practitioner of the clinic, not to a stranger', async () => {
    const ok = await post(`/Patient/${clinic.patientA}/$message`, parameters(text('Question for Dr Colleague'), topic('Referral'), param('recipient', { valueReference: { reference: `Practitioner/${colleague}` } })), 'alice');
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.recipient[0].reference, `Practitioner/${colleague}`);
    const refused = await post(`/Patient/${clinic.patientA}/$message`, parameters(text('Hello'), topic('Hi'), param('recipient', { valueReference: { reference: `Practitioner/${stranger}` } })), 'alice');
    assert.equal(refused.status, 422, refused.text);
    assert.equal(refused.json.resourceType, 'OperationOutcome');
  });

  it('a patient without a PCP must choose a recipient', async () => {
    const res = await post(`/Patient/${clinic.patientB}/$message`, parameters(text('Hello'), topic('Question')), 'bob');
    assert.equal(res.status, 422, res.text);
    assert.match(res.json.issue[0].diagnostics, /recipient/);
  });

  it('refuses bad input with a 400 and writes nothing', async () => {
    const before = (await s.request('GET', `/Communication?subject=Patient/${clinic.patientA}&_summary=count`)).json.total;
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 65).toString('base64');
    const cases: [string, unknown][] = [
      ['no text', parameters(topic('Subject'))],
      ['no topic for a new thread', parameters(text('Hello'))],
      ['an unknown input', parameters(text('Hello'), topic('S'), param('urgent', { valueBoolean: true }))],
      ['not Parameters', { resourceType: 'Patient' }],
      ['an executable', parameters(text('Hello'), topic('S'), attachment('application/x-msdownload', 'TVqQAAMAAAAEAAAA'))],
      ['not base64', parameters(text('Hello'), topic('S'), attachment('text/plain', 'not base64!'))],
      ['a link instead of data', parameters(text('Hello'), topic('S'), param('attachment', { valueAttachment: { contentType: 'image/png', url: 'https://example.org/x.png' } }))],
      ['more than 5 MB', parameters(text('Hello'), topic('S'), attachment('image/png', big))],
      ['a recipient that is not a Practitioner', parameters(text('Hello'), topic('S'), param('recipient', { valueReference: { reference: `Patient/${clinic.patientB}` } }))],
    ];
    for (const [what, body] of cases) {
      const res = await post(`/Patient/${clinic.patientA}/$message`, body, 'alice');
      assert.equal(res.status, 400, `${what}: ${res.text.slice(0, 200)}`);
      assert.equal(res.json.resourceType, 'OperationOutcome', what);
    }
    assert.equal((await s.request('GET', `/Communication?subject=Patient/${clinic.patientA}&_summary=count`)).json.total, before);
  });

  it('the practitioner finds the message, marks it read and replies into the thread with an attachment', async () => {
    const inbox = await s.request('GET', `/Communication?recipient=Practitioner/${clinic.practitioner}&category=urn:continuum:communication-category|portal-message&_sort=-sent`, { token: tokens['dr.okafor']! });
    assert.equal(inbox.status, 200);
    assert.ok(inbox.json.entry.some((e: { resource: Communication }) => e.resource.id === first.id));
    const read = await post(`/Communication/${first.id}/$mark-read`, parameters(), 'dr.okafor');
    assert.equal(read.status, 200, read.text);
    assert.ok(read.json.received);
    const again = await post(`/Communication/${first.id}/$mark-read`, parameters(), 'dr.okafor');
    assert.equal(again.status, 200);
    assert.equal(again.json.received, read.json.received, 'the first read time is kept');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString('base64');
    const res = await post(`/Patient/${clinic.patientA}/$message`, parameters(text('Thanks, these look fine.'), param('thread', { valueReference: { reference: `Communication/${first.id}` } }), attachment('image/png', png, 'chart.png')), 'dr.okafor');
    assert.equal(res.status, 201, res.text);
    reply = res.json as Communication;
    assert.equal(reply.sender?.reference, `Practitioner/${clinic.practitioner}`);
    assert.deepEqual(reply.recipient?.map((r) => r.reference), [`Patient/${clinic.patientA}`]);
    assert.equal(reply.partOf?.[0]?.reference, `Communication/${first.id}`);
    assert.equal(reply.inResponseTo?.[0]?.reference, `Communication/${first.id}`);
    assert.equal(reply.topic?.text, 'Blood pressure');
    assert.equal(reply.payload?.[1]?.contentAttachment?.size, 8);
  });

  it('a patient answers the reply: back to that practitioner, still in the first thread', async () => {
    const res = await post(`/Patient/${clinic.patientA}/$message`, parameters(text('Thank you!'), param('thread', { valueReference: { reference: `Communication/${reply.id}` } })), 'alice');
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.partOf[0].reference, `Communication/${first.id}`);
    assert.equal(res.json.inResponseTo[0].reference, `Communication/${reply.id}`);
    assert.equal(res.json.recipient[0].reference, `Practitioner/${clinic.practitioner}`);
    const threads = await s.request('GET', `/Communication?subject=Patient/${clinic.patientA}&category=urn:continuum:communication-category|portal-message&_sort=-sent&_count=200`, { token: tokens.alice! });
    assert.equal(threads.status, 200);
    assert.ok(threads.json.entry.length >= 3);
  });

  it('only a recipient marks a message read: never its sender, nor anyone else', async () => {
    const bySender = await post(`/Communication/${reply.id}/$mark-read`, parameters(), 'dr.okafor');
    assert.equal(bySender.status, 403, bySender.text);
    const byOther = await post(`/Communication/${first.id}/$mark-read`, parameters(), 'dr.colleague');
    assert.equal(byOther.status, 403, byOther.text);
    const byPatient = await post(`/Communication/${reply.id}/$mark-read`, parameters(), 'alice');
    assert.equal(byPatient.status, 200, byPatient.text);
    assert.ok(byPatient.json.received);
  });

  it('a proxy writes for the patient they act for, as themselves; not for another patient', async () => {
    const res = await post(`/Patient/${clinic.patientA}/$message`, parameters(text('Writing for my mother'), topic('Proxy question')), 'pat.proxy');
    assert.equal(res.status, 201, res.text);
    assert.match(res.json.sender.reference, /^RelatedPerson\//);
    const other = await post(`/Patient/${clinic.patientB}/$message`, parameters(text('Hi'), topic('T')), 'pat.proxy');
    assert.equal(other.status, 404, other.text);
  });

  it('another patient gets 404 for the patient and the messages; 401 without a token', async () => {
    assert.equal((await post(`/Patient/${clinic.patientA}/$message`, parameters(text('Hi'), topic('T')), 'bob')).status, 404);
    assert.equal((await post(`/Communication/${reply.id}/$mark-read`, parameters(), 'bob')).status, 404);
    const wrongThread = await post(`/Patient/${clinic.patientB}/$message`, parameters(text('Hi'), param('thread', { valueReference: { reference: `Communication/${first.id}` } }), param('recipient', { valueReference: { reference: `Practitioner/${colleague}` } })), 'bob');
    assert.equal(wrongThread.status, 404, wrongThread.text);
    assert.equal((await post(`/Patient/${clinic.patientA}/$message`, parameters(text('Hi'), topic('T')))).status, 401);
    assert.equal((await post(`/Communication/${first.id}/$mark-read`, parameters())).status, 401);
  });

  it('staff without clinical write access and system clients may not send messages (403)', async () => {
    for (const who of ['desk.kim', 'bill.ng']) {
      const res = await post(`/Patient/${clinic.patientA}/$message`, parameters(text('Hi'), topic('T')), who);
      assert.equal(res.status, 403, `${who}: ${res.text}`);
    }
    const system = await s.request('POST', `/Patient/${clinic.patientA}/$message`, { body: parameters(text('Hi'), topic('T')) });
    assert.equal(system.status, 403, system.text);
  });
});

describe('$request-refill', () => {
  it('asks the prescriber: a requested refill-request Task; a second while it is open is a 409', async () => {
    const res = await post(`/MedicationRequest/${activeMed}/$request-refill`, parameters(param('note', { valueString: 'Running out on Friday' })), 'alice');
    assert.equal(res.status, 201, res.text);
    const task = res.json as Task;
    assert.equal(task.status, 'requested');
    assert.equal(task.intent, 'order');
    assert.deepEqual(task.code?.coding?.[0], { system: 'urn:continuum:task-code', code: 'refill-request', display: 'Refill request' });
    assert.equal(task.focus?.reference, `MedicationRequest/${activeMed}`);
    assert.equal(task.for?.reference, `Patient/${clinic.patientA}`);
    assert.equal(task.requester?.reference, `Patient/${clinic.patientA}`);
    assert.equal(task.owner?.reference, `Practitioner/${clinic.practitioner}`);
    assert.equal(task.note?.[0]?.text, 'Running out on Friday');
    assert.ok(task.authoredOn);
    const again = await post(`/MedicationRequest/${activeMed}/$request-refill`, parameters(), 'alice');
    assert.equal(again.status, 409, again.text);
    // Once the prescriber has decided, a new request may be made.
    assert.equal((await s.request('PUT', `/Task/${task.id}`, { body: { ...task, status: 'rejected', statusReason: { text: 'Needs a visit first' } } })).status, 200);
    const later = await post(`/MedicationRequest/${activeMed}/$request-refill`, parameters(), 'pat.proxy');
    assert.equal(later.status, 201, later.text);
    assert.match(later.json.requester.reference, /^RelatedPerson\//);
  });

  it('two requests for one medication at once: one is made, the other is a 409', async () => {
    const order = await create(s, med(clinic.patientA, 'active'));
    const both = await Promise.all([post(`/MedicationRequest/${order}/$request-refill`, parameters(), 'alice'), post(`/MedicationRequest/${order}/$request-refill`, parameters(), 'pat.proxy')]);
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 409], both.map((r) => r.text.slice(0, 200)).join(' | '));
    const open = await s.request('GET', `/Task?focus=MedicationRequest/${order}&code=urn:continuum:task-code|refill-request`);
    assert.equal(open.json.entry.length, 1);
  });

  it('refuses a medication that is not active (422), another patient’s (404), without a token (401)', async () => {
    assert.equal((await post(`/MedicationRequest/${stoppedMed}/$request-refill`, parameters(), 'alice')).status, 422);
    assert.equal((await post(`/MedicationRequest/${medB}/$request-refill`, parameters(), 'alice')).status, 404);
    assert.equal((await post(`/MedicationRequest/${activeMed}/$request-refill`, parameters())).status, 401);
    assert.equal((await post(`/MedicationRequest/${medB}/$request-refill`, parameters(param('urgent', { valueBoolean: true })), 'bob')).status, 400);
  });
});

describe('$request-amendment and $decide-amendment', () => {
  const request = (who: string, ...p: Record<string, unknown>[]) => post(`/Patient/${clinic.patientA}/$request-amendment`, parameters(...p), who);

  it('a patient asks for an amendment of a result: a Task for the PCP, due in 60 days', async () => {
    const res = await request('alice', text('This glucose was taken after a meal, not fasting.'), param('focus', { valueReference: { reference: `Observation/${clinic.labA}` } }));
    assert.equal(res.status, 201, res.text);
    const task = res.json as Task;
    assert.equal(task.status, 'requested');
    assert.equal(task.code?.coding?.[0]?.code, 'amendment-request');
    assert.equal(task.for?.reference, `Patient/${clinic.patientA}`);
    assert.equal(task.focus?.reference, `Observation/${clinic.labA}`);
    assert.equal(task.owner?.reference, `Practitioner/${clinic.practitioner}`);
    assert.equal(task.input?.[0]?.valueString, 'This glucose was taken after a meal, not fasting.');
    const days = (Date.parse(task.restriction!.period!.end!) - Date.parse(task.authoredOn!)) / 86_400_000;
    assert.equal(Math.round(days), 60);
  });

  it('refuses a focus outside the patient’s record (404), no text (400), another patient (404), no token (401)', async () => {
    assert.equal((await request('alice', text('Wrong'), param('focus', { valueReference: { reference: `Observation/${clinic.obsB}` } }))).status, 404);
    assert.equal((await request('alice', param('focus', { valueReference: { reference: `Observation/${clinic.labA}` } }))).status, 400);
    assert.equal((await request('bob', text('Not mine'))).status, 404);
    assert.equal((await post(`/Patient/${clinic.patientA}/$request-amendment`, parameters(text('x')))).status, 401);
  });

  it('the clinic denies with a reason or accepts; a decided request is a 409; patients may not decide', async () => {
    const toDeny = (await request('alice', text('My birth date is wrong'))).json as Task;
    const toAccept = (await request('alice', text('My allergy to penicillin is missing'))).json as Task;
    const decide = (task: Task, who: string, ...p: Record<string, unknown>[]) => post(`/Task/${task.id}/$decide-amendment`, parameters(...p), who);
    assert.equal((await decide(toDeny, 'alice', param('decision', { valueCode: 'accepted' }))).status, 403);
    assert.equal((await decide(toDeny, 'desk.kim', param('decision', { valueCode: 'accepted' }))).status, 403);
    assert.equal((await decide(toDeny, 'bob', param('decision', { valueCode: 'accepted' }))).status, 404, 'another patient’s request is not known to bob');
    assert.equal((await post(`/Task/${toDeny.id}/$decide-amendment`, parameters(param('decision', { valueCode: 'accepted' })))).status, 401);
    assert.equal((await decide(toDeny, 'dr.okafor', param('decision', { valueCode: 'denied' }))).status, 400, 'a denial needs a reason');
    assert.equal((await decide(toDeny, 'dr.okafor', param('decision', { valueCode: 'maybe' }))).status, 400);
    const denied = await decide(toDeny, 'dr.okafor', param('decision', { valueCode: 'denied' }), param('reason', { valueString: 'The birth date matches the ID on file' }));
    assert.equal(denied.status, 200, denied.text);
    assert.equal(denied.json.status, 'rejected');
    assert.equal(denied.json.businessStatus.text, 'Denied');
    assert.equal(denied.json.statusReason.text, 'The birth date matches the ID on file');
    assert.equal((await decide(toDeny, 'dr.okafor', param('decision', { valueCode: 'accepted' }))).status, 409);
    const accepted = await decide(toAccept, 'nurse.lee', param('decision', { valueCode: 'accepted' }));
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.json.status, 'completed');
    assert.equal(accepted.json.businessStatus.text, 'Accepted');
    const refill = (await s.request('GET', `/Task?code=urn:continuum:task-code|refill-request&_count=1`)).json.entry[0].resource as Task;
    assert.equal((await decide(refill, 'dr.okafor', param('decision', { valueCode: 'accepted' }))).status, 422);
  });
});

describe('demo welcome messages', () => {
  it('with the demo only: one unread welcome from the PCP to each patient who has one, once', async () => {
    const repo = new Repository({ db: s.database.db, indexer: await new SearchParamProvider(s.database.db).indexerFor(clinic.tenant) }, clinic.tenant);
    const welcomes = async (patient: string): Promise<Communication[]> =>
      ((await s.request('GET', `/Communication?subject=Patient/${patient}&recipient=Patient/${patient}`)).json.entry ?? []).map((e: { resource: Communication }) => e.resource).filter((c: Communication) => c.topic?.text === 'Welcome to Continuum MyHealth');
    await seedMessaging(repo, { demo: false });
    assert.deepEqual(await welcomes(clinic.patientA), []);
    await seedMessaging(repo, { demo: true });
    await seedMessaging(repo, { demo: true });
    const [welcome, ...more] = await welcomes(clinic.patientA);
    assert.deepEqual(more, [], 'a restart adds nothing');
    assert.equal(welcome?.sender?.reference, `Practitioner/${clinic.practitioner}`);
    assert.equal(welcome.category?.[0]?.coding?.[0]?.code, 'portal-message');
    assert.equal(welcome.received, undefined);
    assert.deepEqual(await welcomes(clinic.patientB), [], 'no PCP, no welcome');
    // The patient answers it: the reply goes to the PCP who wrote.
    const reply = await post(`/Patient/${clinic.patientA}/$message`, parameters(text('Thanks!'), param('thread', { valueReference: { reference: `Communication/${welcome.id}` } })), 'alice');
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.json.recipient[0].reference, `Practitioner/${clinic.practitioner}`);
  });
});
