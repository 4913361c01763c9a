/**
 * SIGKILL in mid-stream: a real `continuum start` child takes transaction Bundles from several
 * concurrent writers and is killed without warning. After a restart on the same data, every
 * acknowledged Bundle must be there in full, no Bundle may be there in part, and every resource
 * row must have its one history row. Runs on PGlite (a real data directory) or PostgreSQL.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStoreDatabase } from '../../src/store/open-store.ts';
import { backend, createPgDatabase } from '../fixtures/backend.ts';
import { killAllChildren, startChildServer, type ChildServer } from '../fixtures/crash-server.ts';

const WRITERS = 4;
const PER_BUNDLE = 10;
const WRITE_MS = 2000;

/** A transaction of PER_BUNDLE Patients and as many Observations pointing at them by urn:uuid. */
function crashBundle(n: number): unknown {
  const entry: unknown[] = [];
  const uuids = Array.from({ length: PER_BUNDLE }, () => `urn:uuid:${randomUUID()}`);
  uuids.forEach((fullUrl, i) => {
    entry.push({
      fullUrl,
      resource: { resourceType: 'Patient', identifier: [{ system: 'urn:crash', value: `${n}-${i}` }], name: [{ family: `Crash${n}`, given: [`P${i}`] }] },
      request: { method: 'POST', url: 'Patient' },
    });
  });
  uuids.forEach((patient, i) => {
    entry.push({
      fullUrl: `urn:uuid:${randomUUID()}`,
      resource: {
        resourceType: 'Observation',
        status: 'final',
        identifier: [{ system: 'urn:crash-obs', value: `${n}-${i}` }],
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        subject: { reference: patient },
        valueQuantity: { value: 60 + i, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      },
      request: { method: 'POST', url: 'Observation' },
    });
  });
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

async function fhir(server: { url: string; authorization: string }, path: string, init: RequestInit = {}): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers = { ...(init.headers as Record<string, string> | undefined), authorization: server.authorization };
  const res = await fetch(`${server.url}/fhir${path}`, { ...init, headers, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe(`SIGKILL during transaction writes (${backend})`, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    await killAllChildren();
    for (const c of cleanups.reverse()) await c();
  });

  it('keeps every acknowledged transaction and never shows part of one', async () => {
    let env: Record<string, string>;
    let openAfter: () => ReturnType<typeof openStoreDatabase>;
    if (backend === 'postgres') {
      const pgdb = await createPgDatabase();
      cleanups.push(() => pgdb.drop());
      env = { DATABASE_URL: pgdb.url };
      openAfter = () => openStoreDatabase({ databaseUrl: pgdb.url, dataDir: '' });
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'continuum-crash-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      env = { CONTINUUM_DATA_DIR: dir };
      openAfter = () => openStoreDatabase({ dataDir: dir });
    }

    const t0 = performance.now();
    const mark = (what: string): void => console.log(`# ${what} at ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // 1. Write until killed.
    const first: ChildServer = await startChildServer(env);
    mark('first start');
    const acked = new Set<number>();
    const attempted: number[] = [];
    let next = 0;
    let stop = false;
    const writer = async (): Promise<void> => {
      while (!stop) {
        const n = next++;
        attempted.push(n);
        try {
          const res = await fetch(`${first.url}/fhir`, {
            method: 'POST',
            headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal', authorization: first.authorization },
            body: JSON.stringify(crashBundle(n)),
            signal: AbortSignal.timeout(15_000),
          });
          await res.text();
          if (res.status === 200) acked.add(n);
          else assert.fail(`bundle ${n} answered ${res.status} before the kill`);
        } catch (err) {
          if (!stop) throw err;
          return; // the connection died with the server
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, writer);
    await new Promise((r) => setTimeout(r, WRITE_MS));
    stop = true;
    first.child.kill('SIGKILL');
    await Promise.all(writers);
    const exit = await first.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(acked.size >= 3, `only ${acked.size} bundles were acknowledged before the kill`);
    assert.ok(attempted.length > acked.size, 'no bundle was in flight when the server was killed');

    mark('killed');
    // 2. Restart on the same data.
    const second = await startChildServer(env);
    mark('restarted');
    assert.match(second.output(), /listening/);

    // 3. Every bundle is all there or not there at all; every acknowledged one is all there.
    const present: number[] = [];
    const problems: string[] = [];
    const check = async (n: number): Promise<void> => {
      const ids = Array.from({ length: PER_BUNDLE }, (_, i) => `urn:crash|${n}-${i}`).join(',');
      const patients = await fhir(second, `/Patient?identifier=${encodeURIComponent(ids)}&_count=100`);
      assert.equal(patients.status, 200);
      const found = (patients.json.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id) as string[];
      const obsIds = Array.from({ length: PER_BUNDLE }, (_, i) => `urn:crash-obs|${n}-${i}`).join(',');
      const byIdentifier = await fhir(second, `/Observation?identifier=${encodeURIComponent(obsIds)}&_count=100`);
      let bySubject = 0;
      let subjectsOk = true;
      if (found.length > 0) {
        const refs = found.map((id) => `Patient/${id}`).join(',');
        const obs = await fhir(second, `/Observation?subject=${encodeURIComponent(refs)}&_count=100`);
        const entries = (obs.json.entry ?? []) as { resource: { subject: { reference: string } } }[];
        bySubject = entries.length;
        const wanted = new Set(found.map((id) => `Patient/${id}`));
        subjectsOk = entries.every((e) => wanted.has(e.resource.subject.reference));
      }
      const counts = [found.length, (byIdentifier.json.entry ?? []).length, bySubject];
      const all = counts.every((c) => c === PER_BUNDLE) && subjectsOk;
      const none = counts.every((c) => c === 0);
      if (all) present.push(n);
      else if (!none) problems.push(`bundle ${n} is partial: patients ${counts[0]}, observations ${counts[1]}, by subject ${counts[2]}`);
      if (acked.has(n) && !all) problems.push(`acknowledged bundle ${n} is not complete after the restart: ${counts.join('/')}`);
    };
    // Over HTTP: every bundle that was in flight at the kill, and a sample of the acknowledged
    // ones. (All bundles are counted exactly in SQL below; searching each one over HTTP is slow on
    // freshly loaded, never-analysed tables, a planner issue this test is not about.)
    // On PostgreSQL the tables can be analysed from outside first; PGlite is in the child's hands,
    // so there the HTTP sample is small.
    if (backend === 'postgres') {
      const adb = await openAfter();
      await adb.exec('ANALYZE');
      await adb.close();
    }
    const inFlight = attempted.filter((n) => !acked.has(n));
    const sampleSize = backend === 'postgres' ? 12 : 2;
    const sample = [...acked].filter((_, i) => i % Math.ceil(acked.size / sampleSize) === 0);
    const queue = [...inFlight, ...sample];
    const checked = queue.length;
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) await check(n);
    }));
    assert.deepEqual(problems, []);

    mark('checked');
    // 4. A write after the restart works, then a clean stop.
    const again = await fhir(second, '', {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(crashBundle(1_000_000)),
    });
    assert.equal(again.status, 200);
    second.child.kill('SIGTERM');
    const stopped = await second.exited;
    assert.equal(stopped.code, 0, `the restarted server did not stop cleanly: ${second.output()}`);

    // 5. The tables agree: one history row per resource row, index rows only for live rows.
    mark('stopped');
    const db = await openAfter();
    mark('reopened');
    try {
      const count = async (sql: string): Promise<number> => Number((await db.query<{ n: number }>(sql)).rows[0]!.n);
      const resources = await count('SELECT count(*)::int AS n FROM resource');
      // What the bundles wrote; the rest is what the server ships (the order catalogue's definitions).
      const written = await count("SELECT count(*)::int AS n FROM resource WHERE resource_type IN ('Patient', 'Observation')");
      const history = await count('SELECT count(*)::int AS n FROM resource_history');
      const joined = await count('SELECT count(*)::int AS n FROM resource r JOIN resource_history h USING (tenant_id, resource_type, id, version_id)');
      const orphans = await count('SELECT count(*)::int AS n FROM sp_token t WHERE NOT EXISTS (SELECT 1 FROM resource r WHERE r.rid = t.rid)');
      const migrations = await count('SELECT count(*)::int AS n FROM schema_migrations');
      await db.exec('ANALYZE');
      // Per bundle: its Patients, and its Observations whose subject is a Patient of the same bundle.
      const patients = await db.query<{ n: string; c: number }>(
        `SELECT split_part(t.code, '-', 1) AS n, count(*)::int AS c FROM sp_token t JOIN resource r ON r.rid = t.rid
         WHERE r.resource_type = 'Patient' AND t.param = 'identifier' AND t.system = 'urn:crash' GROUP BY 1`,
      );
      const observations = await db.query<{ n: string; c: number }>(
        `SELECT split_part(o.code, '-', 1) AS n, count(*)::int AS c
         FROM sp_token o
         JOIN resource obs ON obs.rid = o.rid AND obs.resource_type = 'Observation'
         JOIN sp_reference s ON s.rid = o.rid AND s.param = 'subject' AND s.target_type = 'Patient'
         JOIN resource p ON p.resource_type = 'Patient' AND p.id = s.target_id
         JOIN sp_token pt ON pt.rid = p.rid AND pt.param = 'identifier' AND pt.system = 'urn:crash'
           AND split_part(pt.code, '-', 1) = split_part(o.code, '-', 1)
         WHERE o.param = 'identifier' AND o.system = 'urn:crash-obs' GROUP BY 1`,
      );
      const byBundle = new Map<number, [number, number]>();
      for (const r of patients.rows) byBundle.set(Number(r.n), [Number(r.c), 0]);
      for (const r of observations.rows) byBundle.set(Number(r.n), [byBundle.get(Number(r.n))?.[0] ?? 0, Number(r.c)]);
      const complete = new Set<number>();
      const sqlProblems: string[] = [];
      for (const [n, [p, o]] of byBundle) {
        if (p === PER_BUNDLE && o === PER_BUNDLE) complete.add(n);
        else sqlProblems.push(`bundle ${n} is partial: ${p} patients, ${o} observations of its patients`);
      }
      for (const n of acked) if (!complete.has(n)) sqlProblems.push(`acknowledged bundle ${n} is missing`);
      for (const n of present) if (!complete.has(n)) sqlProblems.push(`bundle ${n} was complete over HTTP but not in SQL`);
      complete.delete(1_000_000);
      console.log(`# crash (${backend}): bundles attempted ${attempted.length}, acknowledged ${acked.size}, in flight ${inFlight.length}, ` +
        `complete after restart ${complete.size} (${checked} checked over HTTP)`);
      assert.deepEqual(sqlProblems, []);
      assert.equal(written, (complete.size + 1) * PER_BUNDLE * 2);
      assert.equal(history, resources);
      assert.equal(joined, resources);
      assert.equal(orphans, 0);
      assert.ok(migrations >= 1);
    } finally {
      await db.close();
    }
  });
});
