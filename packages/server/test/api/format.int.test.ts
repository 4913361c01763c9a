/**
 * Format controls on reads (FHIR R4 search.html#summary, #elements, http.html#parameters):
 * `_summary`, `_elements`, `_pretty` and `_format`, plus /healthz and the 404 for unknown routes.
 * Which elements survive `_summary=true` follows the R4 isSummary flags of Patient.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let s: TestServer;
let id: string;
before(async () => {
  s = await startTestServer();
  const res = await s.request('POST', '/Patient', {
    body: {
      resourceType: 'Patient',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Synthetic patient</div>' },
      identifier: [{ system: 'urn:test:format', value: '1' }],
      active: true,
      name: [{ family: 'Format', given: ['Test'] }],
      gender: 'female',
      birthDate: '1980-05-06',
      maritalStatus: { text: 'unknown' },
      photo: [{ contentType: 'image/png', data: 'iVBORw0KGgo=' }],
      contact: [{ name: { family: 'Contact' }, gender: 'male' }],
      communication: [{ language: { text: 'English' }, preferred: true }],
    },
  });
  assert.equal(res.status, 201);
  id = res.json.id as string;
});
after(async () => {
  await s.close();
});

const subsetted = (r: { meta?: { tag?: { code?: string; system?: string }[] } }) =>
  (r.meta?.tag ?? []).some((t) => t.code === 'SUBSETTED' && t.system === 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue');

describe('_summary and _elements', () => {
  it('_summary=true keeps summary elements only and tags SUBSETTED', async () => {
    const res = await s.request('GET', `/Patient/${id}?_summary=true`);
    assert.equal(res.status, 200);
    const p = res.json;
    for (const kept of ['id', 'meta', 'identifier', 'active', 'name', 'gender', 'birthDate']) assert.ok(kept in p, `${kept} kept`);
    for (const dropped of ['text', 'photo', 'contact', 'maritalStatus', 'communication']) assert.ok(!(dropped in p), `${dropped} removed`);
    assert.ok(subsetted(p));
  });

  it('_summary=text keeps text, id, meta and mandatory elements', async () => {
    const res = await s.request('GET', `/Patient/${id}?_summary=text`);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.json).sort(), ['id', 'meta', 'resourceType', 'text']);
    assert.ok(subsetted(res.json));
  });

  it('_summary=data removes text only', async () => {
    const res = await s.request('GET', `/Patient/${id}?_summary=data`);
    assert.ok(!('text' in res.json));
    assert.ok('photo' in res.json && 'contact' in res.json);
  });

  it('_summary=false returns the whole resource, untagged', async () => {
    const res = await s.request('GET', `/Patient/${id}?_summary=false`);
    assert.ok('photo' in res.json && 'text' in res.json);
    assert.ok(!subsetted(res.json));
  });

  it('_elements=gender keeps gender with id and meta', async () => {
    const res = await s.request('GET', `/Patient/${id}?_elements=gender`);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.json).sort(), ['gender', 'id', 'meta', 'resourceType']);
    assert.ok(subsetted(res.json));
    const two = await s.request('GET', `/Patient/${id}?_elements=gender,birthDate`);
    assert.equal(two.json.birthDate, '1980-05-06');
  });

  it('applies to vread as well', async () => {
    const res = await s.request('GET', `/Patient/${id}/_history/1?_elements=birthDate`);
    assert.equal(res.status, 200);
    assert.equal(res.json.birthDate, '1980-05-06');
    assert.ok(!('gender' in res.json));
  });

  it('rejects an invalid _summary with 400', async () => {
    assert.equal((await s.request('GET', `/Patient/${id}?_summary=maybe`)).status, 400);
  });
});

describe('_pretty and _format', () => {
  it('_pretty=true indents; the default is compact', async () => {
    const pretty = await s.request('GET', `/Patient/${id}?_pretty=true`);
    assert.equal(pretty.status, 200);
    assert.match(pretty.text, /\n\s+"resourceType": "Patient"/);
    const compact = await s.request('GET', `/Patient/${id}`);
    assert.ok(!compact.text.includes('\n'));
    assert.deepEqual(pretty.json, compact.json);
  });

  it('_format=json and application/fhir+json are accepted', async () => {
    for (const f of ['json', 'application/fhir+json', 'application/json']) {
      const res = await s.request('GET', `/Patient/${id}?_format=${encodeURIComponent(f)}`);
      assert.equal(res.status, 200, f);
      assert.match(res.headers.get('content-type') ?? '', /^application\/fhir\+json/);
    }
  });

  it('_format=xml and Accept: application/fhir+xml are 406', async () => {
    const res = await s.request('GET', `/Patient/${id}?_format=xml`);
    assert.equal(res.status, 406);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    assert.equal((await s.request('GET', `/Patient/${id}`, { headers: { accept: 'application/fhir+xml' } })).status, 406);
  });
});

describe('routes', () => {
  it('/healthz answers 200', async () => {
    const res = await s.request('GET', `${s.server.url}/healthz`);
    assert.equal(res.status, 200);
  });

  it('unknown routes answer 404 with an OperationOutcome', async () => {
    for (const path of [`${s.server.url}/nowhere`, '/Patient/a/b/c/d/e', '/_nothing']) {
      const res = await s.request('GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.json.resourceType, 'OperationOutcome', path);
    }
  });

  it('a known path with the wrong method answers 405', async () => {
    const res = await s.request('DELETE', '/metadata');
    assert.equal(res.status, 405);
    assert.equal(res.json.resourceType, 'OperationOutcome');
  });
});
