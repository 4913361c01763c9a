/**
 * The data keys on disk and from the environment (generated once, private to the server's user,
 * never replaced, rotated without losing the old keys) and the secret box over them (AES-256-GCM:
 * a value opens only with its key and in its context, and any change to it is caught).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dataKeyFilePath, dataKeyId, dataKeyring, loadDataKeys, parseDataKeys, rotateDataKeys } from '../../src/secrets/data-keys.ts';
import { SecretBox, SecretBoxError } from '../../src/secrets/secret-box.ts';

describe('data keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-data-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are generated once into the data folder, readable by the owner only, and never replaced', () => {
    const first = loadDataKeys({ dataDir: dir });
    const path = dataKeyFilePath(dir);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
    assert.equal(first.keys.length, 1);
    assert.equal(first.current.key.length, 32);
    assert.equal(first.current.id, dataKeyId(first.current.key));
    const text = readFileSync(path, 'utf8');
    assert.ok(text.includes(first.current.key.toString('base64')), 'the file holds the key in base64');
    const again = loadDataKeys({ dataDir: dir });
    assert.equal(again.current.id, first.current.id, 'a second start reads the same key');
    assert.equal(readFileSync(path, 'utf8'), text, 'and does not rewrite the file');
  });

  it('rotate by putting a new key first and keeping every older one', () => {
    const before = loadDataKeys({ dataDir: dir });
    const rotated = rotateDataKeys(dir);
    assert.equal(rotated.keys.length, before.keys.length + 1);
    assert.notEqual(rotated.current.id, before.current.id);
    assert.deepEqual(rotated.keys.slice(1).map((k) => k.id), before.keys.map((k) => k.id));
    assert.equal(loadDataKeys({ dataDir: dir }).current.id, rotated.current.id, 'the file now starts with the new key');
    assert.equal(statSync(dataKeyFilePath(dir)).mode & 0o777, 0o600);
  });

  it('come from CONTINUUM_DATA_KEY or CONTINUUM_DATA_KEY_FILE before the data folder, newest first', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const fromEnv = loadDataKeys({ dataDir: dir, keys: `${a.toString('base64')}, ${b.toString('base64url')}` });
    assert.deepEqual(fromEnv.keys.map((k) => k.id), [dataKeyId(a), dataKeyId(b)]);
    const file = join(dir, 'keys.txt');
    writeFileSync(file, `# comment\n${b.toString('base64')}\n\n${a.toString('base64')}  # the old one\n`);
    assert.deepEqual(loadDataKeys({ dataDir: dir, keyFile: file }).keys.map((k) => k.id), [dataKeyId(b), dataKeyId(a)]);
  });

  it('refuse anything but base64 of 32 bytes, without echoing what was given', () => {
    const short = randomBytes(16).toString('base64');
    assert.throws(() => parseDataKeys(short, 'CONTINUUM_DATA_KEY'), (e: unknown) => e instanceof Error && /key 1 is not base64 of 32 bytes/.test(e.message) && !e.message.includes(short));
    assert.throws(() => parseDataKeys(`${randomBytes(32).toString('base64')} not*base64`, 'X'), /X: key 2 is not base64/);
    assert.throws(() => parseDataKeys('# only a comment\n', 'X'), /holds no data key/);
    assert.throws(() => dataKeyring([randomBytes(31)]), /must be 32 bytes/);
  });
});

describe('secret box', () => {
  const oldKey = randomBytes(32);
  const box = new SecretBox(dataKeyring([randomBytes(32), oldKey]));

  it('seals to a value naming its key, different every time, that opens only in its context', () => {
    const one = box.seal('JBSWY3DPEHPK3PXP', 'totp:t:1');
    const two = box.seal('JBSWY3DPEHPK3PXP', 'totp:t:1');
    assert.match(one, /^enc1\.[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    assert.notEqual(one, two, 'a fresh IV each time');
    assert.ok(!one.includes('JBSWY3DPEHPK3PXP'), 'the plain value is not in the sealed one');
    assert.equal(SecretBox.keyIdOf(one), box.currentKeyId);
    assert.equal(box.open(one, 'totp:t:1'), 'JBSWY3DPEHPK3PXP');
    assert.throws(() => box.open(one, 'totp:t:2'), SecretBoxError, 'another record cannot open it');
  });

  it('opens values sealed under an older key, and refuses an unknown key or an altered value', () => {
    const old = new SecretBox(dataKeyring([oldKey])).seal('secret', 'c');
    assert.equal(box.open(old, 'c'), 'secret');
    const stranger = new SecretBox(dataKeyring([randomBytes(32)])).seal('secret', 'c');
    assert.throws(() => box.open(stranger, 'c'), (e: unknown) => e instanceof SecretBoxError && /which this node does not have/.test(e.message));
    const [prefix, kid, iv, body] = box.seal('secret', 'c').split('.');
    for (const at of [0, 6, 21]) {
      const bytes = Buffer.from(body!, 'base64url');
      bytes[at]! ^= 1;
      assert.throws(() => box.open([prefix, kid, iv, bytes.toString('base64url')].join('.'), 'c'), SecretBoxError, `a changed byte ${at} (ciphertext or tag) is caught`);
    }
    assert.throws(() => box.open('JBSWY3DPEHPK3PXP', 'c'), SecretBoxError, 'a plain value is no sealed value');
  });
});
