/**
 * The record follows the patient (issue 9, "How it must be tested: two instances"), end to end
 * over two real Continuum processes with two databases on loopback: a primary care clinic (A)
 * and a heart hospital (B) become partners with `$add-partner`; A registers a patient, documents
 * her problems, medications, allergy and labs, records her consent and refers her to B; B
 * receives the referral, finds her at A, pulls her record (every item marked external, with its
 * source), follows her and is notified of a new result (a signed notification), reconciles the
 * medications (a duplicate flagged, one accepted with Provenance naming A, one rejected) and
 * returns a consult report that A sees; B also writes A a message with an attachment. A's audit
 * trail shows each disclosure to B and the patient's data holders list B. Then the patient
 * withdraws her consent: B's next query gets nothing new, and A audits the denial.
 *
 * Every step speaks HTTP to the real servers, as the physicians (signed in through the login
 * pages) or as each deployment's bootstrap client for the admin operations. The steps share the
 * ids they create and run in order; a step whose predecessor failed says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXCHANGE_NOTICE_CODE, EXTERNAL_TAG, REFERRAL_ID_SYSTEM, REFERRAL_TASK_CODE, TOPICS } from '../../../src/exchange/codes.ts';
import { assertExternal, codingCode, decode, hasTag, ofType, outcomeText, resources, status, until } from './expect.ts';
import { EARLIER_STEP, Pair, type Instance, type InstanceSpec, type Answer } from './harness.ts';
import { all, code, idOf, one, parameters, ref, refOf, str, type Param } from './parameters.ts';
import { allergy, ALLERGY, codeOf, condition, lab, LABS, medication, MEDICATIONS, PANEL, patient, PROBLEMS, report } from './record.ts';

const CLINIC: InstanceSpec = {
  label: 'A',
  organizationName: 'Riverbend Family Medicine',
  organizationId: 'riverbend',
  physician: 'dr.osei',
  practitionerId: 'dr-osei',
  practitionerName: { family: 'Osei', given: ['Kwame'] },
};
const HOSPITAL: InstanceSpec = {
  label: 'B',
  organizationName: 'Lakeside Heart Hospital',
  organizationId: 'lakeside',
  physician: 'dr.lindqvist',
  practitionerId: 'dr-lindqvist',
  practitionerName: { family: 'Lindqvist', given: ['Ingrid'] },
};
const CONSULT_NOTE = 'Cardiology consult: exertional chest pain; stress echocardiogram without inducible ischaemia. Continue statin; follow up in primary care.';
const NOTICE = `${EXCHANGE_NOTICE_CODE.system}|${EXCHANGE_NOTICE_CODE.code}`;
/** A one-page PDF, small enough to read in a failure message. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n').toString('base64');

/** What the steps learn and hand on. */
interface Shared {
  /** Each side's Organization for the other, in its own directory. */
  hospitalAtClinic?: string;
  clinicAtHospital?: string;
  patientA?: string;
  medsA: Record<string, string>;
  referralId?: string;
  taskA?: string;
  taskB?: string;
  patientB?: string;
  /** How long the first notification took to arrive (to wait long enough for one that must not). */
  deliveryMs: number;
}

describe('two Continuum deployments share a patient record with her consent', { timeout: 420_000 }, () => {
  const pair = new Pair();
  let A: Instance;
  let B: Instance;
  const s: Shared = { medsA: {}, deliveryMs: 2_000 };
  const need = <T>(value: T | undefined, what: string): T => {
    assert.ok(value !== undefined, `${EARLIER_STEP} ${what}`);
    return value;
  };
  const step = (name: string, fn: () => Promise<void>): void => {
    it(name, () => pair.explain(fn));
  };
  /** Tasks of the exchange-notice code at an instance, as its physician sees them. */
  const notices = async (at: Instance): Promise<Record<string, unknown>[]> => {
    const res = await at.asPhysician('GET', `/Task?code=${encodeURIComponent(NOTICE)}&_count=100`);
    status(res, 200, `${at.spec.label}: notice Tasks`);
    return resources(res.json);
  };
  const externalRecord = (): Promise<Answer> =>
    B.asPhysician('POST', `/Patient/${need(s.patientB, "B's patient")}/$external-record`, {
      body: parameters(ref('partner', `Organization/${need(s.clinicAtHospital, 'the clinic at B')}`), str('remotePatient', need(s.patientA, "A's patient")), code('purpose', 'TREAT')),
    });

  before(() =>
    pair.explain(async () => {
      [A, B] = await Promise.all([pair.add(CLINIC), pair.add(HOSPITAL)]);
    }),
  );
  after(() => pair.close());

  step('the harness: two processes, two stores, each physician signed in at their own deployment only', async () => {
    assert.notEqual(A.origin, B.origin);
    for (const at of [A, B]) console.log(`# ${at.spec.label} at ${at.origin}: ${at.phases.join(', ')}`);
    for (const [at, other] of [
      [A, B],
      [B, A],
    ] as const) {
      const me = await at.asPhysician('GET', `/Practitioner/${at.spec.practitionerId}`);
      status(me, 200, `${at.spec.label}: the physician reads their Practitioner`);
      // Two deployments, two sets of keys: a token of one is nothing at the other.
      status(await other.request('GET', '/Patient', { token: at.physicianToken }), 401, `${at.spec.label}'s token at ${other.spec.label}`);
    }
    // Two databases: what one writes, the other does not hold.
    status(await B.request('GET', `/Organization/${CLINIC.organizationId}`), 404, "B does not hold A's Organization");
  });

  step('partners: each deployment publishes its exchange key and adds the other with $add-partner', async () => {
    const kids: string[] = [];
    for (const at of [A, B]) {
      const jwks = await fetch(`${at.origin}/exchange/jwks.json`);
      assert.equal(jwks.status, 200, `${at.spec.label}: /exchange/jwks.json`);
      const keys = ((await jwks.json()) as { keys: Record<string, unknown>[] }).keys;
      assert.ok(keys.length >= 1);
      for (const k of keys) {
        assert.equal(k.kty, 'EC');
        assert.equal(k.crv, 'P-384');
        assert.equal(k.d, undefined, 'the private part is never published');
      }
      kids.push(String(keys[0]!.kid));
    }
    assert.notEqual(kids[0], kids[1], 'each deployment has its own key');

    // The client ids are named after the side that uses them: A is `partner-a` at B and B is `partner-b` at A.
    const add = async (at: Instance, partner: Instance, partnerClientId: string, ourClientId: string): Promise<string> => {
      const body = parameters(str('name', partner.spec.organizationName), { name: 'fhirBase', valueUrl: partner.base }, str('partnerClientId', partnerClientId), str('ourClientId', ourClientId));
      status(await at.asPhysician('POST', '/Organization/$add-partner', { body }), 403, `${at.spec.label}: a physician may not add a partner`);
      const res = await at.request('POST', '/Organization/$add-partner', { body });
      status(res, 201, `${at.spec.label}: $add-partner ${partner.spec.label}`);
      const organization = refOf(one(res.json, 'organization'));
      assert.match(organization ?? '', /^Organization\/[A-Za-z0-9.-]+$/);
      assert.match(refOf(one(res.json, 'endpoint')) ?? '', /^Endpoint\/[A-Za-z0-9.-]+$/);
      assert.equal(one(res.json, 'ourFhirBase')?.valueUrl, at.base, 'the values to hand the partner: our FHIR base');
      assert.equal(one(res.json, 'ourJwksUri')?.valueUrl, `${at.origin}/exchange/jwks.json`);
      assert.ok(one(res.json, 'ourClientId'), 'and a client id');
      status(await at.request('POST', '/Organization/$add-partner', { body }), 409, `${at.spec.label}: the same partner twice`);
      return organization!;
    };
    s.hospitalAtClinic = idOf(await add(A, B, 'partner-b', 'partner-a'));
    s.clinicAtHospital = idOf(await add(B, A, 'partner-a', 'partner-b'));

    for (const [at, org] of [
      [A, s.hospitalAtClinic],
      [B, s.clinicAtHospital],
    ] as const) {
      const check = await at.request('POST', `/Organization/${org}/$check-partner`, { body: parameters() });
      status(check, 200, `${at.spec.label}: $check-partner`);
      assert.equal(one(check.json, 'reachable')?.valueBoolean, true, `${at.spec.label} reaches its partner: ${String(one(check.json, 'detail')?.valueString)}`);
      assert.equal(one(check.json, 'tokenOk')?.valueBoolean, true, `${at.spec.label} gets a token at its partner: ${String(one(check.json, 'detail')?.valueString)}`);
      // A physician picks the partner from the directory.
      const list = await at.asPhysician('GET', '/Organization/$partners');
      status(list, 200, `${at.spec.label}: $partners`);
      assert.deepEqual(ofType(resources(list.json, 'match'), 'Organization').map((o) => o.id), [org]);
      assert.equal(ofType(resources(list.json, 'include'), 'Endpoint').length, 1);
    }
  });

  step('A registers the patient and documents her problems, medications, allergy and labs', async () => {
    const create = async (resource: { resourceType: string }): Promise<string> => {
      const res = await A.asPhysician('POST', `/${resource.resourceType}`, { body: resource });
      status(res, 201, `A: create ${resource.resourceType}`);
      return String(res.json.id);
    };
    const pid = await create(patient('RFM-004211'));
    s.patientA = pid;
    for (const p of PROBLEMS) await create(condition(pid, p));
    s.medsA.metformin = await create(medication(pid, MEDICATIONS.metformin, '2019-05-10'));
    s.medsA.lisinopril = await create(medication(pid, MEDICATIONS.lisinopril, '2020-01-22'));
    s.medsA.atorvastatin = await create(medication(pid, MEDICATIONS.atorvastatin, '2021-11-03'));
    await create(allergy(pid));
    const results = [await create(lab(pid, LABS.ldl, '2026-10-01')), await create(lab(pid, LABS.hdl, '2026-10-01'))];
    await create(report(pid, results, '2026-10-01'));
  });

  const referral = () =>
    parameters(
      ref('partner', `Organization/${need(s.hospitalAtClinic, 'the hospital at A')}`),
      str('reason', 'Exertional chest pain, please evaluate'),
      { name: 'reasonCode', valueCoding: { system: 'http://snomed.info/sct', code: '29857009', display: 'Chest pain' } },
      { name: 'specialty', valueCoding: { system: 'http://snomed.info/sct', code: '394579002', display: 'Cardiology' } },
      code('priority', 'routine'),
      str('note', 'Lipids above target despite statin'),
    );

  step('without her consent, A may not refer the patient to B', async () => {
    const res = await A.asPhysician('POST', `/Patient/${need(s.patientA, "A's patient")}/$refer`, { body: referral() });
    status(res, 403, 'A: $refer before consent');
    assert.match(outcomeText(res.json), /consent/i);
    status(await A.request('POST', `/Patient/${s.patientA}/$refer`, { body: referral(), anonymous: true }), 401, 'A: $refer without a token');
  });

  step('the patient consents at A to share her record with B', async () => {
    const org = `Organization/${need(s.hospitalAtClinic, 'the hospital at A')}`;
    const path = `/Patient/${need(s.patientA, "A's patient")}/$exchange-consent`;
    status(await A.asPhysician('POST', path, { body: parameters(ref('organization', org), code('decision', 'permit')) }), 200, 'A: $exchange-consent permit');
    const current = await A.asPhysician('GET', path);
    status(current, 200, 'A: $exchange-consent (GET)');
    const forB = all(current.json, 'organization').find((p) => one(p, 'organization')?.valueReference?.reference === org);
    assert.equal(one(forB, 'decision')?.valueCode, 'permit', `the decision for B: ${current.text.slice(0, 400)}`);
  });

  step('A refers the patient to B; B holds the referral Task, the request, the patient and the care package', async () => {
    const res = await A.asPhysician('POST', `/Patient/${need(s.patientA, "A's patient")}/$refer`, { body: referral() });
    status(res, 200, 'A: $refer');
    assert.equal(one(res.json, 'delivered')?.valueBoolean, true, 'the referral reached B');
    s.taskA = idOf(refOf(one(res.json, 'task'), 'Task'));
    const taskA = await A.asPhysician('GET', `/Task/${s.taskA}`);
    status(taskA, 200, "A: the referral's Task");
    assert.equal(taskA.json.status, 'requested');
    assert.equal(codingCode(taskA.json.code), REFERRAL_TASK_CODE.code);
    assert.equal(taskA.json.owner?.reference, `Organization/${s.hospitalAtClinic}`);
    s.referralId = (taskA.json.identifier as { system: string; value: string }[]).find((i) => i.system === REFERRAL_ID_SYSTEM)?.value;
    assert.ok(s.referralId, 'the Task carries the referral identifier');
    const sr = await A.asPhysician('GET', `/${refOf(one(res.json, 'serviceRequest'), 'ServiceRequest')!}`);
    status(sr, 200, "A: the referral's ServiceRequest");
    assert.equal(sr.json.status, 'active');
    assert.deepEqual(sr.json.performer?.map((p: { reference: string }) => p.reference), [`Organization/${s.hospitalAtClinic}`]);
    assert.equal(sr.json.requester?.reference, `Practitioner/${CLINIC.practitionerId}`);

    const found = await B.asPhysician('GET', `/Task?identifier=${encodeURIComponent(`${REFERRAL_ID_SYSTEM}|${s.referralId}`)}`);
    status(found, 200, 'B: the referral Task by its identifier');
    const [taskB] = resources(found.json, 'match');
    assert.equal(resources(found.json, 'match').length, 1);
    assert.equal(taskB.status, 'requested');
    assert.equal(codingCode(taskB.code), REFERRAL_TASK_CODE.code);
    s.taskB = String(taskB.id);
    s.patientB = idOf(taskB.for?.reference);
    const patientB = await B.asPhysician('GET', `/Patient/${s.patientB}`);
    status(patientB, 200, "B: the referred patient");
    assert.equal(patientB.json.name?.[0]?.family, 'Quillfeather');
    assert.equal(patientB.json.birthDate, '1958-09-14');
    assert.ok(JSON.stringify(patientB.json.identifier ?? []).includes('RFM-004211'), "B's patient carries A's identifier");

    const docs = await B.asPhysician('GET', `/DocumentReference?patient=${s.patientB}`);
    status(docs, 200, 'B: the care package');
    const pkg = resources(docs.json, 'match').find((d) => d.type?.coding?.some((c: { code: string }) => c.code === '57133-1'));
    assert.ok(pkg, 'a Referral note DocumentReference holds the package');
    const attachment = pkg.content?.[0]?.attachment;
    assert.equal(attachment?.contentType, 'application/fhir+json');
    const bundle = JSON.parse(decode(String(attachment.data))) as { resourceType: string };
    assert.equal(bundle.resourceType, 'Bundle');
    const text = JSON.stringify(bundle);
    assert.ok(text.includes('"Composition"'), 'the package holds the IPS document');
    assert.ok(text.includes(MEDICATIONS.metformin.code), "and A's medications");
  });

  step("B finds the patient at A and pulls her record: every item external, with A as its source", async () => {
    const clinic = `Organization/${need(s.clinicAtHospital, 'the clinic at B')}`;
    const match = await B.asPhysician('POST', `/Patient/${need(s.patientB, "B's patient")}/$external-match`, { body: parameters(ref('partner', clinic), code('purpose', 'TREAT')) });
    status(match, 200, 'B: $external-match');
    const entries = ((match.json?.entry ?? []) as { fullUrl: string; resource: Record<string, unknown>; search: { mode: string; score: number; extension?: { valueCode: string }[] } }[]).filter((e) => e.search?.mode === 'match');
    assert.equal(entries.length, 1, `one match at A: ${JSON.stringify(match.json).slice(0, 500)}`);
    assert.equal(entries[0]!.fullUrl, `${A.base}/Patient/${need(s.patientA, "A's patient")}`);
    assert.ok(hasTag(entries[0]!.resource, EXTERNAL_TAG));
    assert.ok(entries[0]!.search.score > 0 && entries[0]!.search.score <= 1);
    assert.equal(entries[0]!.search.extension?.[0]?.valueCode, 'certain');

    const res = await externalRecord();
    status(res, 200, 'B: $external-record');
    const items = resources(res.json).filter((r) => r.resourceType !== 'Patient');
    for (const r of items) assertExternal(r, clinic, A.base);
    const codes = (type: string): string[] => ofType(items, type).map((r) => codeOf(r) ?? '').sort();
    assert.deepEqual(codes('Condition'), PROBLEMS.map((p) => p.code).sort());
    assert.deepEqual(codes('MedicationRequest'), Object.values(MEDICATIONS).map((m) => m.code).sort());
    assert.deepEqual(codes('AllergyIntolerance'), [ALLERGY.code]);
    assert.deepEqual(codes('Observation'), [LABS.ldl.code, LABS.hdl.code].sort());
    assert.deepEqual(codes('DiagnosticReport'), [PANEL.code]);
    // Shown, not stored: nothing of A's is in B's own record until a clinician imports it.
    const local = await B.asPhysician('GET', `/MedicationRequest?patient=${s.patientB}`);
    assert.equal(resources(local.json, 'match').length, 0);
  });

  step('B follows the patient at A: a new final result at A reaches B as a signed notification', async () => {
    const follow = await B.asPhysician('POST', `/Patient/${need(s.patientB, "B's patient")}/$follow-partner`, {
      body: parameters(ref('partner', `Organization/${need(s.clinicAtHospital, 'the clinic at B')}`), str('remotePatient', need(s.patientA, "A's patient")), { name: 'topic', valueCanonical: TOPICS.newResult }),
    });
    status(follow, [200, 201], 'B: $follow-partner');
    const endpoint = `${B.origin}/exchange/notify`;
    await until('the Subscription at A to be active', 30_000, async () => {
      const subs = await A.request('GET', '/Subscription?_count=100');
      return resources(subs.json).find((x) => x.channel?.endpoint === endpoint && x.status === 'active');
    });
    // B takes only what its partner signed.
    const forged = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/fhir+json', 'x-continuum-signature': 'eyJhbGciOiJFUzM4NCJ9..c2lnbmF0dXJl' }, body: JSON.stringify({ resourceType: 'Bundle', type: 'history', entry: [] }) });
    assert.ok(forged.status === 400 || forged.status === 401, `a forged notification: ${forged.status}`);
    const before = (await notices(B)).length;

    const sent = Date.now();
    const troponin = await A.asPhysician('POST', '/Observation', { body: lab(s.patientA!, LABS.troponin, '2026-11-20') });
    status(troponin, 201, 'A: a new final result');
    const notice = await until('the notification at B', 60_000, async () => (await notices(B)).find((t) => JSON.stringify(t).includes(`Observation/${String(troponin.json.id)}`)));
    s.deliveryMs = Date.now() - sent;
    assert.equal((await notices(B)).length, before + 1);
    assert.ok(!JSON.stringify(notice).includes('Quillfeather'), 'the notice names no patient');
  });

  step('B reconciles the medications: the duplicate is flagged, one is accepted with Provenance naming A, one rejected', async () => {
    const clinic = `Organization/${need(s.clinicAtHospital, 'the clinic at B')}`;
    const pid = need(s.patientB, "B's patient");
    const own = await B.asPhysician('POST', '/MedicationRequest', { body: medication(pid, MEDICATIONS.atorvastatin, '2021-11-03') });
    status(own, 201, "B: the hospital's own atorvastatin");
    const preview = async () => {
      const res = await B.asPhysician('POST', `/Patient/${pid}/$reconcile-preview`, { body: parameters(ref('partner', clinic), str('remotePatient', need(s.patientA, "A's patient"))) });
      status(res, 200, 'B: $reconcile-preview');
      const items = all(res.json, 'item').map((item) => ({
        list: one(item, 'list')?.valueCode,
        incoming: one(item, 'incoming')?.resource as { medicationCodeableConcept?: { coding?: { code?: string }[] } } | undefined,
        local: one(item, 'local')?.valueReference?.reference,
        match: one(item, 'match')?.valueCode,
        decided: one(item, 'decided')?.valueCode,
      }));
      const meds = new Map(items.filter((i) => i.list === 'medications').map((i) => [codeOf(i.incoming ?? {}) ?? '', i]));
      return { items, meds };
    };
    const { items, meds } = await preview();
    assert.equal(meds.size, 3);
    assert.equal(items.filter((i) => i.list === 'allergies').length, 1);
    assert.equal(items.filter((i) => i.list === 'problems').length, 2);
    assert.equal(meds.get(MEDICATIONS.atorvastatin.code)?.match, 'duplicate');
    assert.equal(meds.get(MEDICATIONS.atorvastatin.code)?.local, `MedicationRequest/${String(own.json.id)}`);
    assert.equal(meds.get(MEDICATIONS.metformin.code)?.match, 'new');
    assert.equal(meds.get(MEDICATIONS.lisinopril.code)?.match, 'new');

    const item = (resource: unknown, action: string) => ({ name: 'item', part: [{ name: 'resource', resource }, { name: 'action', valueCode: action }] });
    const imported = await B.asPhysician('POST', `/Patient/${pid}/$import-external`, {
      body: { resourceType: 'Parameters', parameter: [ref('partner', clinic), item(meds.get(MEDICATIONS.metformin.code)!.incoming, 'accept'), item(meds.get(MEDICATIONS.lisinopril.code)!.incoming, 'reject')] },
    });
    status(imported, 200, 'B: $import-external');
    const created = all(imported.json, 'created').map((p) => refOf(p));
    assert.equal(created.length, 1, `one item created: ${imported.text.slice(0, 400)}`);
    const copy = await B.asPhysician('GET', `/${created[0]!}`);
    status(copy, 200, 'B: the imported MedicationRequest');
    assert.equal(copy.json.subject?.reference, `Patient/${pid}`);
    assert.equal(codeOf(copy.json), MEDICATIONS.metformin.code);
    assertExternal(copy.json, clinic, A.base);

    const prov = await B.asPhysician('GET', `/Provenance?target=${encodeURIComponent(created[0]!)}`);
    status(prov, 200, 'B: Provenance of the import');
    const [provenance] = resources(prov.json, 'match');
    assert.ok(provenance, 'the imported item carries Provenance');
    const agents = (provenance.agent ?? []) as { type?: { coding?: { code?: string }[] }; who?: { reference?: string; display?: string } }[];
    const author = agents.find((a) => a.type?.coding?.some((c) => c.code === 'author'));
    assert.ok(author?.who?.reference === clinic || author?.who?.display === CLINIC.organizationName, `the author is A: ${JSON.stringify(agents)}`);
    assert.ok(agents.some((a) => a.type?.coding?.some((c) => c.code === 'enterer') && a.who?.reference === `Practitioner/${HOSPITAL.practitionerId}`), 'the enterer is the physician at B');
    assert.ok(((provenance.entity ?? []) as { role: string; what?: { display?: string } }[]).some((e) => e.role === 'source' && String(e.what?.display).startsWith(A.base)), 'the source is the item at A');
    assert.ok(provenance.recorded, 'and the time');

    const local = await B.asPhysician('GET', `/MedicationRequest?patient=${pid}`);
    assert.deepEqual(resources(local.json, 'match').map((r) => codeOf(r)).sort(), [MEDICATIONS.atorvastatin.code, MEDICATIONS.metformin.code].sort(), 'the rejected one was not imported');
    const again = await preview();
    assert.equal(again.meds.get(MEDICATIONS.lisinopril.code)?.decided, 'rejected', 'the rejection is remembered');
  });

  step('B accepts, schedules and completes the referral; A sees each state and the consult report', async () => {
    const taskB = need(s.taskB, "B's Task");
    const taskA = need(s.taskA, "A's Task");
    const respond = async (action: string, extra: Param[], expected: string): Promise<Record<string, unknown>> => {
      const res = await B.asPhysician('POST', `/Task/${taskB}/$referral-respond`, { body: { resourceType: 'Parameters', parameter: [code('action', action), ...extra] } });
      status(res, 200, `B: $referral-respond ${action}`);
      const local = await B.asPhysician('GET', `/Task/${taskB}`);
      assert.equal(local.json.status, expected, `B's Task after ${action}`);
      return until(`A's Task to be ${expected}`, 15_000, async () => {
        const at = await A.asPhysician('GET', `/Task/${taskA}`);
        return at.json?.status === expected ? (at.json as Record<string, unknown>) : undefined;
      });
    };
    await respond('accept', [], 'accepted');
    const scheduled = await respond('schedule', [{ name: 'appointmentDate', valueDateTime: '2026-12-08T09:30:00Z' }], 'in-progress');
    assert.match(JSON.stringify(scheduled.businessStatus ?? ''), /scheduled/i);
    const done = await respond('complete', [str('report', CONSULT_NOTE)], 'completed');

    const reportRef = /DocumentReference\/([A-Za-z0-9.-]+)/.exec(JSON.stringify(done.output ?? []))?.[0];
    assert.ok(reportRef, `A's Task has the report as output: ${JSON.stringify(done.output)}`);
    const doc = await A.asPhysician('GET', `/${reportRef}`);
    status(doc, 200, 'A: the consult report');
    assert.ok(decode(String(doc.json.content?.[0]?.attachment?.data ?? '')).includes('stress echocardiogram'), 'it holds the note');
    assert.equal(doc.json.subject?.reference, `Patient/${need(s.patientA, "A's patient")}`);
    const prov = await A.asPhysician('GET', `/Provenance?target=${encodeURIComponent(reportRef)}`);
    const hospital = `Organization/${need(s.hospitalAtClinic, 'the hospital at A')}`;
    const provenance = resources(prov.json, 'match')[0];
    assert.ok(provenance, 'the report carries Provenance');
    assert.ok(
      ((provenance.agent ?? []) as { who?: { reference?: string; display?: string } }[]).some((a) => a.who?.reference === hospital || a.who?.display === HOSPITAL.organizationName),
      'naming B as its author',
    );
    const inbox = (await notices(A)).find((t) => (t.focus as { reference?: string } | undefined)?.reference === reportRef);
    assert.ok(inbox, 'the referring physician has an inbox item for the report');
    assert.equal((inbox.owner as { reference?: string }).reference, `Practitioner/${CLINIC.practitionerId}`);
  });

  step('B writes A a message with an attachment; it arrives at A as an external Communication', async () => {
    // What B sends about her is B's disclosure: at B too, she says whom B may share with.
    const clinic = `Organization/${need(s.clinicAtHospital, 'the clinic at B')}`;
    const consent = parameters(ref('organization', clinic), code('decision', 'permit'));
    status(await B.asPhysician('POST', `/Patient/${need(s.patientB, "B's patient")}/$exchange-consent`, { body: consent }), 200, 'B: $exchange-consent permit for A');
    const res = await B.asPhysician('POST', '/Communication/$send-to-partner', {
      body: parameters(
        ref('partner', clinic),
        ref('patient', `Patient/${s.patientB!}`),
        str('topic', 'Stress echo summary'),
        str('text', 'Summary attached; no change to the plan.'),
        { name: 'attachment', valueAttachment: { contentType: 'application/pdf', title: 'stress-echo.pdf', data: PDF } },
      ),
    });
    status(res, [200, 201], 'B: $send-to-partner');
    const tag = `${EXTERNAL_TAG.system}|${EXTERNAL_TAG.code}`;
    const received = await A.asPhysician('GET', `/Communication?_tag=${encodeURIComponent(tag)}&_count=50`);
    status(received, 200, 'A: external Communications');
    const message = resources(received.json, 'match').find((c) => JSON.stringify(c.payload ?? []).includes('no change to the plan'));
    assert.ok(message, `the message arrived: ${received.text.slice(0, 400)}`);
    const attachment = (message.payload as { contentAttachment?: { contentType?: string; data?: string } }[]).find((p) => p.contentAttachment)?.contentAttachment;
    assert.equal(attachment?.contentType, 'application/pdf');
    assert.equal(attachment?.data, PDF, 'with its attachment intact');
    assert.equal(message.subject?.reference, `Patient/${need(s.patientA, "A's patient")}`, "about A's patient");
    assert.ok(JSON.stringify(message.sender ?? {}).includes(HOSPITAL.organizationName), 'from B');
    const prov = await A.asPhysician('GET', `/Provenance?target=${encodeURIComponent(`Communication/${String(message.id)}`)}`);
    assert.equal(resources(prov.json, 'match').length, 1, 'with Provenance');
  });

  step("A's audit trail shows the disclosures to B, and the patient's data holders list B", async () => {
    const hospital = `Organization/${need(s.hospitalAtClinic, 'the hospital at A')}`;
    const audit = await A.request('GET', '/AuditEvent?action=export&_count=500');
    status(audit, 200, 'A: AuditEvent');
    const toB = resources(audit.json).filter((e) => String(e.outcomeDesc ?? '').includes(hospital));
    assert.ok(toB.filter((e) => e.outcome === '0').length >= 2, `disclosures to B are audited: ${JSON.stringify(toB.map((e) => e.outcomeDesc))}`);
    assert.ok(!JSON.stringify(toB).includes('Quillfeather'), 'without PHI in the detail');

    const holders = await A.asPhysician('GET', `/Patient/${need(s.patientA, "A's patient")}/$data-holders`);
    status(holders, 200, 'A: $data-holders');
    const b = all(holders.json, 'holder').find((h) => one(h, 'organization')?.valueReference?.reference === hospital);
    assert.ok(b, `B holds her data: ${holders.text.slice(0, 400)}`);
    const kinds = all(b, 'kinds').map((k) => k.valueString);
    for (const kind of ['referral', 'query', 'notification']) assert.ok(kinds.includes(kind), `disclosed by ${kind}: ${kinds.join(', ')}`);
    assert.ok(!Number.isNaN(Date.parse(String(one(b, 'lastDisclosed')?.valueDateTime))));

    const atB = await B.asPhysician('GET', `/Patient/${need(s.patientB, "B's patient")}/$data-holders`);
    status(atB, 200, 'B: $data-holders');
    const a = all(atB.json, 'holder').find((h) => one(h, 'organization')?.valueReference?.reference === `Organization/${need(s.clinicAtHospital, 'the clinic at B')}`);
    assert.equal(a && one(a, 'received')?.valueBoolean, true, 'B imported from A');
  });

  step("the patient withdraws her consent at A: B's next query gets nothing new, and A audits the denial", async () => {
    const hospital = `Organization/${need(s.hospitalAtClinic, 'the hospital at A')}`;
    const pid = need(s.patientA, "A's patient");
    const denials = async (): Promise<number> => {
      const audit = await A.request('GET', '/AuditEvent?action=export&_count=500');
      return resources(audit.json).filter((e) => String(e.outcomeDesc ?? '').includes(hospital) && e.outcome === '4').length;
    };
    const deniedBefore = await denials();
    const medsBefore = resources((await B.asPhysician('GET', `/MedicationRequest?patient=${need(s.patientB, "B's patient")}`)).json, 'match').length;
    const noticesBefore = (await notices(B)).length;

    status(await A.asPhysician('POST', `/Patient/${pid}/$exchange-consent`, { body: parameters(ref('organization', hospital), code('decision', 'deny')) }), 200, 'A: $exchange-consent deny');

    const res = await externalRecord();
    status(res, 403, "B: $external-record after the withdrawal");
    assert.match(outcomeText(res.json), /consent/i, 'the refusal names consent');
    const match = await B.asPhysician('POST', `/Patient/${s.patientB!}/$external-match`, { body: parameters(ref('partner', `Organization/${s.clinicAtHospital!}`)) });
    status(match, 200, 'B: $external-match after the withdrawal');
    assert.equal(resources(match.json, 'match').length, 0, 'A no longer finds her for B');
    assert.equal(resources((await B.asPhysician('GET', `/MedicationRequest?patient=${s.patientB!}`)).json, 'match').length, medsBefore, 'nothing new at B');
    status(await A.asPhysician('POST', `/Patient/${pid}/$refer`, { body: referral() }), 403, 'A: no new referral to B');
    assert.ok((await denials()) > deniedBefore, 'A audits the denied disclosure');

    // A new result after the withdrawal is not sent: wait well past the time the first one took.
    status(await A.asPhysician('POST', '/Observation', { body: lab(pid, LABS.ldl, '2026-11-25') }), 201, 'A: a result after the withdrawal');
    await new Promise((r) => setTimeout(r, Math.min(3 * s.deliveryMs + 2_000, 20_000)));
    assert.equal((await notices(B)).length, noticesBefore, 'B is not notified any more');
  });
});
