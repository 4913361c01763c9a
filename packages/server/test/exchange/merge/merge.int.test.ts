/**
 * `$duplicates`, `$merge` and `$unmerge` over real HTTP on a real database: a duplicate pair is
 * found; a preview writes nothing; a merge moves every reference (new versions, history kept)
 * except a signed note, and links both patients; an unmerge moves exactly those back; the
 * refusals (itself, already merged, not merged, unknown) and who may call them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Observation, Parameters, Patient, Resource } from '@medplum/fhirtypes';
import { buildClinic, create, userToken, type Clinic } from '../../auth/fixtures.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';

const params = (...parameter: Parameters['parameter'] & object): Parameters => ({ resourceType: 'Parameters', parameter });
const ref = (name: string, id: string) => ({ name, valueReference: { reference: `Patient/${id}` } });
const values = (p: Parameters, name: string) => (p.parameter ?? []).filter((x) => x.name === name);

const robert: Patient = {
  resourceType: 'Patient',
  name: [{ family: 'Quillfeather', given: ['Robert'] }],
  birthDate: '1962-11-04',
  gender: 'male',
  address: [{ line: ['17 Harbour Street'], postalCode: '40412' }],
  telecom: [{ system: 'phone', value: '555 440 1212' }],
};
const bob: Patient = { ...robert, name: [{ family: 'Quillfeather', given: ['Bob'] }], telecom: [{ system: 'phone', value: '(555) 440-1212' }] };
const TYPES = ['Observation', 'Condition', 'Encounter', 'DocumentReference', 'Composition', 'Appointment'] as const;

describe('Patient $duplicates, $merge and $unmerge', () => {
  let server: TestServer;
  let clinic: Clinic;
  let source: string;
  let target: string;
  let desk: string;
  let doctor: string;
  const made: Record<string, string> = {};

  /** The number of resources of each type in a patient's compartment (by search, so indexes are checked too). */
  async function counts(patient: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of TYPES) {
      const res = await server.request('GET', `/Patient/${patient}/${t}?_summary=count`);
      assert.equal(res.status, 200, res.text);
      out[t] = (res.json as Bundle).total!;
    }
    return out;
  }

  async function read<T extends Resource>(path: string): Promise<T> {
    const res = await server.request('GET', path);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    return res.json as T;
  }

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    source = await create(server, robert);
    target = await create(server, bob);
    const subject = { reference: `Patient/${source}` };
    made.obs = await create(server, { resourceType: 'Observation', status: 'final', code: { text: 'Weight' }, subject, valueQuantity: { value: 81, unit: 'kg' } });
    made.absolute = await create(server, { resourceType: 'Observation', status: 'final', code: { text: 'Height' }, subject: { reference: `${server.base}/Patient/${source}` } });
    made.condition = await create(server, { resourceType: 'Condition', code: { text: 'Hypertension' }, subject });
    made.encounter = await create(server, { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject });
    made.doc = await create(server, { resourceType: 'DocumentReference', status: 'current', subject, content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('note').toString('base64') } }] });
    made.appointment = await create(server, { resourceType: 'Appointment', status: 'booked', participant: [{ actor: subject, status: 'accepted' }], start: '2026-12-01T09:00:00Z', end: '2026-12-01T09:20:00Z' });
    made.signed = await create(server, { resourceType: 'Composition', status: 'final', type: { text: 'Progress note' }, subject, date: '2026-11-01', author: [{ reference: `Practitioner/${clinic.practitioner}` }], title: 'Visit' });
    made.targetObs = await create(server, { resourceType: 'Observation', status: 'final', code: { text: 'Pulse' }, subject: { reference: `Patient/${target}` } });
    desk = await userToken(server, clinic, 'desk.kim');
    doctor = await userToken(server, clinic, 'dr.okafor');
  });
  after(() => server.close());

  it('lists the duplicate pair, best first, and refuses bad inputs and other roles', async () => {
    const res = await server.request('GET', '/Patient/$duplicates?minScore=0.8&_count=10', { token: desk });
    assert.equal(res.status, 200, res.text);
    const pairs = values(res.json as Parameters, 'pair');
    const ids = (p: (typeof pairs)[number]) => p.part!.filter((x) => x.name === 'a' || x.name === 'b').map((x) => x.valueReference!.reference).sort();
    const ours = pairs.find((p) => ids(p).join() === [`Patient/${source}`, `Patient/${target}`].sort().join());
    assert.ok(ours, JSON.stringify(pairs));
    assert.equal(ours.part!.find((x) => x.name === 'grade')!.valueCode, 'certain');
    assert.ok(ours.part!.find((x) => x.name === 'score')!.valueDecimal! >= 0.8);
    const scores = pairs.map((p) => p.part!.find((x) => x.name === 'score')!.valueDecimal!);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    // The clinic's two unrelated patients are not a pair.
    assert.ok(!pairs.some((p) => ids(p).includes(`Patient/${clinic.patientA}`) && ids(p).includes(`Patient/${clinic.patientB}`)));
    assert.equal((await server.request('GET', '/Patient/$duplicates?minScore=2')).status, 400);
    assert.equal((await server.request('GET', '/Patient/$duplicates?_count=0')).status, 400);
    assert.equal((await server.request('GET', '/Patient/$duplicates?family=x')).status, 400);
    assert.equal((await server.request('GET', '/Patient/$duplicates', { anonymous: true })).status, 401);
    assert.equal((await server.request('GET', '/Patient/$duplicates', { token: doctor })).status, 403);
  });

  it('previews a merge without writing anything', async () => {
    const before = await counts(source);
    const res = await server.request('POST', '/Patient/$merge', { body: params(ref('source-patient', source), ref('target-patient', target), { name: 'preview', valueBoolean: true }), token: desk });
    assert.equal(res.status, 200, res.text);
    const p = res.json as Parameters;
    assert.equal(values(p, 'moved')[0]!.valueInteger, 6);
    const moved = values(p, 'resource').map((x) => x.valueReference!.reference).sort();
    const expected = [`Appointment/${made.appointment}`, `Condition/${made.condition}`, `DocumentReference/${made.doc}`, `Encounter/${made.encounter}`, `Observation/${made.absolute}`, `Observation/${made.obs}`];
    assert.deepEqual(moved, expected.sort());
    assert.ok(values(p, 'skipped').some((s) => s.part!.find((x) => x.name === 'resource')!.valueReference!.reference === `Composition/${made.signed}`));
    assert.deepEqual(await counts(source), before, 'nothing moved');
    const obs = await read<Resource & { meta: { versionId: string } }>(`/Observation/${made.obs}`);
    assert.equal(obs.meta.versionId, '1');
    assert.equal((await read<Patient>(`/Patient/${source}`)).link, undefined);
  });

  it('merges: moves every reference with history kept, links both, and is audited', async () => {
    const srcBefore = await counts(source);
    const tgtBefore = await counts(target);
    const res = await server.request('POST', '/Patient/$merge', { body: params(ref('source-patient', source), ref('target-patient', target)), token: desk });
    assert.equal(res.status, 200, res.text);
    const p = res.json as Parameters;
    assert.equal(values(p, 'moved')[0]!.valueInteger, 6);
    assert.equal(values(p, 'result')[0]!.resource!.id, target);

    const srcAfter = await counts(source);
    const tgtAfter = await counts(target);
    for (const t of TYPES) {
      const stays = t === 'Composition' ? srcBefore[t]! : 0;
      assert.equal(srcAfter[t], stays, `${t} left at the source`);
      assert.equal(tgtAfter[t], tgtBefore[t]! + srcBefore[t]! - stays, `${t} at the target`);
    }
    const history = await read<Bundle>(`/Observation/${made.obs}/_history`);
    const subjects = history.entry!.map((e) => (e.resource as { subject: { reference: string } }).subject.reference);
    assert.deepEqual(subjects, [`Patient/${target}`, `Patient/${source}`], 'the old version stays in the history');
    const src = await read<Patient>(`/Patient/${source}`);
    assert.equal(src.active, false);
    assert.deepEqual(src.link, [{ other: { reference: `Patient/${target}` }, type: 'replaced-by' }]);
    const tgt = await read<Patient>(`/Patient/${target}`);
    assert.deepEqual(tgt.link, [{ other: { reference: `Patient/${source}` }, type: 'replaces' }]);

    const audit = await server.request('GET', `/AuditEvent?patient=${source}&_count=50`);
    assert.equal(audit.status, 200, audit.text);
    assert.ok(JSON.stringify(audit.json).includes(`merged Patient/${source} into Patient/${target}: 6 resources moved, 1 left`), 'the merge detail is in the trail');

    // The merged-away record is no longer a match candidate; the survivor is.
    const match = await server.request('POST', '/Patient/$match', { body: params({ name: 'resource', resource: robert }) });
    const found = (match.json as Bundle).entry!.map((e) => e.resource!.id);
    assert.ok(found.includes(target) && !found.includes(source));
  });

  it('refuses to merge a patient into itself, an already merged one, or into a merged-away one', async () => {
    const merge = (s: string, t: string) => server.request('POST', '/Patient/$merge', { body: params(ref('source-patient', s), ref('target-patient', t)), token: desk });
    const self = await merge(target, target);
    assert.equal(self.status, 400, self.text);
    assert.equal((await merge(source, target)).status, 409, 'already merged');
    assert.equal((await merge(source, clinic.patientA)).status, 409, 'already merged elsewhere');
    assert.equal((await merge(clinic.patientA, source)).status, 409, 'into a merged-away patient');
    assert.equal((await merge('no-such-patient', target)).status, 404);
    assert.equal((await server.request('POST', '/Patient/$merge', { body: params(ref('source-patient', source)), token: desk })).status, 400, 'no target');
    assert.equal((await server.request('POST', '/Patient/$merge', { body: params(ref('source-patient', source), ref('target-patient', target), { name: 'preview', valueString: 'maybe' }) })).status, 400);
    assert.equal((await server.request('POST', '/Patient/$merge', { body: params(ref('source-patient', clinic.patientA), ref('target-patient', clinic.patientB)), anonymous: true })).status, 401);
    assert.equal((await server.request('POST', '/Patient/$merge', { body: params(ref('source-patient', clinic.patientA), ref('target-patient', clinic.patientB)), token: doctor })).status, 403);
    assert.equal((await server.request('POST', '/Patient/$unmerge', { body: params(ref('source-patient', source)), token: doctor })).status, 403);
    assert.equal((await server.request('POST', '/Patient/$unmerge', { body: params(ref('source-patient', source)), anonymous: true })).status, 401);
    assert.equal((await server.request('POST', '/Patient/$unmerge', { body: params(ref('source-patient', clinic.patientA)) })).status, 409, 'not merged');
  });

  it('unmerges: exactly the moved references go back, history kept, links removed', async () => {
    const res = await server.request('POST', '/Patient/$unmerge', { body: params(ref('source-patient', source)), token: desk });
    assert.equal(res.status, 200, res.text);
    assert.equal(values(res.json as Parameters, 'restored')[0]!.valueInteger, 6);
    const src = await counts(source);
    const tgt = await counts(target);
    assert.deepEqual(src, { Observation: 2, Condition: 1, Encounter: 1, DocumentReference: 1, Composition: 1, Appointment: 1 });
    assert.deepEqual(tgt, { Observation: 1, Condition: 0, Encounter: 0, DocumentReference: 0, Composition: 0, Appointment: 0 });
    const absolute = await read<Observation & { subject: { reference: string } }>(`/Observation/${made.absolute}`);
    assert.equal(absolute.subject.reference, `${server.base}/Patient/${source}`, 'the reference is restored as it was written');
    const history = await read<Bundle>(`/Observation/${made.obs}/_history`);
    assert.equal(history.entry!.length, 3);
    const s = await read<Patient>(`/Patient/${source}`);
    assert.equal(s.link, undefined);
    assert.equal(s.active, undefined, 'active as it was before the merge');
    assert.equal((await read<Patient>(`/Patient/${target}`)).link, undefined);
    assert.equal((await read<Resource>(`/Observation/${made.targetObs}`) as { subject?: { reference?: string } }).subject?.reference, `Patient/${target}`, 'the survivor’s own data stays');
    const audit = await server.request('GET', `/AuditEvent?patient=${source}&_count=50`);
    assert.ok(JSON.stringify(audit.json).includes(`unmerged Patient/${source} from Patient/${target}: 6 resources moved back`));
    // And the pair can be merged again.
    const again = await server.request('POST', '/Patient/$merge', { body: params(ref('source-patient', source), ref('target-patient', target), { name: 'preview', valueBoolean: true }) });
    assert.equal(again.status, 200, again.text);
  });

  it('lets only one of two concurrent merges of the same patient happen, and unmerges around later edits', async () => {
    const body = params(ref('source-patient', source), ref('target-patient', target));
    const [a, b] = await Promise.all([server.request('POST', '/Patient/$merge', { body }), server.request('POST', '/Patient/$merge', { body })]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409], `${a.text.slice(0, 200)} ${b.text.slice(0, 200)}`);
    const history = await read<Bundle>(`/Observation/${made.obs}/_history`);
    assert.equal(history.entry!.length, 4, 'moved once');
    // Edited and deleted since the merge: left as they are by the unmerge, and listed.
    const condition = await read<Resource & { subject: { reference: string } }>(`/Condition/${made.condition}`);
    assert.equal((await server.request('PUT', `/Condition/${made.condition}`, { body: { ...condition, subject: { reference: `Patient/${clinic.patientA}` } } })).status, 200);
    assert.equal((await server.request('DELETE', `/DocumentReference/${made.doc}`)).status, 204);
    const res = await server.request('POST', '/Patient/$unmerge', { body: params(ref('source-patient', source)) });
    assert.equal(res.status, 200, res.text);
    const p = res.json as Parameters;
    assert.equal(values(p, 'restored')[0]!.valueInteger, 4);
    const unchanged = values(p, 'unchanged').map((u) => `${u.part![0]!.valueReference!.reference} ${u.part![1]!.valueString}`).sort();
    assert.deepEqual(unchanged, [`Condition/${made.condition} no longer names the surviving patient`, `DocumentReference/${made.doc} deleted since the merge`].sort());
    assert.equal((await read<Resource & { subject: { reference: string } }>(`/Condition/${made.condition}`)).subject.reference, `Patient/${clinic.patientA}`);
  });
});
