/**
 * History at instance, type and system level over real HTTP: newest first, `_count` paging
 * through `next` links until exhausted (every version exactly once), `_since`, and deletions as
 * DELETE entries without a resource (FHIR R4 http.html#history).
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

interface Entry { fullUrl?: string; request: { method: string; url: string }; response?: { etag?: string; lastModified?: string }; resource?: { id: string; meta: { versionId: string; lastUpdated: string } } }

/** Follows `next` links from `first`, returning all entries and the number of pages. */
async function allPages(first: string): Promise<{ entries: Entry[]; pages: number }> {
  const entries: Entry[] = [];
  let url: string | undefined = first;
  let pages = 0;
  while (url) {
    const res = await s.request('GET', url);
    assert.equal(res.status, 200);
    assert.equal(res.json.type, 'history');
    entries.push(...((res.json.entry ?? []) as Entry[]));
    url = (res.json.link as { relation: string; url: string }[]).find((l) => l.relation === 'next')?.url;
    assert.ok(++pages < 100, 'paging did not terminate');
  }
  return { entries, pages };
}

const etagVersion = (e: Entry): number => Number(/"(\d+)"/.exec(e.response?.etag ?? '')?.[1]);

/** A Patient of a fresh type-level scope: 1 create, `updates` updates, optionally deleted. */
async function makeVersions(type: string, updates: number, del = false): Promise<string> {
  const id = randomUUID();
  const body = (n: number) => (type === 'Patient' ? { resourceType: type, id, birthDate: `19${String(50 + n).padStart(2, '0')}-01-01` } : { resourceType: type, id, name: `Org ${n}` });
  for (let n = 0; n <= updates; n++) {
    const res = await s.request('PUT', `/${type}/${id}`, { body: body(n) });
    assert.ok(res.status === 200 || res.status === 201);
  }
  if (del) assert.ok([200, 204].includes((await s.request('DELETE', `/${type}/${id}`)).status));
  return id;
}

describe('instance history', () => {
  it('lists every version newest first, with the deletion as a DELETE entry', async () => {
    const id = await makeVersions('Patient', 3, true);
    const res = await s.request('GET', `/Patient/${id}/_history`);
    assert.equal(res.status, 200);
    assert.equal(res.json.resourceType, 'Bundle');
    const entries = res.json.entry as Entry[];
    assert.deepEqual(entries.map(etagVersion), [5, 4, 3, 2, 1]);
    assert.equal(entries[0]!.request.method, 'DELETE');
    assert.equal(entries[0]!.resource, undefined);
    assert.equal(entries[4]!.request.method, 'POST');
    assert.deepEqual(entries.slice(1).map((e) => e.resource!.meta.versionId), ['4', '3', '2', '1']);
    assert.ok(entries.slice(1, 4).every((e) => e.request.method === 'PUT'));
  });

  it('pages with _count through next links, each version exactly once', async () => {
    const id = await makeVersions('Patient', 6);
    const { entries, pages } = await allPages(`/Patient/${id}/_history?_count=2`);
    assert.equal(pages, 4);
    assert.deepEqual(entries.map(etagVersion), [7, 6, 5, 4, 3, 2, 1]);
  });

  it('answers 404 for an id with no history', async () => {
    assert.equal((await s.request('GET', `/Patient/${randomUUID()}/_history`)).status, 404);
  });

  it('filters by _since', async () => {
    const id = await makeVersions('Patient', 1);
    const all = (await s.request('GET', `/Patient/${id}/_history`)).json.entry as Entry[];
    await new Promise((r) => setTimeout(r, 20));
    const cut = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await s.request('PUT', `/Patient/${id}`, { body: { resourceType: 'Patient', id, gender: 'male' } });
    const res = await s.request('GET', `/Patient/${id}/_history?_since=${encodeURIComponent(cut)}`);
    assert.equal(res.status, 200);
    assert.deepEqual((res.json.entry as Entry[]).map(etagVersion), [3]);
    assert.equal(all.length, 2);
    assert.equal((await s.request('GET', `/Patient/${id}/_history?_since=not-a-date`)).status, 400);
  });
});

describe('type and system history', () => {
  it('type history contains every version of every instance of the type exactly once, newest first', async () => {
    const a = await makeVersions('Organization', 2);
    const b = await makeVersions('Organization', 1, true);
    const { entries, pages } = await allPages('/Organization/_history?_count=3');
    assert.ok(pages >= 2);
    const keys = entries.map((e) => `${e.fullUrl!.split('/').slice(-2).join('/')}@${etagVersion(e)}`);
    assert.equal(new Set(keys).size, keys.length, 'no version appears twice');
    for (const k of [`Organization/${a}@1`, `Organization/${a}@2`, `Organization/${a}@3`, `Organization/${b}@1`, `Organization/${b}@2`, `Organization/${b}@3`]) {
      assert.ok(keys.includes(k), `missing ${k}`);
    }
    assert.ok(entries.every((e) => e.fullUrl!.includes('/Organization/')));
    const times = entries.map((e) => Date.parse(e.resource?.meta.lastUpdated ?? e.response?.lastModified ?? ''));
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1]! >= times[i]!, 'newest first');
    const deletion = entries.find((e) => e.fullUrl!.endsWith(`/${b}`) && etagVersion(e) === 3)!;
    assert.equal(deletion.request.method, 'DELETE');
  });

  it('system history spans resource types', async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    const p = await makeVersions('Patient', 0);
    const o = await makeVersions('Organization', 0);
    const { entries } = await allPages(`/_history?_count=2&_since=${encodeURIComponent(start)}`);
    const urls = entries.map((e) => e.fullUrl!);
    assert.ok(urls.some((u) => u.endsWith(`/Patient/${p}`)));
    assert.ok(urls.some((u) => u.endsWith(`/Organization/${o}`)));
    assert.equal(new Set(urls.map((u, i) => `${u}@${etagVersion(entries[i]!)}`)).size, urls.length);
  });

  it('rejects an invalid _count and an unknown type', async () => {
    assert.equal((await s.request('GET', '/_history?_count=abc')).status, 400);
    assert.equal((await s.request('GET', '/NotAType/_history')).status, 404);
  });
});
