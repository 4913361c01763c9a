/**
 * Proxy users with several patients, over real HTTP: a parent of two children (one RelatedPerson
 * per child, linked by a Person) signs in and searches inside the union of the children's
 * compartments. Pages are full at every `_count`, totals are right, paging links reach every
 * match once, a search can be narrowed to one child, and nothing of another family appears:
 * not as a match, not through `_include`, `_revinclude` or `_has`, not by id. The parent cannot
 * write the resources that say whom they act for, and staff revoke access through them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Resource } from '@medplum/fhirtypes';
import { AccountService } from '../../src/identity/accounts.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, create, PASSWORD, userToken, type Clinic } from './fixtures.ts';

interface Entry {
  resource: Resource & { id: string };
  search?: { mode: string };
}

const vital = (patient: string, value: number, extra: Record<string, unknown> = {}): Resource => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: `Patient/${patient}` },
  valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  ...extra,
} as Resource);

const relatedPerson = (patient: string, family: string, extra: Record<string, unknown> = {}): Resource => ({
  resourceType: 'RelatedPerson',
  active: true,
  patient: { reference: `Patient/${patient}` },
  relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'PRN' }] }],
  name: [{ family, given: ['Jordan'] }],
  ...extra,
} as Resource);

describe('proxy users with several patients', () => {
  let server: TestServer;
  let clinic: Clinic;
  const family = { child1: '', child2: '', rp1: '', rp2: '', other: '', otherRp: '' };
  /** Observation ids by the patient whose record holds them. */
  const obs: Record<'child1' | 'child2' | 'other', string[]> = { child1: [], child2: [], other: [] };
  let focusOnChild1 = '';
  let parent = '';

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    family.child1 = await create(server, { resourceType: 'Patient', name: [{ family: 'Rivera', given: ['Mia'] }], birthDate: '2015-04-01' });
    family.child2 = await create(server, { resourceType: 'Patient', name: [{ family: 'Rivera', given: ['Leo'] }], birthDate: '2018-09-12' });
    family.other = await create(server, { resourceType: 'Patient', name: [{ family: 'Nguyen', given: ['Ava'] }], birthDate: '2016-01-20' });
    for (let i = 0; i < 3; i++) obs.child1.push(await create(server, vital(family.child1, 80 + i)));
    for (let i = 0; i < 2; i++) obs.child2.push(await create(server, vital(family.child2, 90 + i)));
    for (let i = 0; i < 3; i++) obs.other.push(await create(server, vital(family.other, 100 + i)));
    // Another family's Observation that names child 1 as its focus: not in child 1's compartment.
    focusOnChild1 = await create(server, vital(family.other, 110, { code: { coding: [{ system: 'http://loinc.org', code: '9279-1' }] }, focus: [{ reference: `Patient/${family.child1}` }] }));
    obs.other.push(focusOnChild1);
    family.rp1 = await create(server, relatedPerson(family.child1, 'Rivera'));
    family.rp2 = await create(server, relatedPerson(family.child2, 'Rivera'));
    family.otherRp = await create(server, relatedPerson(family.other, 'Nguyen'));
    await create(server, { resourceType: 'Person', name: [{ family: 'Rivera', given: ['Jordan'] }], link: [{ target: { reference: `RelatedPerson/${family.rp1}` } }, { target: { reference: `RelatedPerson/${family.rp2}` } }] } as Resource);
    const accounts = new AccountService(server.database.db);
    await accounts.create({ tenantId: clinic.tenant, username: 'parent.rivera', kind: 'proxy', fhirUser: `RelatedPerson/${family.rp1}`, password: PASSWORD });
    await accounts.create({ tenantId: clinic.tenant, username: 'parent.nguyen', kind: 'proxy', fhirUser: `RelatedPerson/${family.otherRp}`, password: PASSWORD });
    parent = await userToken(server, clinic, 'parent.rivera');
  });
  after(async () => {
    await server?.close();
  });

  const get = async (path: string, token = parent) => {
    const res = await server.request('GET', path, { token });
    return res;
  };
  const ids = (bundle: { entry?: Entry[] }, mode = 'match'): string[] => (bundle.entry ?? []).filter((e) => (e.search?.mode ?? 'match') === mode).map((e) => e.resource.id);

  /** Follows `next` links from `first`; returns each page's match ids. */
  async function pages(first: string, token = parent): Promise<{ sizes: number[]; matches: string[]; totals: (number | undefined)[] }> {
    const out = { sizes: [] as number[], matches: [] as string[], totals: [] as (number | undefined)[] };
    let url: string | undefined = first;
    while (url) {
      const res = await get(url, token);
      assert.equal(res.status, 200, `${url}: ${res.text.slice(0, 300)}`);
      const matched = ids(res.json);
      out.sizes.push(matched.length);
      out.matches.push(...matched);
      out.totals.push(res.json.total);
      url = (res.json.link as { relation: string; url: string }[]).find((l) => l.relation === 'next')?.url;
      assert.ok(out.sizes.length < 20, 'paging did not terminate');
    }
    return out;
  }

  it('searches the union of the children’s compartments: full pages, right totals, links that reach every match once', async () => {
    const mine = [...obs.child1, ...obs.child2].sort();
    const walk = await pages('/Observation?_count=2&_total=accurate');
    assert.deepEqual(walk.sizes, [2, 2, 1], 'every page but the last is full');
    assert.deepEqual([...walk.matches].sort(), mine, 'every match of both children, once each, and nothing else');
    assert.ok(walk.totals.every((t) => t === mine.length), `_total=accurate counts what the parent gets: ${JSON.stringify(walk.totals)}`);
    // One page holding everything: the total is given without being asked for.
    const one = await get('/Observation?_count=50');
    assert.equal(one.json.total, mine.length, 'the total of a single page');
    const count = await get('/Observation?_summary=count');
    assert.equal(count.json.total, mine.length, '_summary=count');
    const estimate = await get('/Observation?_total=estimate&_count=1');
    assert.equal(estimate.status, 200, '_total=estimate is answered');
    const patients = await pages('/Patient?_count=1&_sort=birthdate');
    assert.deepEqual(patients.matches, [family.child1, family.child2], 'the parent finds both children, one per page, in order');
    assert.deepEqual(patients.sizes, [1, 1], 'full pages of Patients');
  });

  it('narrows to one child, and finds nothing of a patient who is not theirs', async () => {
    const two = await get(`/Observation?patient=${family.child2}&_total=accurate`);
    assert.deepEqual(ids(two.json).sort(), [...obs.child2].sort(), 'only child 2’s data');
    assert.equal(two.json.total, obs.child2.length, 'total of child 2');
    const subject = await get(`/Observation?subject=Patient/${family.child1}&_count=2&_total=accurate`);
    assert.equal(subject.json.total, obs.child1.length, 'subject=child 1');
    assert.equal(ids(subject.json).length, 2, 'a full first page for child 1');
    const compartment = await get(`/Patient/${family.child2}/Observation`);
    assert.equal(compartment.status, 200, 'compartment search of their own child');
    assert.deepEqual(ids(compartment.json).sort(), [...obs.child2].sort(), 'the child’s compartment');

    const foreign = await get(`/Observation?patient=${family.other}&_total=accurate`);
    assert.equal(foreign.status, 200, 'a search for another patient is not refused');
    assert.deepEqual(ids(foreign.json), [], 'but finds nothing');
    assert.equal(foreign.json.total, 0, 'and counts nothing');
    assert.equal((await get(`/Patient/${family.other}`)).status, 404, 'another family’s child is not known');
    assert.equal((await get(`/Observation/${obs.other[0]!}`)).status, 404, 'nor their data');
    assert.equal((await get(`/Patient/${family.other}/Observation`)).status, 404, 'nor their compartment');
    assert.equal((await get(`/Patient/${clinic.patientA}/$everything`)).status, 404, 'nor another adult patient’s record');
    const everything = await get(`/Patient/${family.child2}/$everything`);
    assert.equal(everything.status, 200, '$everything on their own child');
  });

  it('judges copies trimmed by _elements or _summary on the stored resource: kept when theirs, withheld when not', async () => {
    const mine = [...obs.child1, ...obs.child2].sort();
    const trimmed = await get('/Observation?_elements=code&_count=50');
    assert.equal(trimmed.status, 200, trimmed.text.slice(0, 300));
    assert.deepEqual(ids(trimmed.json).sort(), mine, 'every trimmed match is kept, though the copy has no subject');
    assert.ok((trimmed.json.entry as Entry[]).every((e) => !('subject' in e.resource)), 'the copies really are trimmed');
    const summary = await get('/Observation?_summary=true&_count=50');
    assert.deepEqual(ids(summary.json).sort(), mine, '_summary=true keeps them too');
    const one = await get(`/Observation/${obs.child1[0]!}?_elements=code`);
    assert.equal(one.status, 200, 'a trimmed read of their own child’s Observation');
    assert.equal((await get(`/Observation/${obs.other[0]!}?_elements=code`)).status, 404, 'a trimmed read of another family’s is still unknown');
    const everything = await get(`/Patient/${family.child2}/$everything?_elements=code`);
    assert.equal(everything.status, 200, everything.text.slice(0, 300));
    const found = ids(everything.json).filter((id) => obs.child2.includes(id));
    assert.deepEqual(found.sort(), [...obs.child2].sort(), '$everything with _elements keeps the child’s Observations');
  });

  it('never lets another family in through _include, _revinclude, _has or chains', async () => {
    const inc = await get('/Observation?_include=Observation:subject&_include=Observation:focus&_count=2');
    const all = (inc.json.entry as Entry[]).map((e) => `${e.resource.resourceType}/${e.resource.id}`);
    assert.equal(ids(inc.json).length, 2, 'a full page of matches with includes');
    for (const id of [family.other, ...obs.other, clinic.patientA, clinic.patientB]) assert.ok(!all.some((k) => k.endsWith(`/${id}`)), `include leaks ${id}`);
    // The other family's Observation points at child 1 (focus): a reverse include must not add it.
    const rev = await get('/Patient?_revinclude=Observation:focus&_revinclude=Observation:subject&_count=10');
    const revIds = (rev.json.entry as Entry[]).map((e) => e.resource.id);
    assert.ok(!revIds.includes(focusOnChild1), 'the other family’s Observation is not revincluded');
    assert.ok(obs.child1.every((id) => revIds.includes(id)), 'the children’s own Observations are');
    assert.deepEqual(ids(rev.json).sort(), [family.child1, family.child2].sort(), 'the matches are the two children');
    // _has: only the other family's Observation has this code and a focus on child 1.
    const has = await get('/Patient?_has:Observation:focus:code=9279-1');
    assert.deepEqual(ids(has.json), [], '_has does not match on another family’s Observation');
    const sys = await server.request('GET', '/Patient?_has:Observation:focus:code=9279-1');
    assert.deepEqual(ids(sys.json), [family.child1], 'the criterion itself matches for an unrestricted client');
    const chain = await get('/Observation?subject:Patient.name=Nguyen');
    assert.deepEqual(ids(chain.json), [], 'a chain to another family’s child finds nothing');
    const ownChain = await get('/Observation?subject:Patient.given=Leo&_total=accurate');
    assert.equal(ownChain.json.total, obs.child2.length, 'a chain to their own child works');
  });

  it('keeps another proxy to their own child', async () => {
    const other = await userToken(server, clinic, 'parent.nguyen');
    const walk = await pages('/Observation?_count=2&_total=accurate', other);
    assert.deepEqual([...walk.matches].sort(), [...obs.other].sort(), 'only their child’s data');
    assert.deepEqual(walk.sizes, [2, 2], 'full pages');
  });

  it('writes for their children only, and never the records that say whom they act for', async () => {
    const ok = await server.request('POST', '/Observation', { token: parent, body: vital(family.child2, 95) });
    assert.equal(ok.status, 201, ok.text.slice(0, 200));
    obs.child2.push(String(ok.json.id));
    const refused = await server.request('POST', '/Observation', { token: parent, body: vital(family.other, 95) });
    assert.equal(refused.status, 403, 'not into another family’s record');
    const person = await server.request('POST', '/Person', {
      token: parent,
      body: { resourceType: 'Person', link: [{ target: { reference: `RelatedPerson/${family.rp1}` } }, { target: { reference: `RelatedPerson/${family.otherRp}` } }, { target: { reference: `Patient/${family.child1}` } }] },
    });
    assert.equal(person.status, 403, 'a proxy cannot link themselves to another child');
    assert.equal(person.json.resourceType, 'OperationOutcome', 'refused with an OperationOutcome');
    const rp = await server.request('PUT', `/RelatedPerson/${family.rp2}`, { token: parent, body: { ...relatedPerson(family.child2, 'Rivera'), id: family.rp2, period: { end: '2999-01-01' } } });
    assert.equal(rp.status, 403, 'nor change the RelatedPerson that grants access');
  });

  it('loses a child when staff end the RelatedPerson, and everything when their own one ends', async () => {
    const ended = await server.request('PUT', `/RelatedPerson/${family.rp2}`, { body: { ...relatedPerson(family.child2, 'Rivera'), id: family.rp2, period: { end: '2020-01-01' } } });
    assert.equal(ended.status, 200, ended.text.slice(0, 200));
    const fresh = await userToken(server, clinic, 'parent.rivera');
    const now = await get('/Observation?_total=accurate', fresh);
    assert.deepEqual(ids(now.json).sort(), [...obs.child1].sort(), 'only child 1 now');
    assert.equal((await get(`/Patient/${family.child2}`, fresh)).status, 404, 'child 2 is no longer theirs');
    const inactive = await server.request('PUT', `/RelatedPerson/${family.rp1}`, { body: { ...relatedPerson(family.child1, 'Rivera'), id: family.rp1, active: false } });
    assert.equal(inactive.status, 200, inactive.text.slice(0, 200));
    const none = await get('/Observation?_total=accurate', await userToken(server, clinic, 'parent.rivera'));
    assert.equal(none.json.total, 0, 'nothing once their own RelatedPerson is inactive');
  });
});
