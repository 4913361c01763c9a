/**
 * Seed suite, the demo clinic as a newcomer meets it: the real `continuum start` over a fresh data
 * folder (or PostgreSQL database), with the real generator and CONTINUUM_DEMO unset, must be
 * ready within 60 s of the spawn, answer while it seeds, and not seed again on the next start.
 *
 * A `.solo` test: the runner runs it alone, after every other file, because it times what a user
 * sees on an otherwise idle machine, and a test file running beside it would take half the cores.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStoreDatabase } from '../../src/store/open-store.ts';
import { backend, createPgDatabase } from '../fixtures/backend.ts';
import { freePort } from '../fixtures/crash-server.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../fixtures/server.ts';
import { countRows, danglingReferences } from './checks.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** GET with a token of the bootstrap system client. */
const getJson = async (url: string): Promise<{ entry?: unknown[] }> => {
  const token = await clientCredentialsToken(new URL(url).origin, TEST_CLIENT);
  return (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<{ entry?: unknown[] }>;
};

const synth = (await import('@continuum/synth')) as Record<string, unknown>;
const noGenerator = typeof synth.patientBundles === 'function' ? false : '@continuum/synth is not implemented yet';

it('the real `continuum start` seeds the demo clinic over a fresh store within 60 s', { timeout: 240_000, skip: noGenerator }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-demo-'));
  const pg = backend === 'postgres' ? await createPgDatabase() : undefined;
  // PostgreSQL keeps the data; the folder still holds the signing keys.
  const store = pg ? { DATABASE_URL: pg.url, CONTINUUM_DATA_DIR: dir } : { CONTINUUM_DATA_DIR: dir };
  let healthMs = 0;
  const run = async (expectDemo: boolean): Promise<{ output: string; ms: number }> => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      CONTINUUM_BOOTSTRAP_CLIENT_ID: TEST_CLIENT.id,
      CONTINUUM_BOOTSTRAP_CLIENT_SECRET: TEST_CLIENT.secret,
      ...store,
    };
    delete env.CONTINUUM_DEMO;
    if (!pg) delete env.DATABASE_URL;
    const started = Date.now();
    const child = spawn(process.execPath, ['packages/server/bin/continuum.js', 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const until = async (pattern: RegExp, ms: number): Promise<boolean> => {
      for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
        if (pattern.test(output)) return true;
        if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
      }
      return false;
    };
    try {
      assert.ok(await until(/is listening/, 30_000), output);
      if (expectDemo) {
        assert.ok(await until(/Seeding the demo/, 30_000), output);
        const t0 = Date.now();
        const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
        assert.equal(health.status, 200, 'the server answers while the demo seeds');
        healthMs = Date.now() - t0;
        assert.ok(await until(/Demo clinic ready|seeding failed/, 180_000), output);
      }
      else await until(/Seeding the demo/, 3_000);
      const ms = Date.now() - started;
      const base = `http://127.0.0.1:${port}`;
      assert.ok(((await getJson(`${base}/fhir/Patient?_count=1`)).entry ?? []).length > 0, output);
      assert.ok(((await getJson(`${base}/fhir/Organization`)).entry ?? []).length > 0, output);
      return { output, ms };
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    const first = await run(true);
    assert.match(first.output, /Demo clinic ready: seeded \d+ patients/, first.output);
    process.stdout.write(`# demo clinic on ${backend}: ready ${(first.ms / 1000).toFixed(1)} s after spawn; /healthz during seeding: ${healthMs} ms\n# ${first.output.split('\n').find((l) => l.includes('Demo clinic ready'))}\n`);
    assert.ok(first.ms < 60_000, `the demo took ${first.ms} ms`);
    const second = await run(false);
    assert.doesNotMatch(second.output, /Seeding the demo/);
    const db = await openStoreDatabase({ dataDir: dir, ...(pg ? { databaseUrl: pg.url } : {}) });
    try {
      assert.ok((await countRows(db, 'default', 'Patient')) >= 150);
      assert.deepEqual(await danglingReferences(db, 'default'), []);
    } finally {
      await db.close();
    }
  } finally {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
