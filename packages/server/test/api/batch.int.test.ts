/**
 * Batch Bundles over real HTTP (FHIR R4 http.html#transaction): every entry is processed on its
 * own, the good ones are stored, and each failing entry reports its own status and an
 * OperationOutcome, in request order.
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

const system = () => `urn:test:batch:${randomUUID()}`;
const batch = (entry: unknown[]) => ({ resourceType: 'Bundle', type: 'batch', entry });
const patient = (sys: string, value: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', identifier: [{ system: sys, value }], ...extra });
const code = (entry: { response: { status: string } }) => Number(entry.response.status.split(' ')[0]);

async function count(sys: string, value: string): Promise<number> {
  const res = await s.request('GET', `/Patient?identifier=${encodeURIComponent(`${sys}|${value}`)}`);
  return (res.json.entry ?? []).length;
}

describe('batch', () => {
  it('stores the good entries and reports the failing ones with an OperationOutcome', async () => {
    const sys = system();
    const existing = await s.request('POST', '/Patient', { body: patient(sys, 'existing') });
    const id = existing.json.id as string;
    const res = await s.request('POST', '', {
      body: batch([
        { resource: patient(sys, 'good1'), request: { method: 'POST', url: 'Patient' } },
        { resource: patient(sys, 'bad', { gender: 'not-a-gender' }), request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: `Patient/${randomUUID()}` } },
        { resource: patient(sys, 'existing', { id, gender: 'female' }), request: { method: 'PUT', url: `Patient/${id}`, ifMatch: 'W/"7"' } },
        { resource: patient(sys, 'good2'), request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: `Patient/${id}` } },
      ]),
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.type, 'batch-response');
    const entries = res.json.entry;
    assert.deepEqual(entries.map(code), [201, 400, 404, 412, 201, 200]);
    for (const i of [1, 2, 3]) {
      assert.equal(entries[i].response.outcome?.resourceType, 'OperationOutcome', `entry ${i} has an outcome`);
      assert.equal(entries[i].resource, undefined);
    }
    assert.match(entries[0].response.location, /Patient\/[^/]+\/_history\/1$/);
    assert.equal(entries[0].response.etag, 'W/"1"');
    assert.equal(entries[5].resource.id, id);
    assert.equal(await count(sys, 'good1'), 1);
    assert.equal(await count(sys, 'good2'), 1);
    assert.equal(await count(sys, 'bad'), 0);
    assert.equal((await s.request('GET', `/Patient/${id}`)).json.meta.versionId, '1');
  });

  it('gives each failing entry its own status: 400, 404 for a missing id and for an unknown type', async () => {
    const sys = system();
    const res = await s.request('POST', '', {
      body: batch([
        { resource: patient(sys, 'a'), request: { method: 'PUT', url: `Patient/batch-${randomUUID()}` } },
        { request: { method: 'DELETE', url: `Patient/${randomUUID()}` } },
        { request: { method: 'GET', url: 'NotAType/1' } },
      ]),
    });
    assert.equal(res.status, 200);
    const entries = res.json.entry;
    assert.equal(code(entries[0]), 400, 'PUT body without the URL id is a 400');
    assert.equal(code(entries[1]), 404);
    assert.equal(code(entries[2]), 404);
  });

  it('runs conditional creates and deletes per entry', async () => {
    const sys = system();
    await s.request('POST', '/Patient', { body: patient(sys, 'gone') });
    const res = await s.request('POST', '', {
      body: batch([
        { resource: patient(sys, 'cc'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${sys}|cc` } },
        { resource: patient(sys, 'cc'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${sys}|cc` } },
        { request: { method: 'DELETE', url: `Patient?identifier=${encodeURIComponent(`${sys}|gone`)}` } },
      ]),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.entry.map(code).slice(0, 2), [201, 200]);
    assert.ok([200, 204].includes(code(res.json.entry[2])));
    assert.equal(await count(sys, 'cc'), 1);
    assert.equal(await count(sys, 'gone'), 0);
  });

  it('rejects a batch entry without a request method as a whole with 400', async () => {
    const res = await s.request('POST', '', { body: batch([{ resource: patient(system(), 'x') }]) });
    assert.equal(res.status, 400);
  });
});
