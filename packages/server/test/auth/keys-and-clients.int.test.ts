/**
 * The signing keys on disk (generated once, private to the server's user, rotated without
 * dropping the old public keys) and `continuum clients` (registration checks, a secret shown once,
 * disable and enable), on the backend under test.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { clientsCommand } from '../../src/auth/clients-command.ts';
import { ClientRegistry } from '../../src/auth/clients.ts';
import { keyFilePath, loadKeys, rotateKeys } from '../../src/auth/keys.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

describe('signing keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are generated once, readable by the owner only, and rotation keeps the old public keys', async () => {
    const first = await loadKeys({ dataDir: dir });
    assert.equal(statSync(keyFilePath(dir)).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'secrets')).mode & 0o777, 0o700);
    const again = await loadKeys({ dataDir: dir });
    assert.equal(again.jwks.keys[0]!.kid, first.jwks.keys[0]!.kid, 'a restart keeps the keys');
    const rotated = await rotateKeys(dir);
    assert.notEqual(rotated.jwks.keys[0]!.kid, first.jwks.keys[0]!.kid);
    assert.ok(rotated.jwks.keys.some((k) => k.kid === first.jwks.keys[0]!.kid), 'the previous key stays published');
    await assert.rejects(loadKeys({ dataDir: dir, jwksJson: '{"keys":[]}' }), /no signing keys/);
    const file = join(dir, 'public-only.json');
    writeFileSync(file, JSON.stringify({ jwks: { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] }, cookieKeys: ['c'.repeat(40)] }));
    await assert.rejects(loadKeys({ dataDir: dir, jwksFile: file }), /private JWK/);
    assert.match(readFileSync(keyFilePath(dir), 'utf8'), /"d":/, 'the file holds the private halves');
  });
});

describe('continuum clients', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await clientsCommand(argv, { db: t.db, tenant: 'default', io: { stdout, stderr } });
    return { code, out, err };
  };

  it('registers public, confidential and backend clients, and refuses incoherent ones', async () => {
    const pub = await run(['add', '--name', 'Growth chart', '--type', 'public', '--redirect-uri', 'https://app.example/cb', '--scope', 'openid launch/patient patient/*.rs', '--id', 'growth']);
    assert.equal(pub.code, 0, pub.err);
    assert.doesNotMatch(pub.out, /client_secret/);
    const conf = await run(['add', '--name', 'Portal', '--type', 'confidential', '--redirect-uri', 'https://portal.example/cb', '--scope', 'openid user/*.rs']);
    assert.equal(conf.code, 0, conf.err);
    const secret = /client_secret: (\S+)/.exec(conf.out)?.[1];
    assert.ok(secret && secret.length >= 32, 'a confidential client gets a long secret, shown once');
    const { publicKey } = await generateKeyPair('ES384');
    const jwksFile = join(mkdtempSync(join(tmpdir(), 'continuum-jwks-')), 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [await exportJWK(publicKey)] }));
    assert.equal((await run(['add', '--name', 'Lab feed', '--type', 'backend', '--scope', 'system/Observation.cruds', '--jwks-file', jwksFile])).code, 0);

    assert.equal((await run(['add', '--name', 'X', '--type', 'public', '--scope', 'patient/*.rs'])).code, 1, 'a public app needs a redirect URI');
    assert.equal((await run(['add', '--name', 'X', '--type', 'public', '--redirect-uri', 'http://evil.example/cb', '--scope', 'patient/*.rs'])).code, 1, 'plain http only on loopback');
    assert.equal((await run(['add', '--name', 'X', '--type', 'backend', '--scope', 'system/*.rs'])).code, 1, 'a backend needs its keys');
    assert.equal((await run(['add', '--name', 'X', '--type', 'public', '--redirect-uri', 'https://a.example/cb', '--scope', 'patient/Foo.read'])).code, 2, 'not a SMART scope');
    assert.equal((await run(['add', '--name', 'X', '--type', 'robot', '--scope', 'patient/*.rs'])).code, 2);
    assert.equal((await run(['add', '--name', 'Again', '--type', 'public', '--redirect-uri', 'https://app.example/cb', '--scope', 'patient/*.rs', '--id', 'growth'])).code, 1, 'ids are unique');

    const list = await run(['list']);
    assert.equal(list.out.trimEnd().split('\n').length, 3);
    assert.doesNotMatch(list.out, new RegExp(secret), 'list never shows a secret');
    assert.equal((await run(['disable', 'growth'])).code, 0);
    assert.equal(await new ClientRegistry(t.db).metadata('growth'), undefined, 'a disabled client is unknown to the authorization server');
    assert.equal((await run(['enable', 'growth'])).code, 0);
    assert.ok(await new ClientRegistry(t.db).metadata('growth'));
    assert.equal((await run(['disable', 'nobody'])).code, 1);
  });
});
