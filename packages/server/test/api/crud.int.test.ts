/**
 * REST CRUD over real HTTP: read, vread, create, update (and update-as-create), delete and the
 * Gone semantics that follow it, JSON Patch and FHIRPath Patch. Expected values come from the
 * FHIR R4 RESTful API specification (http.html), not from the server's own output.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const patient = (extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', name: [{ family: 'Crud', given: ['Test'] }], gender: 'female', ...extra });

async function created(body: Record<string, unknown> = {}): Promise<string> {
  const res = await s.request('POST', '/Patient', { body: patient(body) });
  assert.equal(res.status, 201);
  return res.json.id as string;
}

describe('create', () => {
  it('assigns an id and answers 201 with Location, ETag and Last-Modified', async () => {
    const res = await s.request('POST', '/Patient', { body: patient() });
    assert.equal(res.status, 201);
    const id = res.json.id as string;
    assert.match(id, /^[A-Za-z0-9\-.]{1,64}$/);
    assert.equal(res.json.meta.versionId, '1');
    assert.ok(res.headers.get('location')?.endsWith(`/Patient/${id}/_history/1`));
    assert.equal(res.headers.get('etag'), 'W/"1"');
    const lm = res.headers.get('last-modified');
    assert.ok(lm && !Number.isNaN(Date.parse(lm)));
    assert.equal(new Date(lm).toUTCString(), lm);
  });

  it('ignores an id supplied in the body', async () => {
    const res = await s.request('POST', '/Patient', { body: patient({ id: 'client-chosen-id' }) });
    assert.equal(res.status, 201);
    assert.notEqual(res.json.id, 'client-chosen-id');
    assert.equal((await s.request('GET', `/Patient/${res.json.id}`)).status, 200);
  });

  it('rejects a body whose resourceType differs from the URL with 400', async () => {
    const res = await s.request('POST', '/Patient', { body: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } });
    assert.equal(res.status, 400);
    assert.equal(res.json.resourceType, 'OperationOutcome');
  });

  it('answers 404 for an unknown resource type', async () => {
    const res = await s.request('POST', '/NotAType', { body: { resourceType: 'NotAType' } });
    assert.equal(res.status, 404);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    assert.equal((await s.request('GET', '/NotAType/1')).status, 404);
  });
});

describe('read and vread', () => {
  it('reads the current version and vreads older ones', async () => {
    const id = await created();
    await s.request('PUT', `/Patient/${id}`, { body: patient({ id, gender: 'male' }) });
    const cur = await s.request('GET', `/Patient/${id}`);
    assert.equal(cur.status, 200);
    assert.equal(cur.json.gender, 'male');
    assert.equal(cur.headers.get('etag'), 'W/"2"');
    assert.equal(cur.headers.get('last-modified'), new Date(cur.json.meta.lastUpdated as string).toUTCString());
    const v1 = await s.request('GET', `/Patient/${id}/_history/1`);
    assert.equal(v1.status, 200);
    assert.equal(v1.json.gender, 'female');
    assert.equal(v1.json.meta.versionId, '1');
    assert.equal(v1.headers.get('etag'), 'W/"1"');
    assert.equal((await s.request('GET', `/Patient/${id}/_history/9`)).status, 404);
  });

  it('answers 404 with an OperationOutcome for an unknown id', async () => {
    const res = await s.request('GET', `/Patient/${randomUUID()}`);
    assert.equal(res.status, 404);
    assert.equal(res.json.resourceType, 'OperationOutcome');
  });
});

describe('update', () => {
  it('increments the version and answers 200', async () => {
    const id = await created();
    const res = await s.request('PUT', `/Patient/${id}`, { body: patient({ id, birthDate: '1990-01-01' }) });
    assert.equal(res.status, 200);
    assert.equal(res.json.meta.versionId, '2');
    assert.equal(res.headers.get('etag'), 'W/"2"');
    assert.ok(res.headers.get('location')?.endsWith(`/Patient/${id}/_history/2`));
  });

  it('creates with the client id when the resource does not exist (201)', async () => {
    const id = `client-${randomUUID()}`;
    const res = await s.request('PUT', `/Patient/${id}`, { body: patient({ id }) });
    assert.equal(res.status, 201);
    assert.equal(res.json.id, id);
    assert.equal(res.json.meta.versionId, '1');
    assert.equal((await s.request('GET', `/Patient/${id}`)).json.id, id);
  });

  it('rejects a body id different from the URL id with 400', async () => {
    const id = await created();
    const res = await s.request('PUT', `/Patient/${id}`, { body: patient({ id: 'some-other-id' }) });
    assert.equal(res.status, 400);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    const missing = await s.request('PUT', `/Patient/${id}`, { body: patient() });
    assert.equal(missing.status, 400);
  });

  it('rejects a body resourceType different from the URL with 400', async () => {
    const id = await created();
    const res = await s.request('PUT', `/Patient/${id}`, { body: { resourceType: 'Practitioner', id } });
    assert.equal(res.status, 400);
  });
});

describe('delete', () => {
  it('makes the resource Gone while keeping its history', async () => {
    const id = await created();
    await s.request('PUT', `/Patient/${id}`, { body: patient({ id, gender: 'other' }) });
    const del = await s.request('DELETE', `/Patient/${id}`);
    assert.ok(del.status === 200 || del.status === 204, `delete status ${del.status}`);
    const read = await s.request('GET', `/Patient/${id}`);
    assert.equal(read.status, 410);
    assert.equal(read.json.resourceType, 'OperationOutcome');
    const hist = await s.request('GET', `/Patient/${id}/_history`);
    assert.equal(hist.status, 200);
    assert.equal(hist.json.entry.length, 3);
    assert.equal(hist.json.entry[0].request.method, 'DELETE');
    assert.equal(hist.json.entry[0].resource, undefined);
    const v1 = await s.request('GET', `/Patient/${id}/_history/1`);
    assert.equal(v1.status, 200);
    assert.equal(v1.json.gender, 'female');
    assert.equal((await s.request('GET', `/Patient/${id}/_history/3`)).status, 410, 'vread of the deletion is Gone');
  });

  it('can be re-created by PUT after deletion', async () => {
    const id = await created();
    await s.request('DELETE', `/Patient/${id}`);
    const res = await s.request('PUT', `/Patient/${id}`, { body: patient({ id, gender: 'unknown' }) });
    assert.equal(res.status, 201);
    assert.equal(res.json.meta.versionId, '3');
    const read = await s.request('GET', `/Patient/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.json.gender, 'unknown');
  });

  it('answers 404 for an id that never existed', async () => {
    const res = await s.request('DELETE', `/Patient/${randomUUID()}`);
    assert.equal(res.status, 404);
  });
});

describe('patch', () => {
  const jsonPatch = (ops: unknown[], headers: Record<string, string> = {}) => ({ raw: JSON.stringify(ops), headers: { 'content-type': 'application/json-patch+json', ...headers } });

  it('applies a JSON Patch and creates a new version', async () => {
    const id = await created();
    const res = await s.request('PATCH', `/Patient/${id}`, jsonPatch([{ op: 'replace', path: '/gender', value: 'male' }, { op: 'add', path: '/birthDate', value: '2001-02-03' }]));
    assert.equal(res.status, 200);
    assert.equal(res.json.gender, 'male');
    assert.equal(res.json.birthDate, '2001-02-03');
    assert.equal(res.json.meta.versionId, '2');
    assert.equal((await s.request('GET', `/Patient/${id}`)).json.gender, 'male');
  });

  it('answers 422 when a JSON Patch test operation fails, and changes nothing', async () => {
    const id = await created();
    const res = await s.request('PATCH', `/Patient/${id}`, jsonPatch([{ op: 'test', path: '/gender', value: 'male' }, { op: 'replace', path: '/gender', value: 'other' }]));
    assert.equal(res.status, 422);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    const read = await s.request('GET', `/Patient/${id}`);
    assert.equal(read.json.gender, 'female');
    assert.equal(read.json.meta.versionId, '1');
  });

  it('applies a FHIRPath Patch (Parameters)', async () => {
    const id = await created();
    const body = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'operation', part: [{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: 'Patient.gender' }, { name: 'value', valueCode: 'other' }] },
        { name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name: 'name', valueString: 'active' }, { name: 'value', valueBoolean: true }] },
      ],
    };
    const res = await s.request('PATCH', `/Patient/${id}`, { body });
    assert.equal(res.status, 200);
    assert.equal(res.json.gender, 'other');
    assert.equal(res.json.active, true);
  });

  it('honours If-Match on patch', async () => {
    const id = await created();
    const ops = [{ op: 'replace', path: '/gender', value: 'male' }];
    assert.equal((await s.request('PATCH', `/Patient/${id}`, jsonPatch(ops, { 'if-match': 'W/"2"' }))).status, 412);
    const ok = await s.request('PATCH', `/Patient/${id}`, jsonPatch(ops, { 'if-match': 'W/"1"' }));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('etag'), 'W/"2"');
  });

  it('answers 404 when patching a missing resource and 410 for a deleted one', async () => {
    const ops = [{ op: 'replace', path: '/gender', value: 'male' }];
    assert.equal((await s.request('PATCH', `/Patient/${randomUUID()}`, jsonPatch(ops))).status, 404);
    const id = await created();
    await s.request('DELETE', `/Patient/${id}`);
    assert.equal((await s.request('PATCH', `/Patient/${id}`, jsonPatch(ops))).status, 410);
  });
});

describe('optimistic concurrency and Prefer', () => {
  it('accepts a current If-Match and rejects a stale one with 412', async () => {
    const id = await created();
    const ok = await s.request('PUT', `/Patient/${id}`, { body: patient({ id }), headers: { 'if-match': 'W/"1"' } });
    assert.equal(ok.status, 200);
    const stale = await s.request('PUT', `/Patient/${id}`, { body: patient({ id }), headers: { 'if-match': 'W/"1"' } });
    assert.equal(stale.status, 412);
    assert.equal(stale.json.resourceType, 'OperationOutcome');
    assert.equal((await s.request('GET', `/Patient/${id}`)).json.meta.versionId, '2');
  });

  it('honours Prefer: return=minimal, representation and OperationOutcome', async () => {
    const minimal = await s.request('POST', '/Patient', { body: patient(), headers: { prefer: 'return=minimal' } });
    assert.equal(minimal.status, 201);
    assert.equal(minimal.text, '');
    assert.ok(minimal.headers.get('location'));
    assert.equal(minimal.headers.get('etag'), 'W/"1"');
    const rep = await s.request('POST', '/Patient', { body: patient(), headers: { prefer: 'return=representation' } });
    assert.equal(rep.json.resourceType, 'Patient');
    const oo = await s.request('POST', '/Patient', { body: patient(), headers: { prefer: 'return=OperationOutcome' } });
    assert.equal(oo.status, 201);
    assert.equal(oo.json.resourceType, 'OperationOutcome');
    const id = rep.json.id as string;
    const upd = await s.request('PUT', `/Patient/${id}`, { body: patient({ id }), headers: { prefer: 'return=minimal' } });
    assert.equal(upd.status, 200);
    assert.equal(upd.text, '');
  });
});
