/**
 * Loads real data sets into a test server for the search suites: the official R4 examples of
 * chosen resource types (PUT at their own ids, KNOWN_INVALID left out) and the Synthea sample
 * patients from ../shared/corpora/synthea (transactions, hospitals and practitioners first, as the
 * corpus README asks). `readBack` then fetches what the server stored, so that expectations are
 * computed over exactly the stored resources (a transaction rewrites `urn:uuid` references and
 * assigns ids). Tests only: the server never reads ../shared.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KNOWN_INVALID, loadExamples } from '../fixtures/examples-r4.ts';
import type { TestServer } from '../fixtures/server.ts';

export type Json = Record<string, unknown>;

export const SYNTHEA_DIR = fileURLToPath(new URL('../../../../../shared/corpora/synthea/', import.meta.url));

/** Synthea Bundles in load order: hospitals, practitioners, then patients (sorted by name). */
export function syntheaBundles(dir = SYNTHEA_DIR): Json[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const rank = (f: string): number => (f.startsWith('hospitalInformation') ? 0 : f.startsWith('practitionerInformation') ? 1 : 2);
  return files
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((f) => JSON.parse(readFileSync(`${dir}${f}`, 'utf8')) as Json);
}

/** Posts every Synthea Bundle as a transaction (the publisher marked them `batch`). */
export async function loadSynthea(server: TestServer): Promise<number> {
  let entries = 0;
  for (const bundle of syntheaBundles()) {
    const res = await server.request('POST', '', { body: { ...bundle, type: 'transaction' } });
    assert.equal(res.status, 200, `Synthea transaction failed: ${res.text.slice(0, 500)}`);
    entries += (bundle.entry as unknown[]).length;
  }
  return entries;
}

/** PUTs the valid R4 examples of `types` at their ids; returns how many were stored. */
export async function loadExamplesOf(server: TestServer, types: ReadonlySet<string>): Promise<number> {
  const examples = loadExamples().filter((e) => types.has(e.resourceType) && !(e.file in KNOWN_INVALID));
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < examples.length) {
      const ex = examples[next++]!;
      const res = await server.request('PUT', `/${ex.resourceType}/${ex.id}`, { raw: ex.text });
      if (res.status >= 300) failures.push(`${ex.file}: ${res.status} ${res.text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  assert.deepEqual(failures, [], 'every valid example must be stored');
  return examples.length;
}

export interface SearchResult {
  matches: Json[];
  /** Entries with search.mode `include` (from _include and _revinclude). */
  includes: Json[];
  pages: number;
}

/** Every entry of a search, following `next` links. Throws on a non-200 answer. */
export async function searchPages(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<SearchResult> {
  const result: SearchResult = { matches: [], includes: [], pages: 0 };
  let url: string | undefined = path;
  while (url !== undefined) {
    const res = await server.request('GET', url, { headers });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.text.slice(0, 300)}`);
    result.pages++;
    for (const entry of (res.json.entry ?? []) as { resource: Json; search?: { mode?: string } }[]) {
      if (entry.search?.mode === 'include') result.includes.push(entry.resource);
      else result.matches.push(entry.resource);
    }
    url = (res.json.link as { relation: string; url: string }[] | undefined)?.find((l) => l.relation === 'next')?.url;
  }
  return result;
}

/** The matched resources of a search, all pages. */
export async function searchAll(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<Json[]> {
  return (await searchPages(server, path, headers)).matches;
}

/** The stored resources of each type, read back from the server. */
export async function readBack(server: TestServer, types: Iterable<string>): Promise<Map<string, Json[]>> {
  const byType = new Map<string, Json[]>();
  for (const type of types) byType.set(type, await searchAll(server, `/${type}?_count=1000`));
  return byType;
}
