/**
 * Identity suite, passwords without a database: the policy's rules and their reasons, the
 * common-password list (also with digits and symbols appended), and argon2id hashing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCommonPassword } from '../../src/identity/common-passwords.ts';
import { MAX_PASSWORD_LENGTH, passwordProblems } from '../../src/identity/password-policy.ts';
import { hashPassword, verifyPassword } from '../../src/identity/passwords.ts';

describe('password policy', () => {
  it('accepts a long password unrelated to the username', () => {
    assert.deepEqual(passwordProblems('Lantern-orbit-harvest-42', 'dr.rivera'), []);
  });

  it('refuses short passwords and says how long they are', () => {
    assert.deepEqual(passwordProblems('Tr0ub4dor&3', 'x'), ['it must be at least 12 characters long (it has 11)']);
  });

  it('counts characters, not UTF-16 units', () => {
    assert.deepEqual(passwordProblems('ключ-пароль-🔑', 'someone'), []);
    assert.match(passwordProblems('🔑🔑🔑🔑🔑🔑abcd', 'someone')[0]!, /it has 10/);
  });

  it('refuses passwords beyond the maximum length', () => {
    const long = 'correct-horse-'.repeat(20);
    assert.ok(long.length > MAX_PASSWORD_LENGTH);
    assert.deepEqual(passwordProblems(long, 'someone'), [`it must be at most ${MAX_PASSWORD_LENGTH} characters long`]);
  });

  it('refuses a password containing the username, in any case, or the part before @', () => {
    assert.deepEqual(passwordProblems('my-DR.RIVERA-secret-2031', 'dr.rivera'), ['it must not contain the username']);
    assert.deepEqual(passwordProblems('sam.lee-is-a-good-nurse', 'sam.lee@clinic.example'), ['it must not contain the username']);
  });

  it('refuses common passwords, also with digits and symbols appended', () => {
    for (const p of ['password1234', 'Password2024!', 'qwertyuiop12', '123456789012', 'iloveyou2031!!', 'correcthorsebatterystaple']) {
      assert.ok(isCommonPassword(p), p);
      assert.ok(passwordProblems(p, 'someone').includes('it is one of the most common passwords'), p);
    }
    assert.equal(isCommonPassword('harvest-lantern-42'), false);
  });

  it('refuses one or two repeated characters', () => {
    assert.deepEqual(passwordProblems('zzzzzzzzzzzzzz', 'someone'), ['it must use more than two different characters']);
    assert.deepEqual(passwordProblems('xyxyxyxyxyxyxy', 'someone'), ['it must use more than two different characters']);
  });

  it('lists every reason at once', () => {
    assert.deepEqual(passwordProblems('admin1', 'admin'), [
      'it must be at least 12 characters long (it has 6)',
      'it must not contain the username',
      'it is one of the most common passwords',
    ]);
  });
});

describe('argon2id hashing', () => {
  it('produces a salted argon2id hash that is never the password and verifies only it', async () => {
    const password = 'Lantern-orbit-harvest-42';
    const a = await hashPassword(password);
    const b = await hashPassword(password);
    assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!a.includes(password));
    assert.notEqual(a, b, 'a fresh salt every time');
    assert.equal(await verifyPassword(a, password), true);
    assert.equal(await verifyPassword(b, password), true);
    assert.equal(await verifyPassword(a, 'Lantern-orbit-harvest-43'), false);
  });

  it('answers false, not an exception, for a malformed hash', async () => {
    assert.equal(await verifyPassword('not-a-hash', 'whatever'), false);
  });
});
