/**
 * Concurrency over real HTTP: parallel updates pinned with the same If-Match (exactly one wins),
 * unpinned parallel updates (none is lost: every one becomes a version), and parallel conditional
 * creates with the same identifier (exactly one resource exists afterwards).
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

const tally = (statuses: number[]): Record<number, number> => {
  const out: Record<number, number> = {};
  for (const st of statuses) out[st] = (out[st] ?? 0) + 1;
  return out;
};

async function newPatient(): Promise<string> {
  const res = await s.request('POST', '/Patient', { body: { resourceType: 'Patient', active: true } });
  assert.equal(res.status, 201);
  return res.json.id as string;
}

describe('concurrency', () => {
  it('20 parallel PUTs with the same If-Match: one 200, nineteen 412, version 2', async () => {
    const id = await newPatient();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.request('PUT', `/Patient/${id}`, { body: { resourceType: 'Patient', id, birthDate: `2000-01-${String(i + 1).padStart(2, '0')}` }, headers: { 'if-match': 'W/"1"' } }),
      ),
    );
    assert.deepEqual(tally(results.map((r) => r.status)), { 200: 1, 412: 19 });
    const winner = results.find((r) => r.status === 200)!;
    const cur = await s.request('GET', `/Patient/${id}`);
    assert.equal(cur.json.meta.versionId, '2');
    assert.equal(cur.json.birthDate, winner.json.birthDate);
    const hist = await s.request('GET', `/Patient/${id}/_history`);
    assert.equal(hist.json.entry.length, 2);
  });

  it('20 parallel PUTs without If-Match: all succeed, version 21, 21 history entries', async () => {
    const id = await newPatient();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.request('PUT', `/Patient/${id}`, { body: { resourceType: 'Patient', id, multipleBirthInteger: i + 1 } })),
    );
    assert.deepEqual(tally(results.map((r) => r.status)), { 200: 20 });
    const versions = results.map((r) => Number(r.json.meta.versionId)).sort((a, b) => a - b);
    assert.deepEqual(versions, Array.from({ length: 20 }, (_, i) => i + 2), 'each update got its own version');
    const cur = await s.request('GET', `/Patient/${id}`);
    assert.equal(cur.json.meta.versionId, '21');
    const hist = await s.request('GET', `/Patient/${id}/_history?_count=100`);
    assert.equal(hist.json.entry.length, 21);
    const births = (hist.json.entry as { resource: { multipleBirthInteger?: number } }[]).map((e) => e.resource.multipleBirthInteger).filter((n) => n !== undefined);
    assert.deepEqual([...births].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1), 'no update was lost');
  });

  it('50 parallel conditional creates with one identifier: one 201, forty-nine 200, one resource', async () => {
    const sys = `urn:test:conc:${randomUUID()}`;
    const body = { resourceType: 'Patient', identifier: [{ system: sys, value: 'same' }] };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => s.request('POST', '/Patient', { body, headers: { 'if-none-exist': `identifier=${sys}|same` } })),
    );
    assert.deepEqual(tally(results.map((r) => r.status)), { 200: 49, 201: 1 });
    const ids = new Set(results.map((r) => r.json.id as string));
    assert.equal(ids.size, 1, 'every answer names the same resource');
    const found = await s.request('GET', `/Patient?identifier=${encodeURIComponent(`${sys}|same`)}`);
    assert.equal(found.json.entry.length, 1);
    assert.equal(found.json.entry[0].resource.id, [...ids][0]);
  });

  it('parallel transactions with the same conditional create yield one resource', async () => {
    const sys = `urn:test:conc:${randomUUID()}`;
    const bundle = () => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: { resourceType: 'Patient', identifier: [{ system: sys, value: 'tx' }] }, request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${sys}|tx` } }],
    });
    const results = await Promise.all(Array.from({ length: 10 }, () => s.request('POST', '', { body: bundle() })));
    assert.deepEqual(tally(results.map((r) => r.status)), { 200: 10 });
    const found = await s.request('GET', `/Patient?identifier=${encodeURIComponent(`${sys}|tx`)}`);
    assert.equal(found.json.entry.length, 1);
  });
});
