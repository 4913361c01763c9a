/**
 * `continuum partners`: in-process, the exit codes and messages an operator sees for duplicates,
 * bad input, unknown partners and usage errors; then as a real child process over a fresh store
 * (a PGlite data folder, or a PostgreSQL database on that backend) while no server runs on it:
 * add, list, disable, jwks. A server started on that store then serves the partners the CLI
 * wrote and publishes the keys `partners jwks` printed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { configFromEnv } from '../../../src/config.ts';
import { partnersCommand } from '../../../src/exchange/partners/partners-command.ts';
import { startServer } from '../../../src/server.ts';
import { createTestDatabase, freshStoreEnv, runCli, type CliRun } from '../../fixtures/backend.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../../fixtures/server.ts';

describe('continuum partners, in-process', () => {
  it('answers 1 with the reason for duplicates, bad input and unknown partners, and 2 with the usage for bad arguments', async () => {
    const t = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'continuum-partners-keys-'));
    const config = configFromEnv({ CONTINUUM_DATA_DIR: dataDir });
    const run = async (args: string[]): Promise<CliRun> => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (c: Buffer) => void (out += c.toString()));
      stderr.on('data', (c: Buffer) => void (err += c.toString()));
      const code = await partnersCommand(args, { db: t.db, config, io: { stdout, stderr } });
      return { code, out, err };
    };
    try {
      const add = ['add', '--name', 'Hospital B', '--fhir-base', 'https://hospital-b.example/fhir', '--partner-client-id', 'hospital-b', '--our-client-id', 'clinic-a'];
      assert.equal((await run(add)).code, 0);
      const dup = await run(add);
      assert.deepEqual([dup.code, dup.out], [1, '']);
      assert.match(dup.err, /already in the partner directory/);
      for (const bad of [
        ['add', '--name', 'X', '--fhir-base', 'ftp://x.example', '--partner-client-id', 'x', '--our-client-id', 'y'],
        ['add', '--name', 'X', '--fhir-base', 'https://x.example/fhir', '--partner-client-id', 'bad id', '--our-client-id', 'y'],
        ['add', '--name', 'X', '--fhir-base', 'https://x.example/fhir', '--partner-client-id', 'hospital-b', '--our-client-id', 'y'],
        ['disable', '--id', 'no-such-org'],
      ]) {
        const res = await run(bad);
        assert.equal(res.code, 1, `${bad.join(' ')}: ${res.err}`);
        assert.match(res.err, /^continuum partners: \S/);
      }
      for (const usage of [['add', '--name', 'X'], ['remove'], [], ['list', '--colour', 'red'], ['disable'], ['add', '--name']]) {
        const res = await run(usage);
        assert.equal(res.code, 2, `${usage.join(' ')}: ${res.err}`);
        assert.match(res.err, /Usage: continuum partners add/);
      }
      const listed = await run(['list']);
      assert.equal(listed.out.split('\n').filter(Boolean).length, 1, 'only the first add wrote anything');
      const org = listed.out.split('\t')[0]!;
      assert.equal((await run(['disable', '--id', org])).code, 0);
      assert.match((await run(['list'])).out, new RegExp(`^${org}\tHospital B\tdisabled\t`));
    } finally {
      await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('continuum partners, as a child process', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let keyDir: string;

  before(async () => {
    const store = await freshStoreEnv('default', 'continuum-partners-cli-');
    keyDir = mkdtempSync(join(tmpdir(), 'continuum-partners-keys-'));
    // The exchange key lives in the data folder; on PostgreSQL the store is elsewhere.
    env = { CONTINUUM_DATA_DIR: keyDir, ...store.env };
    cleanup = store.cleanup;
  });
  after(async () => {
    await cleanup?.();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const ADD = ['partners', 'add', '--name', 'Hospital B', '--fhir-base', 'https://hospital-b.example/fhir', '--partner-client-id', 'hospital-b', '--our-client-id', 'clinic-a'];

  it('adds, lists and disables a partner, and prints the exchange keys', async () => {
    const added = await runCli(env, ADD);
    assert.equal(added.code, 0, added.err);
    const org = /Organization\/([\w-]+)/.exec(added.out)?.[1];
    assert.ok(org, added.out);
    assert.match(added.out, /keys from https:\/\/hospital-b\.example\/exchange\/jwks\.json/);
    assert.match(added.out, /client id: clinic-a/);

    const listed = await runCli(env, ['partners', 'list']);
    assert.equal(listed.code, 0, listed.err);
    assert.equal(listed.out, `${org}\tHospital B\tactive\thttps://hospital-b.example/fhir\tours clinic-a\ttheirs hospital-b\n`);

    const disabled = await runCli(env, ['partners', 'disable', '--id', org]);
    assert.equal(disabled.code, 0, disabled.err);

    const jwks = await runCli(env, ['partners', 'jwks']);
    assert.equal(jwks.code, 0, jwks.err);
    const printed = JSON.parse(jwks.out) as { keys: Record<string, unknown>[] };
    assert.equal(printed.keys.length, 1);
    assert.equal(printed.keys[0]!.d, undefined);

    // A server on the same store and data folder serves what the CLI wrote.
    const config = configFromEnv({ ...env, PORT: '1', CONTINUUM_DEMO: '0', CONTINUUM_BOOTSTRAP_CLIENT_ID: TEST_CLIENT.id, CONTINUUM_BOOTSTRAP_CLIENT_SECRET: TEST_CLIENT.secret });
    config.port = 0;
    config.host = '127.0.0.1';
    const server = await startServer(config, { log: () => undefined });
    try {
      const published: unknown = await (await fetch(`${server.url}/exchange/jwks.json`)).json();
      assert.deepEqual(published, printed);
      const token = await clientCredentialsToken(server.url, TEST_CLIENT);
      const list = (await (await fetch(`${server.url}/fhir/Organization/$partners`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number; entry: { resource: { resourceType: string; status?: string } }[] };
      assert.equal(list.total, 1);
      assert.equal(list.entry.find((e) => e.resource.resourceType === 'Endpoint')?.resource.status, 'off');
    } finally {
      await server.close();
    }
  });
});
