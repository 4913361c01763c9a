/**
 * `Patient/[id]/$everything` over real HTTP. Patient P has an Encounter, Observations, a
 * Condition and a MedicationRequest that point at Practitioners, an Organization, a Location and
 * a Medication; patient Q has data of its own, and some of P's data points at Q's. Checked: every
 * compartment member exactly once across pages (search mode `match`), the non-patient resources
 * each page references (mode `include`, once per page), nothing of Q's ever, deletions left out,
 * `_since`, `_type`, `_count`, POST with a Parameters body, and the 4xx answers. A third patient
 * R with dated and undated care checks `start` and `end` (care dates: R4's clinical-date), and
 * `_elements` / `_summary` shaping.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { allPages, key, put, remove, sorted, type Entry, type Page } from './client.ts';

let s: TestServer;
const id = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const P = id('pat-p');
const Q = id('pat-q');
const shared = { dr1: id('dr1'), dr2: id('dr2'), drGone: id('dr-gone'), drQ: id('dr-q'), org: id('org'), loc: id('loc'), med: id('med') };
const ref = (type: string, i: string) => ({ reference: `${type}/${i}` });
const enc = id('enc');
const cond = id('cond');
const medReq = id('medreq');
const obsQ = id('obs-q');
const obsDeleted = id('obs-deleted');
const obs = Array.from({ length: 14 }, (_, i) => id(`obs-${i}`));
/** In both P's and Q's compartments (subject P, asserter Q). */
const condShared = id('cond-shared');
/** A Patient that links to P: in its own compartment and in P's. */
const linkedP = id('pat-p-linked');
const obsQ2 = id('obs-q2');

/** Everything of P's that $everything must return as `match`, as `Type/id`. */
const members = [`Patient/${P}`, `Encounter/${enc}`, `Condition/${cond}`, `MedicationRequest/${medReq}`, `Condition/${condShared}`, `Patient/${linkedP}`, ...obs.map((o) => `Observation/${o}`)];

before(async () => {
  s = await startTestServer();
  await put(s, 'Organization', shared.org, { name: 'Everything Clinic' });
  await put(s, 'Location', shared.loc, { name: 'Room 4', managingOrganization: ref('Organization', shared.org) });
  for (const d of [shared.dr1, shared.dr2, shared.drGone, shared.drQ]) await put(s, 'Practitioner', d, { name: [{ family: 'Adeyemi' }] });
  await put(s, 'Medication', shared.med, { code: { text: 'Amoxicillin 500 mg' } });
  await put(s, 'Patient', P, { name: [{ family: 'Everything' }] });
  await put(s, 'Patient', Q, { name: [{ family: 'Other' }], generalPractitioner: [ref('Practitioner', shared.drQ)] });
  await put(s, 'Observation', obsQ, { status: 'final', code: { text: 'Q only' }, subject: ref('Patient', Q), performer: [ref('Practitioner', shared.drQ)] });
  await put(s, 'Encounter', enc, {
    status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: ref('Patient', P),
    participant: [{ individual: ref('Practitioner', shared.dr1) }], serviceProvider: ref('Organization', shared.org), location: [{ location: ref('Location', shared.loc) }],
  });
  for (const [i, o] of obs.entries()) {
    const body: Record<string, unknown> = { status: 'final', code: { text: `Obs ${i}` }, subject: ref('Patient', P), encounter: ref('Encounter', enc), performer: [ref('Practitioner', i % 2 ? shared.dr2 : shared.dr1)] };
    // Points at Q's data (hasMember) and at Q (performer): neither may come back.
    if (i === 3) body.hasMember = [ref('Observation', obsQ)];
    if (i === 5) body.performer = [ref('Patient', Q), ref('Practitioner', shared.drGone)];
    await put(s, 'Observation', o, body);
  }
  await put(s, 'Condition', cond, { subject: ref('Patient', P), code: { text: 'Asthma' }, asserter: ref('Practitioner', shared.dr2) });
  await put(s, 'MedicationRequest', medReq, { status: 'active', intent: 'order', subject: ref('Patient', P), medicationReference: ref('Medication', shared.med), requester: ref('Practitioner', shared.dr1) });
  await put(s, 'Condition', condShared, { subject: ref('Patient', P), code: { text: 'Reported by Q' }, asserter: ref('Patient', Q) });
  await put(s, 'Patient', linkedP, { link: [{ other: ref('Patient', P), type: 'seealso' }] });
  await put(s, 'Observation', obsQ2, { status: 'final', code: { text: 'Q again' }, subject: ref('Patient', Q) });
  await put(s, 'Observation', obsDeleted, { status: 'final', code: { text: 'Deleted' }, subject: ref('Patient', P) });
  await remove(s, 'Observation', obsDeleted);
  await remove(s, 'Practitioner', shared.drGone);
});
after(async () => {
  await s.close();
});

const matches = (p: Page) => p.entries.filter((e) => e.search?.mode === 'match');
const includes = (p: Page) => p.entries.filter((e) => e.search?.mode === 'include');

/** Literal references anywhere in a resource, as `Type/id`. */
function referencesOf(resource: unknown): Set<string> {
  const out = new Set<string>();
  JSON.stringify(resource, (k, v: unknown) => {
    if (k === 'reference' && typeof v === 'string') out.add(v);
    return v;
  });
  return out;
}

describe('$everything content', () => {
  it('returns every member once across pages, and on each page the non-patient resources it references', async () => {
    const pages = await allPages(s, `/Patient/${P}/$everything?_count=4`);
    assert.equal(pages.length, Math.ceil(members.length / 4));
    const seen = pages.flatMap((p) => matches(p).map(key));
    assert.equal(new Set(seen).size, seen.length, 'a member came back twice');
    assert.deepEqual(sorted(seen), sorted(members));
    for (const p of pages) {
      assert.ok(matches(p).length <= 4);
      const inc = includes(p).map(key);
      assert.equal(new Set(inc).size, inc.length, 'an include repeated within a page');
      const referenced = new Set(matches(p).flatMap((e) => [...referencesOf(e.resource)]));
      const expected = [...referenced].filter((r) => /^(Practitioner|Organization|Location|Medication)\//.test(r) && r !== `Practitioner/${shared.drGone}`);
      assert.deepEqual(sorted(inc), sorted(expected));
    }
    const everyInclude = new Set(pages.flatMap((p) => includes(p).map(key)));
    assert.deepEqual(sorted(everyInclude), sorted([`Practitioner/${shared.dr1}`, `Practitioner/${shared.dr2}`, `Organization/${shared.org}`, `Location/${shared.loc}`, `Medication/${shared.med}`]));
  });

  it("never returns the other patient, its data or what only it references", async () => {
    const res = await s.request('GET', `/Patient/${P}/$everything?_count=1000`);
    assert.equal(res.status, 200);
    const keys = (res.json.entry as Entry[]).map(key);
    for (const leaked of [`Patient/${Q}`, `Observation/${obsQ}`, `Practitioner/${shared.drQ}`, `Observation/${obsDeleted}`, `Practitioner/${shared.drGone}`]) {
      assert.ok(!keys.includes(leaked), `${leaked} leaked into $everything`);
    }
    assert.equal(keys.length, new Set(keys).size);
    assert.equal(res.json.link.some((l: { relation: string }) => l.relation === 'next'), false);
    const q = await s.request('GET', `/Patient/${Q}/$everything`);
    assert.deepEqual(sorted((q.json.entry as Entry[]).map(key)), sorted([`Patient/${Q}`, `Observation/${obsQ}`, `Practitioner/${shared.drQ}`, `Observation/${obs[5]}`, `Condition/${condShared}`, `Observation/${obsQ2}`]));
  });

  it('pages members held in several compartments in order with the others, without gaps', async () => {
    for (const patient of [P, Q]) {
      const whole = await s.request('GET', `/Patient/${patient}/$everything?_count=1000`);
      const expected = matches({ entries: whole.json.entry as Entry[], links: [] }).map(key);
      for (const count of [1, 2, 3]) {
        const pages = await allPages(s, `/Patient/${patient}/$everything?_count=${count}`);
        assert.deepEqual(pages.flatMap((p) => matches(p).map(key)), expected, `${patient} _count=${count}`);
      }
    }
  });

  it('writes absolute fullUrls and a self link that repeats the applied parameters', async () => {
    const res = await s.request('GET', `/Patient/${P}/$everything?_type=Patient&_count=5`);
    assert.deepEqual(sorted(res.json.entry.map((e: Entry) => e.fullUrl)), sorted([`${s.base}/Patient/${P}`, `${s.base}/Patient/${linkedP}`]));
    const self = new URL(res.json.link.find((l: { relation: string }) => l.relation === 'self').url);
    assert.equal(self.searchParams.get('_type'), 'Patient');
    assert.equal(self.searchParams.get('_count'), '5');
  });
});

describe('$everything parameters', () => {
  it('_type keeps only the listed types, members and includes alike', async () => {
    const pages = await allPages(s, `/Patient/${P}/$everything?_type=Observation,Practitioner&_count=5`);
    const all = pages.flatMap((p) => p.entries);
    assert.deepEqual(sorted(new Set(all.filter((e) => e.search?.mode === 'match').map(key))), sorted(obs.map((o) => `Observation/${o}`)));
    assert.deepEqual(sorted(new Set(all.filter((e) => e.search?.mode === 'include').map(key))), sorted([`Practitioner/${shared.dr1}`, `Practitioner/${shared.dr2}`]));
    const repeated = await s.request('GET', `/Patient/${P}/$everything?_type=Condition&_type=Encounter`);
    assert.deepEqual(sorted((repeated.json.entry as Entry[]).map(key)), sorted([`Condition/${cond}`, `Condition/${condShared}`, `Encounter/${enc}`]));
  });

  it('_since keeps only what changed at or after it', async () => {
    const all = await s.request('GET', `/Patient/${P}/$everything?_count=1000`);
    const latest = Math.max(...(all.json.entry as Entry[]).map((e) => Date.parse(e.resource.meta.lastUpdated)));
    await new Promise((r) => setTimeout(r, Math.max(0, latest + 5 - Date.now())));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const o = await put(s, 'Observation', obs[0]!, { status: 'amended', code: { text: 'Obs 0' }, subject: ref('Patient', P), performer: [ref('Practitioner', shared.dr1)] });
    await put(s, 'Practitioner', shared.dr1, { name: [{ family: 'Adeyemi-Renamed' }] });
    const res = await s.request('GET', `/Patient/${P}/$everything?_since=${encodeURIComponent(since)}`);
    assert.equal(res.status, 200, res.text);
    const entries = res.json.entry as Entry[];
    assert.deepEqual(entries.map((e) => [key(e), e.search?.mode]), [[`Observation/${obs[0]}`, 'match'], [`Practitioner/${shared.dr1}`, 'include']]);
    assert.equal(entries[0]!.resource.meta.lastUpdated, o.meta.lastUpdated);
    assert.equal(entries[0]!.resource.status, 'amended');
    const future = await s.request('GET', `/Patient/${P}/$everything?_since=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`);
    assert.deepEqual(future.json.entry ?? [], []);
  });

  it('caps _count at the server maximum and pages without gaps while data is added', async () => {
    const capped = await s.request('GET', `/Patient/${P}/$everything?_count=999999`);
    assert.equal(new URL(capped.json.link[0].url).searchParams.get('_count'), '1000');
    const first = await s.request('GET', `/Patient/${P}/$everything?_count=3&_type=Observation`);
    const extra = id('obs-late');
    await put(s, 'Observation', extra, { status: 'final', code: { text: 'Late' }, subject: ref('Patient', P) });
    const rest = await allPages(s, first.json.link.find((l: { relation: string }) => l.relation === 'next').url);
    const seen = [...(first.json.entry as Entry[]), ...rest.flatMap((p) => p.entries)].map(key);
    assert.deepEqual(sorted(seen), sorted([...obs, extra].map((o) => `Observation/${o}`)));
    await remove(s, 'Observation', extra);
  });

  it('accepts POST with a Parameters body, and POST with no body', async () => {
    const res = await s.request('POST', `/Patient/${P}/$everything`, {
      body: { resourceType: 'Parameters', parameter: [{ name: '_type', valueCode: 'Condition,MedicationRequest,Medication' }, { name: '_count', valueInteger: 10 }, { name: 'start', valueDate: '2020-01-01' }] },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual((res.json.entry as Entry[]).map((e) => [key(e), e.search?.mode]), [
      [`Condition/${cond}`, 'match'], [`MedicationRequest/${medReq}`, 'match'], [`Condition/${condShared}`, 'match'], [`Medication/${shared.med}`, 'include'],
    ]);
    const bare = await s.request('POST', `/Patient/${P}/$everything`);
    assert.equal(bare.status, 200);
    assert.equal(bare.json.entry.length, members.length + 5);
  });
});

describe('$everything care dates (start, end)', () => {
  const R = id('pat-r');
  const c = {
    encIn: id('enc-2021'), encOld: id('enc-2019'), encOpen: id('enc-open'), obsIn: id('obs-2021'), obsLate: id('obs-2023'),
    obsUndated: id('obs-undated'), obsPeriod: id('obs-period'), cond: id('cond-undated'), procOld: id('proc-2015'), imm: id('imm-2021'),
    allergy: id('allergy-2017'), locIn: id('loc-2021'), locOld: id('loc-2019'),
  };
  const patient = { reference: `Patient/${R}` };
  const obs = (extra: Record<string, unknown>) => ({ status: 'final', code: { text: 'Weight' }, subject: patient, ...extra });

  before(async () => {
    await put(s, 'Patient', R, { name: [{ family: 'Dated' }] });
    await put(s, 'Location', c.locIn, { name: 'Visited in 2021' });
    await put(s, 'Location', c.locOld, { name: 'Visited in 2019' });
    const enc = (period: Record<string, string>, loc?: string) => ({
      status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: patient, period,
      ...(loc ? { location: [{ location: ref('Location', loc) }] } : {}),
    });
    await put(s, 'Encounter', c.encIn, enc({ start: '2021-03-01T09:00:00Z', end: '2021-03-01T10:00:00Z' }, c.locIn));
    await put(s, 'Encounter', c.encOld, enc({ start: '2019-05-01T09:00:00Z', end: '2019-05-01T10:00:00Z' }, c.locOld));
    await put(s, 'Encounter', c.encOpen, { ...enc({ start: '2018-01-01' }), status: 'in-progress' });
    await put(s, 'Observation', c.obsIn, obs({ effectiveDateTime: '2021-06-15' }));
    await put(s, 'Observation', c.obsLate, obs({ effectiveDateTime: '2023-02-01T12:00:00Z' }));
    await put(s, 'Observation', c.obsUndated, obs({}));
    await put(s, 'Observation', c.obsPeriod, obs({ effectivePeriod: { start: '2020-12-15', end: '2021-01-15' } }));
    await put(s, 'Condition', c.cond, { subject: patient, code: { text: 'Hypertension' }, onsetDateTime: '2010-04-01' });
    await put(s, 'Procedure', c.procOld, { status: 'completed', subject: patient, code: { text: 'Appendectomy' }, performedDateTime: '2015-01-01' });
    await put(s, 'Immunization', c.imm, { status: 'completed', patient, vaccineCode: { text: 'Influenza' }, occurrenceDateTime: '2021-09-01' });
    await put(s, 'AllergyIntolerance', c.allergy, {
      patient, code: { text: 'Peanut' }, recordedDate: '2017-02-02',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    });
  });

  /** Every entry over all pages, as `Type/id` by mode. */
  async function everything(query: string): Promise<{ match: string[]; include: string[] }> {
    const pages = await allPages(s, `/Patient/${R}/$everything?${query}`);
    return { match: sorted(pages.flatMap((p) => matches(p).map(key))), include: sorted(new Set(pages.flatMap((p) => includes(p).map(key)))) };
  }
  const k = (type: string, ...ids: string[]) => ids.map((i) => `${type}/${i}`);
  /** What every range keeps: the Patient and the resources without a care date. */
  const undated = [`Patient/${R}`, ...k('Observation', c.obsUndated), ...k('Condition', c.cond)];

  it('keeps what overlaps the range and what has no care date, and drops the rest with what only it references', async () => {
    const got = await everything('start=2021-01-01&end=2021-12-31&_count=3');
    assert.deepEqual(got.match, sorted([...undated, ...k('Encounter', c.encIn, c.encOpen), ...k('Observation', c.obsIn, c.obsPeriod), ...k('Immunization', c.imm)]));
    assert.deepEqual(got.include, [`Location/${c.locIn}`]);
    const all = await everything('_count=100');
    assert.equal(all.match.length, 12, 'without a range every member comes back');
  });

  it('takes either end alone: start to the end of time, or the start of time to the end of end', async () => {
    assert.deepEqual((await everything('start=2022')).match, sorted([...undated, ...k('Encounter', c.encOpen), ...k('Observation', c.obsLate)]));
    assert.deepEqual((await everything('end=2019-05-01')).match, sorted([
      ...undated, ...k('Encounter', c.encOld, c.encOpen), ...k('Procedure', c.procOld), ...k('AllergyIntolerance', c.allergy),
    ]));
    assert.deepEqual((await everything('end=2019-05-01')).include, [`Location/${c.locOld}`]);
    assert.deepEqual((await everything('end=2019-04-30')).match, sorted([...undated, ...k('Encounter', c.encOpen), ...k('Procedure', c.procOld), ...k('AllergyIntolerance', c.allergy)]));
  });

  it('takes dateTimes, and combines with _type and paging, keeping the range in the links', async () => {
    assert.deepEqual((await everything(`start=${encodeURIComponent('2021-03-01T09:30:00Z')}&end=${encodeURIComponent('2021-03-01T09:45:00Z')}`)).match, sorted([...undated, ...k('Encounter', c.encIn, c.encOpen)]));
    const first = await s.request('GET', `/Patient/${R}/$everything?start=2021&end=2021&_type=Observation&_count=1`);
    assert.equal(first.status, 200, first.text);
    const next = new URL(first.json.link.find((l: { relation: string }) => l.relation === 'next').url);
    assert.equal(next.searchParams.get('start'), '2021');
    assert.equal(next.searchParams.get('end'), '2021');
    const pages = await allPages(s, `/Patient/${R}/$everything?start=2021&end=2021&_type=Observation&_count=1`);
    assert.deepEqual(sorted(pages.flatMap((p) => matches(p).map(key))), sorted(k('Observation', c.obsIn, c.obsUndated, c.obsPeriod)));
  });

  it('takes start and end from a POSTed Parameters resource', async () => {
    const res = await s.request('POST', `/Patient/${R}/$everything`, {
      body: { resourceType: 'Parameters', parameter: [{ name: 'start', valueDate: '2023-01-01' }, { name: 'end', valueDate: '2023-12-31' }, { name: '_type', valueCode: 'Observation' }] },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(sorted((res.json.entry as Entry[]).map(key)), sorted(k('Observation', c.obsLate, c.obsUndated)));
  });

  it('answers 400 for a malformed or reversed range', async () => {
    for (const q of ['start=yesterday', 'end=2021-13-01', 'start=2022&end=2021', 'start=2021-06-02&end=2021-06-01', 'start=ge2021']) {
      const res = await s.request('GET', `/Patient/${R}/$everything?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.json.resourceType, 'OperationOutcome', q);
    }
  });

  it('shapes the members with _elements and _summary, marks them SUBSETTED, keeps includes whole and the shaping in the links', async () => {
    const res = await s.request('GET', `/Patient/${R}/$everything?_type=Encounter,Location&_elements=status&_count=1`);
    assert.equal(res.status, 200, res.text);
    const [member, ...rest] = res.json.entry as Entry[];
    assert.equal(member!.search?.mode, 'match');
    assert.ok('status' in member!.resource, 'the listed element is kept');
    assert.ok(!('period' in member!.resource) && !('subject' in member!.resource), `other elements are left out: ${JSON.stringify(member!.resource)}`);
    assert.ok((member!.resource.meta as { tag?: { code: string }[] }).tag?.some((t) => t.code === 'SUBSETTED'), 'marked SUBSETTED');
    for (const inc of rest) assert.ok('name' in inc.resource, 'an included Location is whole');
    const next = new URL(res.json.link.find((l: { relation: string }) => l.relation === 'next').url);
    assert.equal(next.searchParams.get('_elements'), 'status');
    const pages = await allPages(s, `/Patient/${R}/$everything?_type=Encounter&_elements=status&_count=1`);
    assert.equal(pages.length, 3);
    for (const p of pages) for (const e of matches(p)) assert.ok(!('period' in e.resource), `${key(e)} shaped on every page`);

    const summary = await s.request('POST', `/Patient/${R}/$everything`, {
      body: { resourceType: 'Parameters', parameter: [{ name: '_type', valueCode: 'Patient' }, { name: '_summary', valueCode: 'true' }] },
    });
    assert.equal(summary.status, 200, summary.text);
    assert.ok((summary.json.entry[0].resource.meta.tag as { code: string }[]).some((t) => t.code === 'SUBSETTED'), '_summary=true marks SUBSETTED');
    for (const q of ['_summary=count', '_summary=bogus']) {
      const bad = await s.request('GET', `/Patient/${R}/$everything?${q}`);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.json.resourceType, 'OperationOutcome', q);
    }
  });
});

describe('$everything errors', () => {
  it('answers 404 for an unknown patient and 410 for a deleted one', async () => {
    const res = await s.request('GET', `/Patient/${randomUUID()}/$everything`);
    assert.equal(res.status, 404);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    const gone = id('pat-gone');
    await put(s, 'Patient', gone, { name: [{ family: 'Gone' }] });
    await remove(s, 'Patient', gone);
    assert.equal((await s.request('GET', `/Patient/${gone}/$everything`)).status, 410);
  });

  it('answers 400 for a bad _since, _count, _type, cursor or body', async () => {
    const bad = ['_since=yesterday', '_since=2024-13-45', '_count=abc', '_count=-1', '_count=0', '_type=NotAType', '_type=Observation,', '_cursor=not-a-cursor'];
    for (const q of bad) {
      const res = await s.request('GET', `/Patient/${P}/$everything?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.json.resourceType, 'OperationOutcome', q);
    }
    const notParameters = await s.request('POST', `/Patient/${P}/$everything`, { body: { resourceType: 'Patient' } });
    assert.equal(notParameters.status, 400);
  });

  it('is listed for Patient in the CapabilityStatement', async () => {
    const cs = await s.request('GET', '/metadata');
    const patient = cs.json.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    assert.ok(patient.operation.some((o: { name: string; definition: string }) => o.name === 'everything' && o.definition === 'http://hl7.org/fhir/OperationDefinition/Patient-everything'));
    const observation = cs.json.rest[0].resource.find((r: { type: string }) => r.type === 'Observation');
    assert.ok(!observation.operation.some((o: { name: string }) => o.name === 'everything'));
  });
});
