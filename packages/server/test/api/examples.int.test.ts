/**
 * Round-trips the official FHIR R4 examples (npm `hl7.fhir.r4.examples`) through a real server:
 * every non-definitional example is PUT at its own id, read back and deep-compared with the
 * original (ignoring only meta.versionId and meta.lastUpdated). The few examples that break the
 * spec are listed in KNOWN_INVALID with the reason, and must be rejected, so the list cannot go
 * stale. Nothing is skipped silently.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { KNOWN_INVALID, loadExamples, type Example } from '../fixtures/examples-r4.ts';

const CONCURRENCY = 8;
const REJECTED: Readonly<Record<string, string>> = KNOWN_INVALID;

/** The resource as it should read back: the original with the server's meta stamps removed. */
function withoutStamps(resource: Record<string, unknown>): Record<string, unknown> {
  const { meta, ...rest } = resource;
  if (meta === undefined) return rest;
  const { versionId: _v, lastUpdated: _l, ...metaRest } = meta as Record<string, unknown>;
  void _v;
  void _l;
  return Object.keys(metaRest).length > 0 ? { ...rest, meta: metaRest } : rest;
}

interface Outcome {
  example: Example;
  status: number;
  /** For stored examples: the difference, if the read-back is not equal. */
  mismatch?: string;
  diagnostics?: string;
  putMs: number;
  readMs: number;
}

async function roundTrip(server: TestServer, ex: Example): Promise<Outcome> {
  const t0 = performance.now();
  const put = await server.request('PUT', `/${ex.resourceType}/${ex.id}`, { raw: ex.text });
  const t1 = performance.now();
  if (put.status !== 200 && put.status !== 201) {
    const issues = (put.json?.issue ?? []) as { diagnostics?: string }[];
    return { example: ex, status: put.status, diagnostics: issues.map((i) => i.diagnostics).join(' | ').slice(0, 400), putMs: t1 - t0, readMs: 0 };
  }
  const read = await server.request('GET', `/${ex.resourceType}/${ex.id}`);
  const t2 = performance.now();
  const out: Outcome = { example: ex, status: put.status, putMs: t1 - t0, readMs: t2 - t1 };
  try {
    assert.equal(read.status, 200);
    assert.equal(read.json.meta?.versionId !== undefined && read.json.meta?.lastUpdated !== undefined, true, 'meta stamps missing');
    assert.deepStrictEqual(withoutStamps(read.json), withoutStamps(ex.resource));
  } catch (err) {
    out.mismatch = (err as Error).message.slice(0, 1500);
  }
  return out;
}

async function runPool<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

describe('official R4 examples', () => {
  let server: TestServer;
  let examples: Example[];
  let outcomes: Outcome[];

  before(async () => {
    // The largest examples (Bundle-resources.json) are ~35 MB.
    server = await startTestServer({ CONTINUUM_MAX_BODY_BYTES: String(64 * 1024 * 1024) });
    examples = loadExamples();
    const t0 = performance.now();
    // The big Bundles go first so that they do not become the tail of the run.
    const ordered = [...examples].sort((a, b) => b.text.length - a.text.length);
    outcomes = await runPool(ordered, CONCURRENCY, (ex) => roundTrip(server, ex));
    const ms = performance.now() - t0;
    const stored = outcomes.filter((o) => o.status < 300 && !o.mismatch).length;
    const rejected = outcomes.filter((o) => o.status >= 300).length;
    const slowest = [...outcomes].sort((a, b) => b.putMs + b.readMs - (a.putMs + a.readMs)).slice(0, 5);
    console.log(`# examples: total ${examples.length}, stored and equal ${stored}, rejected ${rejected}, stored but different ${outcomes.length - stored - rejected}; ${(ms / 1000).toFixed(1)} s`);
    console.log(`# slowest: ${slowest.map((o) => `${o.example.file} ${(o.example.text.length / 1e6).toFixed(1)} MB put ${o.putMs.toFixed(0)} ms read ${o.readMs.toFixed(0)} ms`).join('; ')}`);
  });
  after(async () => {
    await server?.close();
  });

  it('loads every non-definitional example (none skipped)', () => {
    assert.ok(examples.length > 500, `only ${examples.length} examples found`);
    assert.equal(outcomes.length, examples.length);
    for (const name of Object.keys(REJECTED)) {
      assert.ok(examples.some((e) => e.file === name), `the rejection lists name ${name}, which is not a loaded example`);
    }
  });

  it('stores every valid example and reads it back unchanged', () => {
    const failures = outcomes
      .filter((o) => !(o.example.file in REJECTED) && !o.example.file.startsWith('AuditEvent') && !o.example.file.startsWith('Subscription'))
      .filter((o) => o.status >= 300 || o.mismatch)
      .map((o) => `${o.example.file}: ${o.status} ${o.mismatch ?? o.diagnostics ?? ''}`);
    assert.deepEqual(failures, []);
  });

  it('refuses to store AuditEvents: the server keeps its own append-only trail', () => {
    const audit = outcomes.filter((o) => o.example.file.startsWith('AuditEvent'));
    assert.ok(audit.length > 5);
    assert.deepEqual(audit.filter((o) => o.status !== 405).map((o) => `${o.example.file}: ${o.status}`), []);
  });

  it('refuses the R4 query-criteria Subscriptions: this server offers topic-based ones (the R4 backport) only', () => {
    const subscriptions = outcomes.filter((o) => o.example.file.startsWith('Subscription'));
    assert.ok(subscriptions.length >= 2);
    for (const o of subscriptions) {
      assert.ok(!/SubscriptionTopic/.test(String(o.example.resource.criteria)), `${o.example.file} names a topic: it should be stored`);
      assert.equal(o.status, 422, `${o.example.file}: ${o.status}`);
      assert.match(o.diagnostics ?? '', /must be one of this server's topics/);
    }
  });

  it('rejects every example in KNOWN_INVALID with 400 or 422', () => {
    const wrong = outcomes
      .filter((o) => o.example.file in REJECTED)
      .filter((o) => o.status !== 400 && o.status !== 422)
      .map((o) => `${o.example.file}: expected a rejection (${REJECTED[o.example.file]}), got ${o.status}`);
    for (const o of outcomes.filter((x) => x.example.file in REJECTED)) {
      const kind = o.example.file in KNOWN_INVALID ? 'invalid example' : 'VALIDATOR BUG';
      console.log(`# rejected ${o.example.file} (${o.status}, ${kind}): ${o.diagnostics?.slice(0, 160) ?? ''}`);
    }
    assert.deepEqual(wrong, []);
  });
});
