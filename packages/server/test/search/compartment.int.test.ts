/**
 * Compartment search over real HTTP (`Patient/[id]/[type]`, GET and form POST `_search`).
 * Membership is checked against R4's patient CompartmentDefinition (compartmentdefinition-patient):
 * Observation by `subject` or `performer` (not `focus`), Task by `patient` or `focus`, Condition
 * by `patient` or `asserter`, Patient by `link`. A second patient's data must never leak in, and
 * search criteria, paging and deletions work inside the compartment as they do outside it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { allPages, key, put, remove, sorted, type Entry } from './client.ts';

let s: TestServer;
const id = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const ids = {
  a: id('pat-a'), b: id('pat-b'), aLinked: id('pat-a2'), gone: id('pat-gone'), dr: id('dr'), org: id('org'),
  oSubject: id('obs-subject'), oPrelim: id('obs-prelim'), oPerformer: id('obs-performer'), oFocus: id('obs-focus'),
  oB: id('obs-b'), oMoved: id('obs-moved'), oDeleted: id('obs-deleted'),
  tFocus: id('task-focus'), cAsserter: id('cond-asserter'), cSubject: id('cond-subject'), enc: id('enc'),
};
const ref = (type: string, i: string) => ({ reference: `${type}/${i}` });
const code = (c: string) => ({ coding: [{ system: 'http://loinc.org', code: c }] });

before(async () => {
  s = await startTestServer();
  await put(s, 'Organization', ids.org, { name: 'Compartment Clinic' });
  await put(s, 'Practitioner', ids.dr, { name: [{ family: 'Okafor' }] });
  for (const p of [ids.a, ids.b, ids.gone]) await put(s, 'Patient', p, { name: [{ family: 'Compartment' }], managingOrganization: ref('Organization', ids.org) });
  await put(s, 'Patient', ids.aLinked, { link: [{ other: ref('Patient', ids.a), type: 'seealso' }] });
  await put(s, 'Observation', ids.oSubject, { status: 'final', code: code('8867-4'), subject: ref('Patient', ids.a), performer: [ref('Practitioner', ids.dr)] });
  await put(s, 'Observation', ids.oPrelim, { status: 'preliminary', code: code('8310-5'), subject: ref('Patient', ids.a) });
  // In A's compartment through `performer`, and in B's through `subject`.
  await put(s, 'Observation', ids.oPerformer, { status: 'final', code: code('8867-4'), subject: ref('Patient', ids.b), performer: [ref('Patient', ids.a)] });
  // `focus` is not a compartment parameter for Observation.
  await put(s, 'Observation', ids.oFocus, { status: 'final', code: code('8867-4'), focus: [ref('Patient', ids.a)] });
  await put(s, 'Observation', ids.oB, { status: 'final', code: code('8867-4'), subject: ref('Patient', ids.b) });
  // Written for A, then moved to B: membership follows the current version.
  await put(s, 'Observation', ids.oMoved, { status: 'final', code: code('8867-4'), subject: ref('Patient', ids.a) });
  await put(s, 'Observation', ids.oMoved, { status: 'final', code: code('8867-4'), subject: ref('Patient', ids.b) });
  await put(s, 'Observation', ids.oDeleted, { status: 'final', code: code('8867-4'), subject: ref('Patient', ids.a) });
  await remove(s, 'Observation', ids.oDeleted);
  // ...but for Task, `focus` is.
  await put(s, 'Task', ids.tFocus, { status: 'requested', intent: 'order', focus: ref('Patient', ids.a) });
  await put(s, 'Condition', ids.cSubject, { subject: ref('Patient', ids.a), code: { text: 'Asthma' } });
  // Condition by `asserter` = the patient: in A's compartment though its subject is B.
  await put(s, 'Condition', ids.cAsserter, { subject: ref('Patient', ids.b), asserter: ref('Patient', ids.a), code: { text: 'Migraine' } });
  await put(s, 'Encounter', ids.enc, { status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: ref('Patient', ids.a), serviceProvider: ref('Organization', ids.org) });
  await remove(s, 'Patient', ids.gone);
});
after(async () => {
  await s.close();
});

async function found(path: string): Promise<string[]> {
  const res = await s.request('GET', path);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.type, 'searchset');
  return sorted(((res.json.entry ?? []) as Entry[]).map((e) => e.resource.id));
}

describe('membership per the R4 patient CompartmentDefinition', () => {
  it('Observation: by subject or performer, not by focus; never deleted or moved away', async () => {
    assert.deepEqual(await found(`/Patient/${ids.a}/Observation`), sorted([ids.oSubject, ids.oPrelim, ids.oPerformer]));
  });

  it("keeps the second patient's data out, and holds a resource in both compartments when it names both", async () => {
    assert.deepEqual(await found(`/Patient/${ids.b}/Observation`), sorted([ids.oPerformer, ids.oB, ids.oMoved]));
    assert.deepEqual(await found(`/Patient/${ids.b}/Condition`), sorted([ids.cAsserter]));
  });

  it('Task: by focus; Condition: by subject (patient) or asserter; Encounter: by subject', async () => {
    assert.deepEqual(await found(`/Patient/${ids.a}/Task`), [ids.tFocus]);
    assert.deepEqual(await found(`/Patient/${ids.a}/Condition`), sorted([ids.cSubject, ids.cAsserter]));
    assert.deepEqual(await found(`/Patient/${ids.a}/Encounter`), [ids.enc]);
    assert.deepEqual(await found(`/Patient/${ids.b}/Encounter`), []);
  });

  it('Patient/[id]/Patient is the patient itself and the patients linked to it', async () => {
    assert.deepEqual(await found(`/Patient/${ids.a}/Patient`), sorted([ids.a, ids.aLinked]));
    assert.deepEqual(await found(`/Patient/${ids.b}/Patient`), [ids.b]);
  });

  it('writes entries with the fullUrl of the resource and search mode match', async () => {
    const res = await s.request('GET', `/Patient/${ids.a}/Encounter`);
    const [e] = res.json.entry as Entry[];
    assert.equal(e!.fullUrl, `${s.base}/Encounter/${ids.enc}`);
    assert.equal(e!.search?.mode, 'match');
  });
});

describe('criteria and paging inside the compartment', () => {
  it('ANDs search criteria with the compartment', async () => {
    assert.deepEqual(await found(`/Patient/${ids.a}/Observation?code=http://loinc.org|8867-4`), sorted([ids.oSubject, ids.oPerformer]));
    assert.deepEqual(await found(`/Patient/${ids.a}/Observation?status=preliminary`), [ids.oPrelim]);
    assert.deepEqual(await found(`/Patient/${ids.a}/Observation?_id=${ids.oB}`), []);
  });

  it('accepts the criteria as a form POST to _search', async () => {
    const res = await s.request('POST', `/Patient/${ids.a}/Observation/_search`, {
      raw: `code=${encodeURIComponent('http://loinc.org|8867-4')}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(sorted((res.json.entry as Entry[]).map((e) => e.resource.id)), sorted([ids.oSubject, ids.oPerformer]));
  });

  it('pages through next links under the compartment path, each member exactly once', async () => {
    const pages = await allPages(s, `/Patient/${ids.a}/Observation?_count=1`);
    assert.equal(pages.length, 3);
    for (const p of pages) {
      assert.equal(p.entries.length, 1);
      for (const l of p.links) assert.ok(l.url.startsWith(`${s.base}/Patient/${ids.a}/Observation?`), l.url);
    }
    const seen = pages.flatMap((p) => p.entries.map(key));
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(sorted(seen), sorted([ids.oSubject, ids.oPrelim, ids.oPerformer].map((i) => `Observation/${i}`)));
  });

  it('counts inside the compartment with _summary=count', async () => {
    const res = await s.request('GET', `/Patient/${ids.a}/Observation?_summary=count`);
    assert.equal(res.status, 200);
    assert.equal(res.json.total, 3);
  });
});

describe('errors', () => {
  it('answers 400 for a type the patient compartment does not list', async () => {
    for (const type of ['Organization', 'Practitioner', 'Medication']) {
      const res = await s.request('GET', `/Patient/${ids.a}/${type}`);
      assert.equal(res.status, 400, type);
      assert.equal(res.json.resourceType, 'OperationOutcome');
    }
  });

  it('answers 404 for a patient never stored and 410 for a deleted one', async () => {
    const unknown = await s.request('GET', `/Patient/${randomUUID()}/Observation`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.resourceType, 'OperationOutcome');
    assert.equal((await s.request('GET', `/Patient/${ids.gone}/Observation`)).status, 410);
  });

  it('answers 400 for another compartment, 404 for an unknown type and 405 for other methods', async () => {
    assert.equal((await s.request('GET', `/Encounter/${ids.enc}/Observation`)).status, 400);
    assert.equal((await s.request('GET', `/Patient/${ids.a}/NotAType`)).status, 404);
    assert.equal((await s.request('DELETE', `/Patient/${ids.a}/Observation`)).status, 405);
  });

  it('still routes instance history and $everything, which look like compartment paths', async () => {
    const history = await s.request('GET', `/Patient/${ids.a}/_history`);
    assert.equal(history.status, 200);
    assert.equal(history.json.type, 'history');
    const everything = await s.request('GET', `/Patient/${ids.a}/$everything`);
    assert.equal(everything.status, 200);
    assert.equal(everything.json.type, 'searchset');
  });
});
