/**
 * Conditional interactions over real HTTP (FHIR R4 http.html#ccreate, #cond-update, #3.1.0.7.1):
 * If-None-Exist create, PUT Type?criteria and DELETE Type?criteria, with the spec's answers for
 * zero, one and several matches. Identifier systems are unique per test, so tests do not collide.
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

const system = () => `urn:test:cond:${randomUUID()}`;
const patient = (sys: string, value: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', identifier: [{ system: sys, value }], ...extra });

async function countBy(sys: string, value: string): Promise<number> {
  const res = await s.request('GET', `/Patient?identifier=${encodeURIComponent(`${sys}|${value}`)}`);
  assert.equal(res.status, 200);
  return (res.json.entry ?? []).length;
}

describe('conditional create (If-None-Exist)', () => {
  it('creates when nothing matches, returns the existing one when one matches', async () => {
    const sys = system();
    const headers = { 'if-none-exist': `identifier=${sys}|A` };
    const first = await s.request('POST', '/Patient', { body: patient(sys, 'A', { gender: 'female' }), headers });
    assert.equal(first.status, 201);
    const second = await s.request('POST', '/Patient', { body: patient(sys, 'A', { gender: 'male' }), headers });
    assert.equal(second.status, 200);
    assert.equal(second.json.id, first.json.id);
    assert.equal(second.json.gender, 'female');
    assert.equal(second.json.meta.versionId, '1');
    assert.equal(await countBy(sys, 'A'), 1);
  });

  it('answers 412 when several resources match', async () => {
    const sys = system();
    await s.request('POST', '/Patient', { body: patient(sys, 'B') });
    await s.request('POST', '/Patient', { body: patient(sys, 'B') });
    const res = await s.request('POST', '/Patient', { body: patient(sys, 'B'), headers: { 'if-none-exist': `identifier=${sys}|B` } });
    assert.equal(res.status, 412);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    assert.equal(await countBy(sys, 'B'), 2);
  });

  it('answers 400 for an unknown parameter in the criteria and creates nothing', async () => {
    const sys = system();
    const res = await s.request('POST', '/Patient', { body: patient(sys, 'C'), headers: { 'if-none-exist': 'no-such-param=1' } });
    assert.equal(res.status, 400);
    assert.equal(await countBy(sys, 'C'), 0);
  });
});

describe('conditional update (PUT Type?criteria)', () => {
  it('creates when nothing matches', async () => {
    const sys = system();
    const res = await s.request('PUT', `/Patient?identifier=${encodeURIComponent(`${sys}|D`)}`, { body: patient(sys, 'D') });
    assert.equal(res.status, 201);
    assert.equal(res.json.meta.versionId, '1');
    assert.equal(await countBy(sys, 'D'), 1);
  });

  it('updates the single match', async () => {
    const sys = system();
    const made = await s.request('POST', '/Patient', { body: patient(sys, 'E') });
    const res = await s.request('PUT', `/Patient?identifier=${encodeURIComponent(`${sys}|E`)}`, { body: patient(sys, 'E', { gender: 'other' }) });
    assert.equal(res.status, 200);
    assert.equal(res.json.id, made.json.id);
    assert.equal(res.json.meta.versionId, '2');
    const read = await s.request('GET', `/Patient/${made.json.id}`);
    assert.equal(read.json.gender, 'other');
    assert.equal(await countBy(sys, 'E'), 1);
  });

  it('rejects a body id that differs from the single match with 400', async () => {
    const sys = system();
    await s.request('POST', '/Patient', { body: patient(sys, 'F') });
    const res = await s.request('PUT', `/Patient?identifier=${encodeURIComponent(`${sys}|F`)}`, { body: patient(sys, 'F', { id: 'not-the-match' }) });
    assert.equal(res.status, 400);
  });

  it('answers 412 when several match, changing nothing', async () => {
    const sys = system();
    await s.request('POST', '/Patient', { body: patient(sys, 'G') });
    await s.request('POST', '/Patient', { body: patient(sys, 'G') });
    const res = await s.request('PUT', `/Patient?identifier=${encodeURIComponent(`${sys}|G`)}`, { body: patient(sys, 'G', { gender: 'male' }) });
    assert.equal(res.status, 412);
    const found = await s.request('GET', `/Patient?identifier=${encodeURIComponent(`${sys}|G`)}`);
    assert.ok((found.json.entry as { resource: { gender?: string; meta: { versionId: string } } }[]).every((e) => e.resource.gender === undefined && e.resource.meta.versionId === '1'));
  });
});

describe('conditional delete (DELETE Type?criteria)', () => {
  it('deletes the single match', async () => {
    const sys = system();
    const made = await s.request('POST', '/Patient', { body: patient(sys, 'H') });
    const res = await s.request('DELETE', `/Patient?identifier=${encodeURIComponent(`${sys}|H`)}`);
    assert.ok(res.status === 200 || res.status === 204, `status ${res.status}`);
    assert.equal((await s.request('GET', `/Patient/${made.json.id}`)).status, 410);
    assert.equal(await countBy(sys, 'H'), 0);
  });

  it('answers 412 when several match, deleting nothing', async () => {
    const sys = system();
    await s.request('POST', '/Patient', { body: patient(sys, 'I') });
    await s.request('POST', '/Patient', { body: patient(sys, 'I') });
    const res = await s.request('DELETE', `/Patient?identifier=${encodeURIComponent(`${sys}|I`)}`);
    assert.equal(res.status, 412);
    assert.equal(await countBy(sys, 'I'), 2);
  });

  it('succeeds when nothing matches', async () => {
    const res = await s.request('DELETE', `/Patient?identifier=${encodeURIComponent(`${system()}|none`)}`);
    assert.ok(res.status === 200 || res.status === 204, `status ${res.status}`);
  });

  it('answers 400 for unknown criteria rather than deleting anything', async () => {
    const sys = system();
    await s.request('POST', '/Patient', { body: patient(sys, 'J') });
    const res = await s.request('DELETE', '/Patient?no-such-param=x');
    assert.equal(res.status, 400);
    assert.equal(await countBy(sys, 'J'), 1);
  });
});
