/**
 * The search features beyond single parameters, over real HTTP on a small clinic built here:
 * chains, reverse chains, composites, full text, ValueSet modifiers, sorting with keyset paging
 * in both directions, totals, includes, result shaping and unknown-parameter handling. Every
 * expected id set follows from how the data below is built.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let s: TestServer;
const LOINC = 'http://loinc.org';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function put(resource: Json): Promise<void> {
  const res = await s.request('PUT', `/${resource.resourceType}/${resource.id}`, { body: resource });
  assert.ok(res.status === 200 || res.status === 201, `${resource.resourceType}/${resource.id}: ${res.status} ${res.text}`);
}

/** Every page of a search, following `next` links; returns match ids in order and all entries. */
async function all(path: string): Promise<{ ids: string[]; entries: Json[]; pages: number }> {
  const ids: string[] = [];
  const entries: Json[] = [];
  let url: string | undefined = path;
  let pages = 0;
  while (url) {
    const res = await s.request('GET', url);
    assert.equal(res.status, 200, `${url}: ${res.text}`);
    pages++;
    for (const e of res.json.entry ?? []) {
      entries.push(e);
      if (e.search.mode === 'match') ids.push(e.resource.id);
    }
    url = res.json.link.find((l: Json) => l.relation === 'next')?.url;
  }
  return { ids, entries, pages };
}

const ids = async (path: string): Promise<string[]> => (await all(path)).ids.sort();

function bp(id: string, patient: string, date: string, systolic: number, diastolic: number): Json {
  return {
    resourceType: 'Observation', id, status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel' }] },
    subject: { reference: `Patient/${patient}` }, effectiveDateTime: date,
    performer: [{ reference: 'Practitioner/fx-doc' }],
    component: [
      { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value: systolic, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: { value: diastolic, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    ],
  };
}

function a1c(id: string, patient: string, date: string, value: number, status = 'final'): Json {
  return {
    resourceType: 'Observation', id, status,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: LOINC, code: '4548-4', display: 'Hemoglobin A1c' }] },
    subject: { reference: `Patient/${patient}` }, effectiveDateTime: date,
    valueQuantity: { value, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
  };
}

before(async () => {
  s = await startTestServer();
  await put({ resourceType: 'Organization', id: 'fx-acme', name: 'Acme Family Practice' });
  await put({ resourceType: 'Organization', id: 'fx-zenith', name: 'Zenith Health' });
  await put({ resourceType: 'Practitioner', id: 'fx-doc', name: [{ family: 'Osler', given: ['William'] }] });
  await put({
    resourceType: 'Patient', id: 'fx-ann', name: [{ family: 'Quillfeather', given: ['Ann'] }], gender: 'female', birthDate: '1950-03-01',
    managingOrganization: { reference: 'Organization/fx-acme' },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Ann has <b>wheezing</b> at night</div>' },
  });
  await put({ resourceType: 'Patient', id: 'fx-bob', name: [{ family: 'Quillfeather', given: ['Bob'] }], gender: 'male', birthDate: '1961-07-15', managingOrganization: { reference: 'Organization/fx-zenith' } });
  await put({ resourceType: 'Patient', id: 'fx-cy', name: [{ family: 'Ravensworth', given: ['Cy'] }], gender: 'other' });
  await put(bp('fx-bp1', 'fx-ann', '2024-01-10', 150, 85)); // systolic high
  await put(bp('fx-bp2', 'fx-bob', '2024-02-10', 120, 140)); // only diastolic above 130
  await put(bp('fx-bp3', 'fx-ann', '2024-03-10', 118, 76));
  await put(a1c('fx-a1', 'fx-ann', '2023-05-01', 6.1));
  await put(a1c('fx-a2', 'fx-ann', '2024-05-01', 7.4));
  await put(a1c('fx-a3', 'fx-bob', '2022-05-01', 5.2, 'amended'));
  await put(a1c('fx-a4', 'fx-cy', '2024-05-01', 5.8, 'preliminary'));
  await put({
    resourceType: 'Condition', id: 'fx-c1', subject: { reference: 'Patient/fx-ann' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.9' }], text: 'Type 2 diabetes' },
  });
  await put({
    resourceType: 'Condition', id: 'fx-c2', subject: { reference: 'Patient/fx-bob' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'J45.909' }], text: 'Asthma' },
    note: [{ text: 'Childhood asthma, outgrown; no inhaler since 2010' }],
  });
  await put({
    resourceType: 'ValueSet', id: 'fx-diabetes', url: 'urn:test:vs:diabetes', status: 'active',
    compose: { include: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', concept: [{ code: 'E11.9' }, { code: 'E11.65' }] }] },
  });
  await put({
    resourceType: 'Provenance', id: 'fx-prov1', target: [{ reference: 'Observation/fx-a2' }], recorded: '2024-05-01T10:00:00Z',
    agent: [{ who: { reference: 'Practitioner/fx-doc' } }],
  });
});

after(async () => {
  await s.close();
});

describe('chained parameters', () => {
  it('follows a typed chain, an untyped one and two levels', async () => {
    assert.deepEqual(await ids('/Observation?subject:Patient.name=quillfeather&code=4548-4'), ['fx-a1', 'fx-a2', 'fx-a3']);
    assert.deepEqual(await ids('/Observation?subject.given=bob'), ['fx-a3', 'fx-bp2']);
    assert.deepEqual(await ids('/Observation?subject:Patient.organization.name=acme&code=85354-9'), ['fx-bp1', 'fx-bp3']);
    assert.deepEqual(await ids('/Observation?subject:Patient.organization.name=nobody'), []);
  });

  it('rejects chains through non-references and unknown targets with 400', async () => {
    assert.equal((await s.request('GET', '/Observation?status.name=x')).status, 400);
    assert.equal((await s.request('GET', '/Observation?subject:Patient.nosuch=x', { headers: { prefer: 'handling=strict' } })).status, 400);
    assert.equal((await s.request('GET', '/Observation?subject:Nonsense.name=x')).status, 400);
  });
});

describe('reverse chaining (_has)', () => {
  it('finds patients by what refers to them, nested too', async () => {
    assert.deepEqual(await ids('/Patient?_has:Observation:patient:code=4548-4'), ['fx-ann', 'fx-bob', 'fx-cy']);
    assert.deepEqual(await ids('/Patient?_has:Observation:patient:component-code-value-quantity=http://loinc.org|8480-6$gt130'), ['fx-ann']);
    assert.deepEqual(await ids('/Patient?_has:Condition:subject:clinical-status=resolved'), ['fx-bob']);
    assert.deepEqual(await ids('/Practitioner?_has:Observation:performer:_has:Provenance:target:agent=Practitioner/fx-doc'), []);
    assert.deepEqual(await ids('/Patient?_has:Observation:patient:_has:Provenance:target:agent=Practitioner/fx-doc'), ['fx-ann']);
  });

  it('rejects a malformed _has with 400', async () => {
    assert.equal((await s.request('GET', '/Patient?_has:Observation=x')).status, 400);
    assert.equal((await s.request('GET', '/Patient?_has:Observation:status:code=x')).status, 400);
  });
});

describe('composite parameters', () => {
  it('pairs the components of one element, never across elements', async () => {
    // fx-bp2 has 140 only on its diastolic component: pairing must exclude it.
    assert.deepEqual(await ids('/Observation?component-code-value-quantity=http://loinc.org|8480-6$gt130'), ['fx-bp1']);
    assert.deepEqual(await ids('/Observation?component-code-value-quantity=8462-4$gt130'), ['fx-bp2']);
    assert.deepEqual(await ids('/Observation?code-value-quantity=http://loinc.org|4548-4$ge7'), ['fx-a2']);
    assert.deepEqual(await ids('/Observation?code-value-quantity=4548-4$lt6,4548-4$gt7'), ['fx-a2', 'fx-a3', 'fx-a4']);
    assert.deepEqual(await ids('/Observation?combo-code-value-quantity=8480-6$lt119'), ['fx-bp3']);
  });

  it('takes escaped separators literally: \\$ in a component, \\, in a value, \\| in a code', async () => {
    await put({
      resourceType: 'Observation', id: 'fx-esc', status: 'final', subject: { reference: 'Patient/fx-cy' },
      code: { coding: [{ system: 'urn:test:codes', code: 'a|b' }] }, valueString: 'cost $5, or $6',
    });
    try {
      const q = (param: string, value: string) => ids(`/Observation?${param}=${encodeURIComponent(value)}`);
      assert.deepEqual(await q('code-value-string', 'urn:test:codes|a\\|b$cost \\$5\\, or'), ['fx-esc']);
      assert.deepEqual(await q('code-value-string', 'a\\|b$cost \\$6'), []);
      assert.deepEqual(await q('code', 'urn:test:codes|a\\|b,nosuch'), ['fx-esc']);
      assert.deepEqual(await q('code', 'urn:test:codes|a'), []);
      assert.deepEqual(await q('value-string', 'cost $5\\, or $6'), ['fx-esc']);
    } finally {
      assert.equal((await s.request('DELETE', '/Observation/fx-esc')).status, 204);
    }
  });

  it('rejects a composite value with the wrong number of parts', async () => {
    const res = await s.request('GET', '/Observation?code-value-quantity=4548-4');
    assert.equal(res.status, 400);
    assert.equal(res.json.resourceType, 'OperationOutcome');
  });
});

describe('full text (_text, _content)', () => {
  it('searches the narrative and the whole content with stemming', async () => {
    assert.deepEqual(await ids('/Patient?_text=wheeze'), ['fx-ann']);
    assert.deepEqual(await ids('/Condition?_content=inhalers'), ['fx-c2']);
    assert.deepEqual(await ids('/Condition?_content=diabetes'), ['fx-c1']);
    assert.deepEqual(await ids('/Condition?_content="childhood asthma"'), ['fx-c2']);
    assert.deepEqual(await ids('/Condition?_content=asthma -childhood'), []);
  });
});

describe(':in and :not-in', () => {
  it('expands a stored ValueSet and a shipped one', async () => {
    assert.deepEqual(await ids('/Condition?code:in=urn:test:vs:diabetes'), ['fx-c1']);
    assert.deepEqual(await ids('/Condition?code:not-in=urn:test:vs:diabetes'), ['fx-c2']);
    assert.deepEqual(await ids('/Condition?code:in=ValueSet/fx-diabetes'), ['fx-c1']);
    assert.deepEqual(await ids('/Condition?clinical-status:in=http://hl7.org/fhir/ValueSet/condition-clinical'), ['fx-c1', 'fx-c2']);
    const statuses = await ids('/Observation?status:in=http://hl7.org/fhir/ValueSet/observation-status&code=4548-4');
    assert.deepEqual(statuses, ['fx-a1', 'fx-a2', 'fx-a3', 'fx-a4']);
  });

  it('answers 400 when no expansion is available', async () => {
    const res = await s.request('GET', '/Condition?code:in=urn:test:vs:nosuch');
    assert.equal(res.status, 400);
    assert.match(res.json.issue[0].diagnostics, /expansion|ValueSet/);
  });
});

describe('_sort and keyset paging', () => {
  it('sorts by date descending, then pages forwards and back to the same order', async () => {
    const dates = new Map([['fx-bp1', '2024-01-10'], ['fx-bp2', '2024-02-10'], ['fx-bp3', '2024-03-10'], ['fx-a1', '2023-05-01'], ['fx-a2', '2024-05-01'], ['fx-a3', '2022-05-01'], ['fx-a4', '2024-05-01']]);
    const expected = [...dates.keys()].sort((x, y) => dates.get(y)!.localeCompare(dates.get(x)!) || 0);
    const one = await all('/Observation?_sort=-date&_count=100');
    // Equal dates (fx-a2, fx-a4) keep creation order; compare by date sequence.
    assert.deepEqual(one.ids.map((id) => dates.get(id)), expected.map((id) => dates.get(id)));
    const paged = await all('/Observation?_sort=-date&_count=2');
    assert.deepEqual(paged.ids, one.ids);
    assert.equal(paged.pages, 4);

    // Walk backwards from the last page with `previous` links.
    let res = await s.request('GET', '/Observation?_sort=-date&_count=2');
    let next = res.json.link.find((l: Json) => l.relation === 'next')?.url;
    while (next) {
      res = await s.request('GET', next);
      next = res.json.link.find((l: Json) => l.relation === 'next')?.url;
    }
    const backwards: string[] = [];
    for (;;) {
      backwards.unshift(...res.json.entry.map((e: Json) => e.resource.id));
      const prev = res.json.link.find((l: Json) => l.relation === 'previous')?.url;
      if (!prev) break;
      res = await s.request('GET', prev);
    }
    assert.deepEqual(backwards, one.ids);
  });

  it('sorts on several keys, with missing values last', async () => {
    const byStatusThenDate = await all('/Observation?code=4548-4&_sort=status,-date');
    assert.deepEqual(byStatusThenDate.ids, ['fx-a3', 'fx-a2', 'fx-a1', 'fx-a4']); // amended < final (newest first) < preliminary
    const byBirth = await all('/Patient?_sort=birthdate&_id=fx-ann,fx-bob,fx-cy&_count=1');
    assert.deepEqual(byBirth.ids, ['fx-ann', 'fx-bob', 'fx-cy']); // fx-cy has no birth date
    const byBirthDesc = await all('/Patient?_sort=-birthdate&_id=fx-ann,fx-bob,fx-cy&_count=1');
    assert.deepEqual(byBirthDesc.ids, ['fx-bob', 'fx-ann', 'fx-cy']);
    const byName = await all('/Patient?_sort=family,-given&_id=fx-ann,fx-bob,fx-cy');
    assert.deepEqual(byName.ids, ['fx-bob', 'fx-ann', 'fx-cy']);
  });

  it('refuses a cursor from another sort and unsortable parameters', async () => {
    const res = await s.request('GET', '/Observation?_sort=-date&_count=1');
    const next = new URL(res.json.link.find((l: Json) => l.relation === 'next').url);
    const cursor = next.searchParams.get('_cursor')!;
    assert.equal((await s.request('GET', `/Observation?_sort=date&_count=1&_cursor=${cursor}`)).status, 400);
    assert.equal((await s.request('GET', '/Observation?_sort=nosuch')).status, 400);
    assert.equal((await s.request('GET', '/Observation?_cursor=bm90LWpzb24')).status, 400);
  });
});

describe('_total', () => {
  it('counts accurately, estimates, or leaves it out', async () => {
    const accurate = await s.request('GET', '/Observation?code=4548-4&_count=1&_total=accurate');
    assert.equal(accurate.json.total, 4);
    const estimate = await s.request('GET', '/Observation?code=4548-4&_count=1&_total=estimate');
    assert.equal(typeof estimate.json.total, 'number');
    assert.ok(estimate.json.total >= 0);
    const none = await s.request('GET', '/Observation?code=4548-4&_count=1&_total=none');
    assert.equal(none.json.total, undefined);
    const count = await s.request('GET', '/Observation?code=4548-4&_summary=count');
    assert.equal(count.json.total, 4);
    assert.equal(count.json.entry, undefined);
    assert.equal((await s.request('GET', '/Observation?_total=some')).status, 400);
  });
});

describe('_include and _revinclude', () => {
  it('adds referenced and referring resources once, marked include', async () => {
    const { entries } = await all('/Observation?code=85354-9&_include=Observation:subject&_include=Observation:performer');
    const included = entries.filter((e) => e.search.mode === 'include').map((e) => `${e.resource.resourceType}/${e.resource.id}`).sort();
    assert.deepEqual(included, ['Patient/fx-ann', 'Patient/fx-bob', 'Practitioner/fx-doc']);
    const typed = await all('/Observation?code=85354-9&_include=Observation:subject:Practitioner');
    assert.equal(typed.entries.filter((e) => e.search.mode === 'include').length, 0);
    const rev = await all('/Observation?code=4548-4&_revinclude=Provenance:target');
    assert.deepEqual(rev.entries.filter((e) => e.search.mode === 'include').map((e) => e.resource.id), ['fx-prov1']);
  });

  it('iterates, and takes the * wildcard', async () => {
    const { entries } = await all('/Observation?_id=fx-bp1&_include=Observation:subject&_include:iterate=Patient:organization');
    const included = entries.filter((e) => e.search.mode === 'include').map((e) => `${e.resource.resourceType}/${e.resource.id}`).sort();
    assert.deepEqual(included, ['Organization/fx-acme', 'Patient/fx-ann']);
    const star = await all('/Observation?_id=fx-bp1&_include=*');
    const starred = star.entries.filter((e) => e.search.mode === 'include').map((e) => `${e.resource.resourceType}/${e.resource.id}`).sort();
    assert.deepEqual(starred, ['Patient/fx-ann', 'Practitioner/fx-doc']);
    const noIterate = await all('/Observation?_id=fx-bp1&_include=Patient:organization');
    assert.equal(noIterate.entries.filter((e) => e.search.mode === 'include').length, 0);
  });

  it('rejects includes on non-reference parameters', async () => {
    assert.equal((await s.request('GET', '/Observation?_include=Observation:status')).status, 400);
    assert.equal((await s.request('GET', '/Observation?_include=Nope:subject')).status, 400);
  });
});

describe('shaping and handling', () => {
  it('applies _elements to matches and marks them subsetted', async () => {
    const res = await s.request('GET', '/Patient?_id=fx-ann&_elements=gender');
    const patient = res.json.entry[0].resource;
    assert.equal(patient.gender, 'female');
    assert.equal(patient.name, undefined);
    assert.ok(patient.meta.tag.some((t: Json) => t.code === 'SUBSETTED'));
  });

  it('ignores unknown parameters leniently (self shows what applied) and refuses them strictly', async () => {
    const lenient = await s.request('GET', '/Patient?family=quillfeather&bogus=1');
    assert.equal(lenient.status, 200);
    assert.equal(lenient.json.entry.length, 2);
    const self = new URL(lenient.json.link.find((l: Json) => l.relation === 'self').url);
    assert.equal(self.searchParams.get('bogus'), null);
    assert.equal(self.searchParams.get('family'), 'quillfeather');
    const strict = await s.request('GET', '/Patient?family=quillfeather&bogus=1', { headers: { prefer: 'handling=strict' } });
    assert.equal(strict.status, 400);
    assert.equal((await s.request('GET', '/Patient?family:nonsense=x')).status, 400);
  });

  it('answers POST _search with the same result as GET', async () => {
    const get = await ids('/Observation?subject:Patient.name=quillfeather&_sort=date');
    const post = await s.request('POST', '/Observation/_search', {
      raw: 'subject:Patient.name=quillfeather&_sort=date',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(post.status, 200);
    assert.deepEqual(post.json.entry.map((e: Json) => e.resource.id).sort(), get);
  });

  it('matches :contains anywhere in the string, and :exact only the whole text', async () => {
    assert.deepEqual(await ids('/Patient?family:contains=llfeath'), ['fx-ann', 'fx-bob']);
    assert.deepEqual(await ids('/Patient?name:contains=NSWOR'), ['fx-cy']);
    assert.deepEqual(await ids('/Patient?family:exact=Quillfeather'), ['fx-ann', 'fx-bob']);
    assert.deepEqual(await ids('/Patient?family:exact=quillfeather'), []);
    assert.deepEqual(await ids('/Patient?family:contains=ll%25f'), []);
  });

  it('treats :missing on every kind of parameter', async () => {
    assert.deepEqual(await ids('/Patient?_id=fx-ann,fx-bob,fx-cy&birthdate:missing=true'), ['fx-cy']);
    assert.deepEqual(await ids('/Patient?_id=fx-ann,fx-bob,fx-cy&organization:missing=false'), ['fx-ann', 'fx-bob']);
    assert.deepEqual(await ids('/Observation?code=85354-9&component-code-value-quantity:missing=false'), ['fx-bp1', 'fx-bp2', 'fx-bp3']);
    assert.deepEqual(await ids('/Observation?code=4548-4&value-quantity:missing=true'), []);
    assert.deepEqual(await ids('/Patient?_id:missing=true'), []);
  });
});
