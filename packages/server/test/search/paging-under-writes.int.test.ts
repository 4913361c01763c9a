/**
 * Paging stays exact while the data changes: 10,000 matching resources (plus non-matching ones
 * interleaved) are created in transaction Bundles of 500, then a search is paged through with
 * _count=500 while writes continue, both in a concurrent writer and in bursts between pages:
 * updates of resources already returned and of resources not yet returned (still matching), new
 * matching resources, and a few deletes. Every resource that matched for the whole walk must be
 * returned exactly once, and no resource twice. Resources created or deleted during the walk may
 * or may not appear. The walk runs in the default order and again sorted descending by a key the
 * writes never change (`_sort=-identifier`), which pages by keyset the other way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

const MATCHING = 10_000;
const BUNDLE = 500;
const PAGE = 500;
const CODE = 'urn:continuum:test:paging';

const basic = (code: string, n: number): Record<string, unknown> => ({
  resourceType: 'Basic',
  code: { coding: [{ system: CODE, code }] },
  identifier: [{ system: `${CODE}:n`, value: String(n) }],
});

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('paging through a search while it is being written to', () => {
  let server: TestServer;
  const initial: string[] = [];
  /** The identifier number of every matching resource, kept by updates. */
  const numberOf = new Map<string, number>();

  before(async () => {
    server = await startTestServer({ CONTINUUM_MAX_BODY_BYTES: String(16 * 1024 * 1024) });
    const t0 = performance.now();
    for (let start = 0; start < MATCHING; start += BUNDLE) {
      // One non-matching resource after every fourth matching one, so pages are not contiguous rids.
      const entry = [];
      for (let n = start; n < start + BUNDLE; n++) {
        entry.push({ resource: basic('match', n), request: { method: 'POST', url: 'Basic' } });
        if (n % 4 === 3) entry.push({ resource: basic('other', n), request: { method: 'POST', url: 'Basic' } });
      }
      const res = await server.request('POST', '', { body: { resourceType: 'Bundle', type: 'transaction', entry } });
      assert.equal(res.status, 200, res.text.slice(0, 300));
      for (const [i, e] of (res.json.entry as { response: { location: string } }[]).entries()) {
        const resource = entry[i]!.resource as { code: { coding: { code: string }[] }; identifier: { value: string }[] };
        if (resource.code.coding[0]!.code !== 'match') continue;
        const id = e.response.location.split('/')[1]!;
        initial.push(id);
        numberOf.set(id, Number(resource.identifier[0]!.value));
      }
    }
    console.log(`# created ${initial.length} matching resources in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
  after(async () => {
    await server?.close();
  });

  /** Ids of the resources still present; deleted ones are removed as the walks delete them. */
  const live = new Set<string>();
  let rnd: () => number;

  /**
   * Pages through `query` while writing, and checks: no id twice, every resource that matched
   * throughout seen, nothing that never matched. Updates keep each resource's identifier, so a
   * walk sorted by identifier has a sort key that does not move under it.
   */
  async function walk(query: string, descendingIdentifier = false): Promise<void> {
    const atStart = new Set(live);
    const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)]!;
    const seen = new Map<string, number>();
    const deleted = new Set<string>();
    const created: string[] = [];
    let updates = 0;
    const errors: string[] = [];
    /** Identifier values in the order returned. */
    const order: string[] = [];

    /**
     * Ids with a write in flight. The two writers never touch the same id at once: an update
     * that reached the server after a concurrent delete would recreate the resource (201).
     */
    const busy = new Set<string>();
    const update = async (id: string): Promise<void> => {
      if (busy.has(id) || deleted.has(id)) return;
      busy.add(id);
      try {
        const res = await server.request('PUT', `/Basic/${id}`, { body: { ...basic('match', numberOf.get(id)!), id, created: '2024-01-01' } });
        if (res.status !== 200) errors.push(`PUT ${id}: ${res.status}`);
        else updates++;
      } finally {
        busy.delete(id);
      }
    };
    const writeSome = async (): Promise<void> => {
      const unseen = [...atStart].filter((id) => !seen.has(id) && !deleted.has(id));
      const already = [...seen.keys()].filter((id) => !deleted.has(id) && atStart.has(id));
      for (let k = 0; k < 5; k++) {
        if (unseen.length) await update(pick(unseen));
        if (already.length) await update(pick(already));
      }
      const n = 100_000 + numberOf.size;
      const res = await server.request('POST', '/Basic', { body: basic('match', n) });
      if (res.status === 201) {
        created.push(String(res.json.id));
        numberOf.set(String(res.json.id), n);
      } else errors.push(`POST: ${res.status}`);
      const victims = unseen.filter((id) => !busy.has(id) && !deleted.has(id));
      if (rnd() < 0.5 && victims.length) {
        const victim = pick(victims);
        // Counted as deleted from the moment the request is sent: whether it is returned is then open.
        deleted.add(victim);
        busy.add(victim);
        try {
          const del = await server.request('DELETE', `/Basic/${victim}`);
          if (del.status >= 300) errors.push(`DELETE ${victim}: ${del.status}`);
        } finally {
          busy.delete(victim);
        }
      }
    };

    // A writer running alongside the reader, plus a burst of writes between pages.
    let reading = true;
    const background = (async () => {
      while (reading) await writeSome();
    })();
    let url: string | undefined = `/Basic?${query}`;
    let pages = 0;
    const t0 = performance.now();
    try {
      while (url !== undefined) {
        const res = await server.request('GET', url);
        assert.equal(res.status, 200, res.text.slice(0, 300));
        pages++;
        for (const e of (res.json.entry ?? []) as { resource: { id: string; identifier: { value: string }[] } }[]) {
          seen.set(e.resource.id, (seen.get(e.resource.id) ?? 0) + 1);
          order.push(e.resource.identifier[0]!.value);
        }
        url = (res.json.link as { relation: string; url: string }[]).find((l) => l.relation === 'next')?.url;
        await writeSome();
      }
    } finally {
      reading = false;
      await background;
    }
    for (const id of deleted) live.delete(id);
    for (const id of created) live.add(id);
    console.log(`# ${query}: ${pages} pages in ${((performance.now() - t0) / 1000).toFixed(1)} s during ${updates} updates, ${created.length} creates, ${deleted.size} deletes`);

    assert.deepEqual(errors, []);
    if (descendingIdentifier) {
      // Identifier values are digit strings, which every collation orders the same way.
      const wrong = order.findIndex((v, i) => i > 0 && order[i - 1]! < v);
      assert.equal(wrong, -1, `not sorted by identifier descending at ${wrong}: ${order.slice(Math.max(0, wrong - 2), wrong + 2).join(', ')}`);
    }
    assert.ok(updates > 100 && deleted.size > 5, 'the walk must overlap real writes');
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    assert.deepEqual(duplicates, [], 'resources returned more than once');
    const missing = [...atStart].filter((id) => !deleted.has(id) && !seen.has(id));
    assert.deepEqual(missing, [], 'resources that matched throughout but were never returned');
    const createdSet = new Set(created);
    const strangers = [...seen.keys()].filter((id) => !atStart.has(id) && !createdSet.has(id));
    assert.deepEqual(strangers, [], 'resources that never matched');
  }

  it('pages in the default order with no gaps and no duplicates', async () => {
    assert.equal(initial.length, MATCHING);
    for (const id of initial) live.add(id);
    rnd = random(42);
    await walk(`code=${encodeURIComponent(`${CODE}|match`)}&_count=${PAGE}`);
  });

  it('pages sorted by a key the writes do not change (_sort=-identifier) with no gaps and no duplicates', async () => {
    rnd = random(7);
    await walk(`code=${encodeURIComponent(`${CODE}|match`)}&_sort=-identifier&_count=${PAGE}`, true);
  });
});
