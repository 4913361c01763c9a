/**
 * Small helpers for the search tests over real HTTP: store a resource under a chosen id, delete
 * one, and follow a searchset's `next` links to the end, checking each page on the way.
 */
import assert from 'node:assert/strict';
import type { TestServer } from '../fixtures/server.ts';

export interface Entry {
  fullUrl: string;
  resource: { resourceType: string; id: string; meta: { lastUpdated: string } } & Record<string, unknown>;
  search?: { mode: string };
}

export interface Page {
  entries: Entry[];
  links: { relation: string; url: string }[];
}

/** PUTs `body` as `type/id` (created or updated) and returns the stored resource. */
export async function put(s: TestServer, type: string, id: string, body: Record<string, unknown>): Promise<Entry['resource']> {
  const res = await s.request('PUT', `/${type}/${id}`, { body: { resourceType: type, id, ...body } });
  assert.ok(res.status === 200 || res.status === 201, `PUT ${type}/${id}: ${res.status} ${res.text}`);
  return res.json;
}

export async function remove(s: TestServer, type: string, id: string): Promise<void> {
  const res = await s.request('DELETE', `/${type}/${id}`);
  assert.ok(res.status === 200 || res.status === 204, `DELETE ${type}/${id}: ${res.status}`);
}

/** GETs `first` and every `next` page after it; each must be a 200 searchset. */
export async function allPages(s: TestServer, first: string): Promise<Page[]> {
  const pages: Page[] = [];
  let url: string | undefined = first;
  while (url) {
    const res = await s.request('GET', url);
    assert.equal(res.status, 200, `${url}: ${res.text}`);
    assert.equal(res.json.resourceType, 'Bundle');
    assert.equal(res.json.type, 'searchset');
    const links = res.json.link as Page['links'];
    pages.push({ entries: (res.json.entry ?? []) as Entry[], links });
    url = links.find((l) => l.relation === 'next')?.url;
    assert.ok(pages.length < 500, 'paging did not terminate');
  }
  return pages;
}

export const key = (e: Entry): string => `${e.resource.resourceType}/${e.resource.id}`;

export const sorted = (xs: Iterable<string>): string[] => [...xs].sort();
