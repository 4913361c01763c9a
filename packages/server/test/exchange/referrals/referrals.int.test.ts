/**
 * Referrals between two real servers, A (referring) and B (partner): the package built at A and
 * received at B (the patient placed, copies, DocumentReference and Provenance stored in one
 * transaction), B's answers through its HTTP operation, the updates applied at A through A's
 * partner route, the report and the inbox notice, and who may call what. The remote calls go
 * over real HTTP with partner tokens (two-sides.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, DocumentReference, Parameters, Task } from '@medplum/fhirtypes';
import { EXCHANGE_NOTICE_CODE, EXTERNAL_TAG, REFERRAL_ID_SYSTEM } from '../../../src/exchange/codes.ts';
import { createReferral, deliverReferral, referralIdOf } from '../../../src/exchange/referrals/referral-package.ts';
import { notifyReferrer } from '../../../src/exchange/referrals/respond.ts';
import { create, userToken } from '../../auth/fixtures.ts';
import { param, twoSides, type TwoSides } from './two-sides.ts';

const tagged = (r: { meta?: { tag?: { code?: string }[] } }): boolean => r.meta?.tag?.some((t) => t.code === EXTERNAL_TAG.code) === true;

describe('referrals between two organizations', () => {
  let t: TwoSides;
  let patientA: string;
  let drA: string;
  let drB: string;
  let nurseB: string;

  before(async () => {
    t = await twoSides();
    patientA = await create(t.a.server, {
      resourceType: 'Patient',
      name: [{ family: 'Quillfeather', given: ['Marguerite'] }],
      birthDate: '1961-09-14',
      gender: 'female',
    });
    await create(t.a.server, { resourceType: 'Condition', subject: { reference: `Patient/${patientA}` }, code: { text: 'Atrial fibrillation' }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] } });
    await create(t.a.server, { resourceType: 'AllergyIntolerance', patient: { reference: `Patient/${patientA}` }, code: { text: 'Penicillin' }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] } });
    drA = await userToken(t.a.server, t.a.clinic, 'dr.okafor');
    drB = await userToken(t.b.server, t.b.clinic, 'dr.okafor');
    nurseB = await userToken(t.b.server, t.b.clinic, 'nurse.lee');
  });
  after(async () => {
    await t?.close();
  });

  const refer = async (reason = 'Palpitations, please assess') => {
    const { task } = await createReferral(t.a.repo, {
      patientId: patientA,
      partner: t.a.partner,
      requester: { reference: `Practitioner/${t.a.clinic.practitioner}`, display: 'Ada Okafor' },
      reason,
      priority: 'urgent',
      now: new Date(),
    });
    const delivery = await deliverReferral({ repo: t.a.repo, baseUrl: t.a.server.base, client: t.client, canSee: () => true }, t.a.partner, task.id!);
    return { task, delivery };
  };
  const readB = async (path: string) => {
    const res = await t.b.server.request('GET', path);
    assert.equal(res.status, 200, res.text.slice(0, 300));
    return res.json;
  };
  const readA = async (path: string) => {
    const res = await t.a.server.request('GET', path);
    assert.equal(res.status, 200, res.text.slice(0, 300));
    return res.json;
  };

  let referral: { aTask: string; bTask: string; id: string; bPatient: string };

  it('delivers the package: B places a new external patient and stores the Task, ServiceRequest, package and Provenance', async () => {
    const { task, delivery } = await refer();
    assert.equal(delivery.delivered, true, delivery.failure);
    assert.ok(delivery.remoteTask);
    assert.ok(delivery.resources >= 6, 'the summary entries count as disclosed resources');
    const id = referralIdOf(task)!;
    const bTask = (await readB(`/Task/${delivery.remoteTask}`)) as Task;
    assert.equal(bTask.status, 'requested');
    assert.equal(referralIdOf(bTask), id, 'both copies share the referral identifier');
    assert.ok(tagged(bTask));
    assert.equal(bTask.requester?.display, t.b.partner.name);
    assert.equal(bTask.owner?.reference, `Organization/${t.b.clinic.organization}`, "owned by B's own organization");
    const bPatient = bTask.for!.reference!.split('/')[1]!;
    const patient = await readB(`/Patient/${bPatient}`);
    assert.ok(tagged(patient), 'a new patient, marked external');
    assert.equal(patient.birthDate, '1961-09-14');
    assert.ok(patient.identifier.some((i: { system: string }) => i.system === `urn:continuum:partner-identifier:${t.b.partner.organizationId}`), "A's identifiers kept under a system naming A");
    assert.ok(patient.identifier.some((i: { system: string }) => i.system === 'urn:continuum:mrn'), "B gave the patient its own MRN: A's number does not pass for one of B's");
    const sr = await readB(`/${bTask.focus!.reference!}`);
    assert.equal(sr.subject.reference, `Patient/${bPatient}`);
    assert.equal(sr.priority, 'urgent');
    assert.equal(sr.reasonCode[0].text, 'Palpitations, please assess');
    const docRef = bTask.input![0]!.valueReference!.reference!;
    const doc = (await readB(`/${docRef}`)) as DocumentReference;
    assert.equal(doc.type?.coding?.[0]?.code, '57133-1');
    assert.equal(doc.content[0]!.attachment.contentType, 'application/fhir+json');
    const pkg = JSON.parse(Buffer.from(doc.content[0]!.attachment.data!, 'base64').toString()) as Bundle;
    assert.equal(pkg.type, 'collection');
    const summary = pkg.entry!.map((e) => e.resource!).find((r) => r.resourceType === 'Bundle') as Bundle;
    assert.equal(summary.type, 'document');
    assert.equal(summary.entry![0]!.resource!.resourceType, 'Composition');
    const texts = JSON.stringify(summary);
    assert.ok(texts.includes('Atrial fibrillation') && texts.includes('Penicillin'), 'the IPS carries the problems and allergies');
    const prov = await readB(`/Provenance?target=Task/${bTask.id!}`);
    assert.equal(prov.entry.length, 1);
    const targets = prov.entry[0].resource.target.map((r: { reference: string }) => r.reference).sort();
    assert.deepEqual(targets, [`DocumentReference/${doc.id!}`, `Patient/${bPatient}`, bTask.focus!.reference!, `Task/${bTask.id!}`].sort());
    assert.equal(prov.entry[0].resource.agent[0].who.reference, `Organization/${t.b.partner.organizationId}`);
    const aTask = (await readA(`/Task/${task.id!}`)) as Task;
    assert.equal(aTask.businessStatus, undefined, 'delivered: no not-delivered mark');
    referral = { aTask: task.id!, bTask: bTask.id!, id, bPatient };
  });

  it('a resend is recognised: the same Task answers, nothing is stored twice', async () => {
    const again = await deliverReferral({ repo: t.a.repo, baseUrl: t.a.server.base, client: t.client, canSee: () => true }, t.a.partner, referral.aTask);
    assert.equal(again.delivered, true);
    assert.equal(again.remoteTask, referral.bTask);
    const tasks = await readB(`/Task?identifier=${encodeURIComponent(`${REFERRAL_ID_SYSTEM}|${referral.id}`)}`);
    assert.equal(tasks.entry.length, 1);
  });

  it("a second referral of the same patient lands on the patient B already holds (by A's identifiers)", async () => {
    const { delivery } = await refer('Follow-up echo');
    assert.equal(delivery.delivered, true);
    const bTask = (await readB(`/Task/${delivery.remoteTask!}`)) as Task;
    assert.equal(bTask.for?.reference, `Patient/${referral.bPatient}`);
  });

  it('once B merged that patient into another, the next referral lands on the surviving patient', async () => {
    const survivor = await create(t.b.server, { resourceType: 'Patient', name: [{ family: 'Quillfeather', given: ['Marguerite'] }], birthDate: '1961-09-14', link: [{ type: 'replaces', other: { reference: `Patient/${referral.bPatient}` } }] });
    const merged = await readB(`/Patient/${referral.bPatient}`);
    const put = await t.b.server.request('PUT', `/Patient/${referral.bPatient}`, { body: { ...merged, active: false, link: [{ type: 'replaced-by', other: { reference: `Patient/${survivor}` } }] } });
    assert.equal(put.status, 200, put.text);
    const { delivery } = await refer('Pre-operative review');
    const bTask = (await readB(`/Task/${delivery.remoteTask!}`)) as Task;
    assert.equal(bTask.for?.reference, `Patient/${survivor}`);
  });

  it('a failed send leaves the Task not-delivered, and a later send clears it', async () => {
    const { task } = await createReferral(t.a.repo, { patientId: patientA, partner: t.a.partner, requester: { reference: `Practitioner/${t.a.clinic.practitioner}` }, reason: 'Syncope', priority: 'routine', now: new Date() });
    const down = { ...t.a.partner, fhirBase: 'http://127.0.0.1:9/fhir' };
    const failing = { call: async () => Promise.reject(new (await import('../../../src/exchange/types.ts')).ExchangeError('connection refused', 'B')) };
    const failed = await deliverReferral({ repo: t.a.repo, baseUrl: t.a.server.base, client: failing, canSee: () => true }, down, task.id!);
    assert.equal(failed.delivered, false);
    assert.equal(((await readA(`/Task/${task.id!}`)) as Task).businessStatus?.coding?.[0]?.code, 'not-delivered');
    const retried = await deliverReferral({ repo: t.a.repo, baseUrl: t.a.server.base, client: t.client, canSee: () => true }, t.a.partner, task.id!);
    assert.equal(retried.delivered, true);
    assert.equal(((await readA(`/Task/${task.id!}`)) as Task).businessStatus, undefined);
  });

  const respond = (taskId: string, body: Parameters, token = drB) => t.b.server.request('POST', `/Task/${taskId}/$referral-respond`, { token, body });
  const action = (a: string, extra: Parameters['parameter'] = []): Parameters => ({ resourceType: 'Parameters', parameter: [{ name: 'action', valueCode: a }, ...(extra ?? [])] });
  const tell = async (bTaskId: string) => {
    const task = (await t.b.repo.read('Task', bTaskId)) as Task;
    const out = task.output?.[0]?.valueReference?.reference;
    const report = out ? ((await t.b.repo.read('DocumentReference', out.split('/')[1]!)) as DocumentReference) : undefined;
    return notifyReferrer(t.b.repo, t.client, t.b.partner, task, report);
  };

  it('B accepts (HTTP), then A hears it through its $referral-update', async () => {
    const res = await respond(referral.bTask, action('accept'));
    assert.equal(res.status, 200, res.text);
    assert.equal(param(res.json, 'status'), 'accepted');
    assert.equal(param(res.json, 'delivered'), false, "this branch's partner directory is empty: the notice waits");
    const again = await respond(referral.bTask, action('accept'));
    assert.equal(again.status, 200, 'the same action again retries the pending notice');
    assert.equal((await tell(referral.bTask)).delivered, true);
    assert.equal(((await readA(`/Task/${referral.aTask}`)) as Task).status, 'accepted');
    const pending = ((await readB(`/Task/${referral.bTask}`)) as Task).extension?.some((e) => e.url.endsWith('referral-update-pending'));
    assert.equal(pending, false, 'the pending mark is cleared once A heard');
    const twice = await respond(referral.bTask, action('accept'));
    assert.equal(twice.status, 409, 'accepting an accepted referral is a conflict once A knows');
  });

  it('refuses moves the state machine does not allow, and bad inputs, without changing the Task', async () => {
    assert.equal((await respond(referral.bTask, action('decline'))).status, 409);
    assert.equal((await respond(referral.bTask, action('schedule'))).status, 400, 'schedule needs an appointmentDate');
    assert.equal((await respond(referral.bTask, action('schedule', [{ name: 'appointmentDate', valueDateTime: 'next tuesday' }]))).status, 400);
    assert.equal((await respond(referral.bTask, action('complete'))).status, 400, 'complete needs the report');
    assert.equal((await respond(referral.bTask, action('archive'))).status, 400);
    assert.equal((await respond(referral.bTask, { resourceType: 'Parameters', parameter: [{ name: 'action', valueCode: 'accept' }, { name: 'colour', valueString: 'red' }] })).status, 400);
    assert.equal((await respond(referral.aTask, action('accept'), drB)).status, 404, 'no such Task at B');
    assert.equal(((await readB(`/Task/${referral.bTask}`)) as Task).status, 'accepted');
    // Two answers at once: one wins, the other is refused (409, or 412 when they raced on the same version).
    const { delivery } = await refer('Chest pain');
    const both = await Promise.all([respond(delivery.remoteTask!, action('accept')), respond(delivery.remoteTask!, action('decline'))]);
    const codes = both.map((r) => r.status).sort();
    assert.equal(codes[0], 200, both.map((r) => r.text).join(' | '));
    assert.ok([409, 412].includes(codes[1]!), `the second answer is refused (${codes[1]})`);
  });

  it('B schedules then completes with a report; A gets the Task completed, the report with Provenance and an inbox notice', async () => {
    const when = '2026-12-03T09:30:00Z';
    const scheduled = await respond(referral.bTask, action('schedule', [{ name: 'appointmentDate', valueDateTime: when }]), nurseB);
    assert.equal(scheduled.status, 200, scheduled.text);
    assert.equal(param(scheduled.json, 'businessStatus'), 'scheduled');
    assert.equal((await tell(referral.bTask)).delivered, true);
    const aScheduled = (await readA(`/Task/${referral.aTask}`)) as Task;
    assert.equal(aScheduled.status, 'in-progress');
    assert.equal(aScheduled.businessStatus?.coding?.[0]?.code, 'scheduled');
    assert.equal(aScheduled.executionPeriod?.start, when);

    const note = 'Holter normal. Continue anticoagulation. Review in 6 months.';
    const done = await respond(referral.bTask, action('complete', [{ name: 'report', valueString: note }]));
    assert.equal(done.status, 200, done.text);
    const bTask = (await readB(`/Task/${referral.bTask}`)) as Task;
    assert.equal(bTask.status, 'completed');
    assert.ok(bTask.output?.[0]?.valueReference?.reference?.startsWith('DocumentReference/'));
    assert.equal((await tell(referral.bTask)).delivered, true);

    const aTask = (await readA(`/Task/${referral.aTask}`)) as Task;
    assert.equal(aTask.status, 'completed');
    const reportRef = aTask.output![0]!.valueReference!.reference!;
    const report = (await readA(`/${reportRef}`)) as DocumentReference;
    assert.ok(tagged(report));
    assert.equal(report.subject?.reference, `Patient/${patientA}`);
    assert.equal(Buffer.from(report.content[0]!.attachment.data!, 'base64').toString(), note);
    assert.ok(report.author?.some((a) => a.reference === `Organization/${t.a.partner.organizationId}`));
    const prov = await readA(`/Provenance?target=${reportRef}`);
    assert.equal(prov.entry.length, 1);
    assert.equal(prov.entry[0].resource.agent[0].who.reference, `Organization/${t.a.partner.organizationId}`);
    const inbox = await readA(`/Task?code=${encodeURIComponent(`${EXCHANGE_NOTICE_CODE.system}|${EXCHANGE_NOTICE_CODE.code}`)}&owner=Practitioner/${t.a.clinic.practitioner}`);
    assert.equal(inbox.entry.length, 1);
    assert.equal(inbox.entry[0].resource.focus.reference, reportRef);

    assert.equal((await tell(referral.bTask)).delivered, true, 'a repeated notice is harmless');
    assert.equal((await readA(`/Task?code=${encodeURIComponent(`${EXCHANGE_NOTICE_CODE.system}|${EXCHANGE_NOTICE_CODE.code}`)}`)).entry.length, 1, 'and makes no second notice');
    assert.equal((await respond(referral.bTask, action('complete', [{ name: 'report', valueString: 'again' }]))).status, 409, 'completed is final');
  });

  const update = (body: unknown, token = t.a.partnerToken) => t.a.server.request('POST', '/Task/$referral-update', { token, body, headers: { 'x-purpose-of-use': 'TREAT' } });
  const upd = (id: string, status: string, extra: Parameters['parameter'] = []): Parameters => ({
    resourceType: 'Parameters',
    parameter: [{ name: 'referral', valueIdentifier: { system: REFERRAL_ID_SYSTEM, value: id } }, { name: 'status', valueCode: status }, ...(extra ?? [])],
  });

  it('$referral-update refuses bad moves (409), unknown referrals and other partners (404), bad input (400)', async () => {
    assert.equal((await update(upd(referral.id, 'accepted'))).status, 409, 'a completed referral cannot go back');
    assert.equal((await update(upd('no-such-referral', 'accepted'))).status, 404);
    assert.equal((await update({ resourceType: 'Parameters', parameter: [{ name: 'status', valueCode: 'accepted' }] })).status, 400);
    assert.equal((await update(upd(referral.id, 'requested'))).status, 400);
    assert.equal((await update(upd(referral.id, 'finished'))).status, 400);
    const other = await createReferral(t.a.repo, { patientId: patientA, partner: t.a.partner, requester: { reference: `Practitioner/${t.a.clinic.practitioner}` }, reason: 'x', priority: 'routine', now: new Date() });
    const otherId = referralIdOf(other.task)!;
    assert.equal((await update(upd(otherId, 'completed'))).status, 400, 'completed comes with its report');
    const badReport: DocumentReference = { resourceType: 'DocumentReference', status: 'current', content: [{ attachment: { contentType: 'image/gif', data: 'R0lGOD==' } }] };
    assert.equal((await update(upd(otherId, 'accepted', [{ name: 'report', resource: badReport }]))).status, 400, 'a report is checked like a message attachment');
    const { registerPartner } = await import('./two-sides.ts');
    const third = await registerPartner(t.a.server, 'Hilltop Clinic (C)', 'partner-c');
    assert.equal((await update(upd(otherId, 'accepted'), third.token)).status, 404, "a partner cannot move another partner's referral");
    assert.equal(((await readA(`/Task/${other.task.id!}`)) as Task).status, 'requested');
    const declined = await update(upd(otherId, 'rejected', [{ name: 'reason', valueString: 'No capacity' }]));
    assert.equal(declined.status, 200, declined.text);
    const aTask = (await readA(`/Task/${other.task.id!}`)) as Task;
    assert.equal(aTask.status, 'rejected');
    assert.equal(aTask.statusReason?.text, 'No capacity');
  });

  it('$referral-receive refuses a malformed package with a 400 and stores nothing of it (one transaction)', async () => {
    const receive = (body: unknown, purpose = 'TREAT') => t.b.server.request('POST', '/Task/$referral-receive', { token: t.b.partnerToken, body, headers: purpose ? { 'x-purpose-of-use': purpose } : {} });
    const count = async (type: string) => (await t.b.server.request('GET', `/${type}?_summary=count`)).json.total as number;
    const before = { Patient: await count('Patient'), ServiceRequest: await count('ServiceRequest'), DocumentReference: await count('DocumentReference'), Task: await count('Task') };
    assert.equal((await receive({ resourceType: 'Patient' })).status, 400);
    assert.equal((await receive({ resourceType: 'Bundle', type: 'collection' }, '')).status, 400, 'a partner states its purpose of use');
    assert.equal((await receive({ resourceType: 'Bundle', type: 'collection', entry: [] })).status, 400);
    const pkg = (await import('../../../src/exchange/referrals/referral-package.ts')).referralPackage;
    const { task } = await createReferral(t.a.repo, { patientId: patientA, partner: t.a.partner, requester: { reference: `Practitioner/${t.a.clinic.practitioner}` }, reason: 'x', priority: 'routine', now: new Date() });
    const good = await pkg(t.a.repo, t.a.server.base, task, () => true, new Date());
    const newPatient = { resourceType: 'Patient', name: [{ family: 'Nobody-Yet', given: ['Ottoline'] }], birthDate: '1950-01-01', identifier: [{ system: 'urn:example:other', value: 'X-1' }] };
    // A Task whose note is not a valid Annotation fails last, after the Patient, ServiceRequest and DocumentReference were written.
    const broken = { ...good, entry: good.entry!.map((e) => (e.resource!.resourceType === 'Task' ? { ...e, resource: { ...e.resource, note: [{ text: 42 }] } } : e.resource!.resourceType === 'Patient' ? { ...e, resource: newPatient } : e)) };
    const res = await receive(broken);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    assert.match(res.text, /Task/, 'it failed on the Task, the last write');
    const afterCounts = { Patient: await count('Patient'), ServiceRequest: await count('ServiceRequest'), DocumentReference: await count('DocumentReference'), Task: await count('Task') };
    assert.deepEqual(afterCounts, before, 'nothing of the failed referral was kept');
  });

  it('who may call: 401 without a token; only physicians and nurses on staff operations; only partners on partner operations', async () => {
    const staffOps = [`/Patient/${t.b.clinic.patientA}/$refer`, `/Task/${referral.bTask}/$referral-respond`, `/Task/${referral.bTask}/$resend-referral`];
    const partnerOps = ['/Task/$referral-receive', '/Task/$referral-update'];
    for (const path of [...staffOps, ...partnerOps]) {
      assert.equal((await t.b.server.request('POST', path, { anonymous: true, body: { resourceType: 'Parameters' } })).status, 401, path);
    }
    for (const user of ['desk.kim', 'bill.ng', 'audit.ray']) {
      const token = await userToken(t.b.server, t.b.clinic, user);
      for (const path of staffOps) {
        const res = await t.b.server.request('POST', path, { token, body: { resourceType: 'Parameters' } });
        assert.equal(res.status, 403, `${user} ${path}: ${res.text.slice(0, 200)}`);
      }
    }
    const patient = await userToken(t.b.server, t.b.clinic, 'alice', 'openid fhirUser patient/*.cruds', { patient: t.b.clinic.patientA });
    assert.equal((await t.b.server.request('POST', `/Patient/${t.b.clinic.patientA}/$refer`, { token: patient, body: { resourceType: 'Parameters' } })).status, 403);
    // The bootstrap system client may do anything in FHIR terms, but is not a clinician nor a partner.
    for (const path of [staffOps[0]!, ...partnerOps]) assert.equal((await t.b.server.request('POST', path, { body: { resourceType: 'Parameters' } })).status, 403, path);
    for (const path of partnerOps) assert.equal((await t.b.server.request('POST', path, { token: drB, body: { resourceType: 'Parameters' } })).status, 403, `physician on ${path}`);
    // A partner reaches nothing but the partner operations.
    assert.equal((await t.b.server.request('GET', '/Patient', { token: t.b.partnerToken })).status, 403);
    assert.equal((await t.b.server.request('POST', `/Task/${referral.bTask}/$referral-respond`, { token: t.b.partnerToken, body: action('accept') })).status, 403);
    // Physicians and nurses pass; in this branch the partner directory is empty, so the partner is refused as unknown.
    const body: Parameters = { resourceType: 'Parameters', parameter: [{ name: 'partner', valueReference: { reference: `Organization/${t.b.partner.organizationId}` } }, { name: 'reason', valueString: 'x' }] };
    for (const token of [drB, nurseB]) {
      const res = await t.b.server.request('POST', `/Patient/${t.b.clinic.patientA}/$refer`, { token, body });
      assert.equal(res.status, 400, res.text);
      assert.match(res.json.issue[0].diagnostics, /not an exchange partner/);
    }
    const bad = await t.b.server.request('POST', `/Patient/${t.b.clinic.patientA}/$refer`, { token: drB, body: { ...body, parameter: [...body.parameter!, { name: 'priority', valueCode: 'whenever' }] } });
    assert.equal(bad.status, 400);
    assert.equal((await t.a.server.request('POST', `/Patient/${patientA}/$refer`, { token: drA, body: { resourceType: 'Parameters', parameter: [{ name: 'reason', valueString: 'x' }] } })).status, 400, 'partner is required');
  });
});
