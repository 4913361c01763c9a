/**
 * Identity suite, TOTP secrets at rest on the backend under test: the column holds the secret
 * sealed under the data key (never the secret), logging in with a code still works, recovery codes
 * are argon2id hashes; secrets stored in plain text by earlier versions keep working and are
 * sealed at the next login or by the start-up step, which also re-seals under a rotated key; a
 * sealed secret copied onto another account does not open there.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AccountService } from '../../src/identity/accounts.ts';
import { LoginService } from '../../src/identity/login.ts';
import { MfaService } from '../../src/identity/mfa.ts';
import { normaliseRecoveryCode } from '../../src/identity/recovery-codes.ts';
import { totpCode } from '../../src/identity/totp.ts';
import { resealTotpSecrets } from '../../src/identity/totp-reseal.ts';
import type { Database } from '../../src/db/database.ts';
import { dataKeyring } from '../../src/secrets/data-keys.ts';
import { SecretBox, SecretBoxError } from '../../src/secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';
import { GOOD_PASSWORD, newTenant, staffInput, testClock, testSecrets, type TestClock } from './helpers.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

async function stored(db: Database, tenant: string, username = 'dr.rivera'): Promise<string | null> {
  const res = await db.query<{ totp_secret: string | null }>('SELECT totp_secret FROM user_account WHERE tenant_id = $1 AND username = $2', [tenant, username]);
  return res.rows[0]!.totp_secret;
}

/** An account with MFA on, enrolled under `box`; returns its base32 secret. */
async function enrolled(db: Database, box: SecretBox, clock: TestClock, tenant: string, username = 'dr.rivera'): Promise<string> {
  await new AccountService(db, clock).create(staffInput(tenant, { username }));
  const mfa = new MfaService(db, box, clock);
  const { secret } = await mfa.begin(tenant, username);
  await mfa.confirm(tenant, username, await totpCode(secret, clock()));
  clock.advance(30_000); // the confirming code's step is spent
  return secret;
}

/** What an earlier version stored: the secret as issued. */
const storePlain = (db: Database, tenant: string, secret: string, username = 'dr.rivera') =>
  db.query('UPDATE user_account SET totp_secret = $3 WHERE tenant_id = $1 AND username = $2', [tenant, username, secret]);

describe('TOTP secrets at rest', () => {
  it('are stored sealed under the data key, never as issued, and signing in with a code works', async () => {
    const box = testSecrets();
    const clock = testClock();
    const tenant = newTenant();
    await new AccountService(t.db, clock).create(staffInput(tenant));
    const mfa = new MfaService(t.db, box, clock);
    const { secret } = await mfa.begin(tenant, 'dr.rivera');
    const pending = (await stored(t.db, tenant))!;
    assert.ok(SecretBox.isSealed(pending) && !pending.includes(secret), 'a pending enrolment is sealed too');
    const { recoveryCodes } = await mfa.confirm(tenant, 'dr.rivera', await totpCode(secret, clock()));
    const column = (await stored(t.db, tenant))!;
    assert.ok(!column.includes(secret) && !column.includes(secret.toLowerCase()), 'the column does not hold the secret');
    assert.equal(SecretBox.keyIdOf(column), box.currentKeyId, 'it names the key that sealed it');
    clock.advance(30_000);
    const login = new LoginService(t.db, box, clock);
    assert.equal((await login.verify({ tenantId: tenant, username: 'dr.rivera', password: GOOD_PASSWORD, totpCode: await totpCode(secret, clock()) })).outcome, 'ok');
    assert.equal((await login.verify({ tenantId: tenant, username: 'dr.rivera', password: GOOD_PASSWORD, totpCode: '000000' })).outcome, 'invalid-mfa');
    const hashes = await t.db.query<{ recovery_code_hashes: string[] }>('SELECT recovery_code_hashes FROM user_account WHERE tenant_id = $1', [tenant]);
    const all = hashes.rows[0]!.recovery_code_hashes;
    assert.equal(all.length, 10);
    assert.ok(all.every((h) => h.startsWith('$argon2id$') && !recoveryCodes.some((c) => h.includes(c) || h.includes(normaliseRecoveryCode(c)))), 'recovery codes are stored as argon2id hashes only');
  });

  it('stored in plain text by an earlier version still sign in, and are sealed at that login', async () => {
    const box = testSecrets();
    const clock = testClock();
    const tenant = newTenant();
    const secret = await enrolled(t.db, box, clock, tenant);
    await storePlain(t.db, tenant, secret);
    const login = new LoginService(t.db, box, clock);
    const attempt = async (code: string) => (await login.verify({ tenantId: tenant, username: 'dr.rivera', password: GOOD_PASSWORD, totpCode: code })).outcome;
    assert.equal(await attempt('123456'), 'invalid-mfa', 'a wrong code is still wrong');
    assert.equal(await stored(t.db, tenant), secret, 'a refused code does not re-seal');
    assert.equal(await attempt(await totpCode(secret, clock())), 'ok');
    const column = (await stored(t.db, tenant))!;
    assert.equal(SecretBox.keyIdOf(column), box.currentKeyId, 'sealed once it was used');
    clock.advance(30_000);
    assert.equal(await attempt(await totpCode(secret, clock())), 'ok', 'and still signs in sealed');
  });

  it('a sealed secret copied onto another account does not open there', async () => {
    const box = testSecrets();
    const clock = testClock();
    const tenant = newTenant();
    const secret = await enrolled(t.db, box, clock, tenant, 'dr.one');
    await enrolled(t.db, box, clock, tenant, 'dr.two');
    await t.db.query('UPDATE user_account SET totp_secret = $2 WHERE tenant_id = $1 AND username = $3', [tenant, await stored(t.db, tenant, 'dr.one'), 'dr.two']);
    const login = new LoginService(t.db, box, clock);
    await assert.rejects(login.verify({ tenantId: tenant, username: 'dr.two', password: GOOD_PASSWORD, totpCode: await totpCode(secret, clock()) }), SecretBoxError);
  });

  it('the start-up step seals plain secrets and re-seals those under an older key; it leaves what it cannot open', async () => {
    const own = await createTestDatabase(); // its own database: the step sweeps every tenant
    try {
      const clock = testClock();
      const oldKey = randomBytes(32);
      const underOld = new SecretBox(dataKeyring([oldKey]));
      const elsewhere = testSecrets(); // a key this node never had
      const tenant = newTenant();
      const plain = await enrolled(own.db, underOld, clock, tenant, 'plain');
      await storePlain(own.db, tenant, plain, 'plain');
      const rotated = await enrolled(own.db, underOld, clock, tenant, 'rotated');
      const lost = await enrolled(own.db, elsewhere, clock, tenant, 'lost');
      const box = testSecrets(oldKey); // a new key first, the old one kept
      const current = await enrolled(own.db, box, clock, tenant, 'current');
      const untouched = await stored(own.db, tenant, 'current');
      const lostValue = await stored(own.db, tenant, 'lost');

      assert.deepEqual(await resealTotpSecrets(own.db, box, clock), { resealed: 2, unreadable: 1 });
      for (const username of ['plain', 'rotated']) assert.equal(SecretBox.keyIdOf((await stored(own.db, tenant, username))!), box.currentKeyId, `${username} is sealed under the newest key`);
      assert.equal(await stored(own.db, tenant, 'current'), untouched, 'a secret already under the newest key is left alone');
      assert.equal(await stored(own.db, tenant, 'lost'), lostValue, 'one no key opens is left as it is');
      assert.deepEqual(await resealTotpSecrets(own.db, box, clock), { resealed: 0, unreadable: 1 }, 'a second run has nothing left to do');

      const login = new LoginService(own.db, box, clock);
      for (const [username, secret] of [['plain', plain], ['rotated', rotated], ['current', current]] as const) {
        const r = await login.verify({ tenantId: tenant, username, password: GOOD_PASSWORD, totpCode: await totpCode(secret, clock()) });
        assert.equal(r.outcome, 'ok', `${username} signs in with a code`);
      }
      await assert.rejects(login.verify({ tenantId: tenant, username: 'lost', password: GOOD_PASSWORD, totpCode: await totpCode(lost, clock()) }), /data key .* which this node does not have/);
    } finally {
      await own.drop();
    }
  });
});
