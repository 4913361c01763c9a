/**
 * Identity suite, logging in on the backend under test: password checks, lockout after five
 * failures with growing backoff and reset on success, disabled accounts, TOTP enrolment and the
 * second factor (replay refused), single-use recovery codes, and admins told to enrol.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccountService } from '../../src/identity/accounts.ts';
import { LoginService, type LoginResult } from '../../src/identity/login.ts';
import { MfaService } from '../../src/identity/mfa.ts';
import { totpCode } from '../../src/identity/totp.ts';
import { AccountError } from '../../src/identity/types.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';
import { GOOD_PASSWORD, newTenant, staffInput, testClock, testSecrets, type TestClock } from './helpers.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());
const box = testSecrets();

const MIN = 60_000;

async function setup(overrides = {}): Promise<{ tenant: string; clock: TestClock; login: (password?: string, mfa?: { totpCode?: string; recoveryCode?: string }) => Promise<LoginResult>; accounts: AccountService; mfa: MfaService }> {
  const tenant = newTenant();
  const clock = testClock();
  const accounts = new AccountService(t.db, clock);
  await accounts.create(staffInput(tenant, overrides));
  const service = new LoginService(t.db, box, clock);
  const login = (password = GOOD_PASSWORD, mfa = {}) => service.verify({ tenantId: tenant, username: 'dr.rivera', password, ...mfa });
  return { tenant, clock, login, accounts, mfa: new MfaService(t.db, box, clock) };
}

describe('password login', () => {
  it('accepts the right password (username in any case) and refuses a wrong one or an unknown user', async () => {
    const { tenant, login, clock } = await setup();
    const ok = await login();
    assert.equal(ok.outcome, 'ok');
    assert.ok(ok.outcome === 'ok' && ok.account.lastLoginAt?.getTime() === clock().getTime() && !ok.mfaEnrolmentRequired);
    assert.deepEqual(await login('Lantern-orbit-harvest-43'), { outcome: 'invalid-credentials' });
    const service = new LoginService(t.db, box, clock);
    assert.equal((await service.verify({ tenantId: tenant, username: 'DR.RIVERA', password: GOOD_PASSWORD })).outcome, 'ok');
    assert.deepEqual(await service.verify({ tenantId: tenant, username: 'nobody', password: GOOD_PASSWORD }), { outcome: 'invalid-credentials' });
    assert.deepEqual(await service.verify({ tenantId: newTenant(), username: 'dr.rivera', password: GOOD_PASSWORD }), { outcome: 'invalid-credentials' }, 'another tenant');
  });

  it('locks after five failures, refuses even the right password while locked, and backs off exponentially', async () => {
    const { tenant, login, clock, accounts } = await setup();
    for (let i = 1; i <= 4; i++) assert.equal((await login('wrong-password-0000')).outcome, 'invalid-credentials');
    assert.equal((await accounts.get(tenant, 'dr.rivera')).lockedUntil, null, 'four failures do not lock');
    assert.equal((await login('wrong-password-0000')).outcome, 'invalid-credentials');
    const first = await login();
    assert.deepEqual(first, { outcome: 'locked', until: new Date(clock().getTime() + MIN) });
    assert.equal((await accounts.get(tenant, 'dr.rivera')).failedAttempts, 5, 'attempts while locked do not count');
    // Each failure after a lock ran out doubles the next one: 2, 4, 8 minutes.
    for (const minutes of [2, 4, 8]) {
      clock.advance((minutes / 2) * MIN);
      assert.equal((await login('wrong-password-0000')).outcome, 'invalid-credentials');
      const locked = await login();
      assert.equal(locked.outcome, 'locked');
      assert.equal(locked.outcome === 'locked' && locked.until.getTime() - clock().getTime(), minutes * MIN);
    }
    clock.advance(8 * MIN - 1);
    assert.equal((await login()).outcome, 'locked', 'still locked a millisecond before the end');
    clock.advance(1);
    assert.equal((await login()).outcome, 'ok');
    const after = await accounts.get(tenant, 'dr.rivera');
    assert.equal(after.failedAttempts, 0, 'success resets the count');
    assert.equal(after.lockedUntil, null);
    for (let i = 1; i <= 4; i++) await login('wrong-password-0000');
    assert.equal((await login()).outcome, 'ok', 'the count started over');
  });

  it('caps the lock at an hour', async () => {
    const { login, clock } = await setup();
    for (let i = 0; i < 5; i++) await login('wrong-password-0000');
    for (let i = 0; i < 8; i++) {
      clock.advance(60 * MIN);
      await login('wrong-password-0000');
    }
    const locked = await login();
    assert.equal(locked.outcome === 'locked' && locked.until.getTime() - clock().getTime(), 60 * MIN);
  });

  it('enabling and setting a new password clear a lockout', async () => {
    const { tenant, login, accounts } = await setup();
    for (let i = 0; i < 5; i++) await login('wrong-password-0000');
    assert.equal((await login()).outcome, 'locked');
    await accounts.enable(tenant, 'dr.rivera');
    assert.equal((await login()).outcome, 'ok');
    for (let i = 0; i < 5; i++) await login('wrong-password-0000');
    await accounts.setPassword(tenant, 'dr.rivera', 'Quiet-meadow-lantern-88');
    assert.equal((await login('Quiet-meadow-lantern-88')).outcome, 'ok');
  });

  it('refuses a disabled account even with the right password', async () => {
    const { tenant, login, accounts } = await setup();
    await accounts.disable(tenant, 'dr.rivera');
    assert.deepEqual(await login(), { outcome: 'disabled' });
    assert.deepEqual(await login('wrong-password-0000'), { outcome: 'invalid-credentials' });
    await accounts.enable(tenant, 'dr.rivera');
    assert.equal((await login()).outcome, 'ok');
  });
});

describe('MFA', () => {
  it('tells an admin without MFA to enrol, and enrolment needs a current code', async () => {
    const { tenant, login, mfa, clock } = await setup({ roles: ['admin'] });
    const first = await login();
    assert.ok(first.outcome === 'ok' && first.mfaEnrolmentRequired);
    const enrolment = await mfa.begin(tenant, 'dr.rivera');
    assert.match(enrolment.uri, /^otpauth:\/\/totp\/Continuum:t-[0-9a-f]+:dr\.rivera\?secret=[A-Z2-7]{32}/);
    assert.match(enrolment.qrDataUrl, /^data:image\/png;base64,/);
    assert.equal((await login()).outcome, 'ok', 'a pending enrolment does not turn MFA on');
    await assert.rejects(mfa.confirm(tenant, 'dr.rivera', '000000'), (e: unknown) => e instanceof AccountError && /does not match/.test(e.message));
    const { account, recoveryCodes } = await mfa.confirm(tenant, 'dr.rivera', await totpCode(enrolment.secret, clock()));
    assert.equal(account.mfaEnabled, true);
    assert.equal(recoveryCodes.length, 10);
    assert.equal(account.recoveryCodesLeft, 10);
    await assert.rejects(mfa.begin(tenant, 'dr.rivera'), (e: unknown) => e instanceof AccountError && e.code === 'mfa-state');
    const stored = await t.db.query<{ recovery_code_hashes: string[] }>('SELECT recovery_code_hashes FROM user_account WHERE tenant_id = $1', [tenant]);
    assert.ok(stored.rows[0]!.recovery_code_hashes.every((h) => h.startsWith('$argon2id$') && !recoveryCodes.some((c) => h.includes(c))));
  });

  it('requires the code once MFA is on, refuses a wrong or replayed code, and counts failures', async () => {
    const { tenant, login, mfa, clock, accounts } = await setup();
    const { secret } = await mfa.begin(tenant, 'dr.rivera');
    const enrolCode = await totpCode(secret, clock());
    await mfa.confirm(tenant, 'dr.rivera', enrolCode);
    assert.deepEqual(await login(), { outcome: 'mfa-needed' });
    assert.equal((await accounts.get(tenant, 'dr.rivera')).failedAttempts, 0, 'a missing code is no failure');
    assert.deepEqual(await login(GOOD_PASSWORD, { totpCode: enrolCode }), { outcome: 'invalid-mfa' }, 'the enrolment code is spent');
    clock.advance(30_000);
    const code = await totpCode(secret, clock());
    assert.deepEqual(await login('wrong-password-0000', { totpCode: code }), { outcome: 'invalid-credentials' }, 'the password still counts');
    assert.equal((await login(GOOD_PASSWORD, { totpCode: code })).outcome, 'ok');
    assert.deepEqual(await login(GOOD_PASSWORD, { totpCode: code }), { outcome: 'invalid-mfa' }, 'a replayed code is refused');
    assert.equal((await accounts.get(tenant, 'dr.rivera')).failedAttempts, 1, 'the refused code counted as a failure');
    clock.advance(30_000);
    assert.equal((await login(GOOD_PASSWORD, { totpCode: await totpCode(secret, clock()) })).outcome, 'ok');
    for (let i = 0; i < 5; i++) assert.equal((await login(GOOD_PASSWORD, { totpCode: '123456' })).outcome, 'invalid-mfa');
    assert.equal((await login(GOOD_PASSWORD, { totpCode: await totpCode(secret, clock()) })).outcome, 'locked', 'guessing codes locks the account');
  });

  it('accepts each recovery code once, and an admin can reset MFA', async () => {
    const { tenant, login, mfa, clock, accounts } = await setup();
    const { secret } = await mfa.begin(tenant, 'dr.rivera');
    const { recoveryCodes } = await mfa.confirm(tenant, 'dr.rivera', await totpCode(secret, clock()));
    const used = await login(GOOD_PASSWORD, { recoveryCode: recoveryCodes[2]!.toLowerCase() });
    assert.ok(used.outcome === 'ok' && used.usedRecoveryCode && used.account.recoveryCodesLeft === 9);
    assert.deepEqual(await login(GOOD_PASSWORD, { recoveryCode: recoveryCodes[2]! }), { outcome: 'invalid-mfa' }, 'spent');
    assert.deepEqual(await login(GOOD_PASSWORD, { recoveryCode: 'ABCDE-FGHJK' }), { outcome: 'invalid-mfa' });
    assert.equal((await login(GOOD_PASSWORD, { recoveryCode: recoveryCodes[5]! })).outcome, 'ok');
    assert.equal((await accounts.get(tenant, 'dr.rivera')).recoveryCodesLeft, 8);
    const reset = await mfa.reset(tenant, 'dr.rivera');
    assert.equal(reset.mfaEnabled, false);
    assert.equal(reset.recoveryCodesLeft, 0);
    assert.equal((await login()).outcome, 'ok', 'password alone after the reset');
  });

  it('lets only one of two simultaneous logins spend the same recovery code', async () => {
    const { tenant, login, mfa, clock } = await setup();
    const { secret } = await mfa.begin(tenant, 'dr.rivera');
    const { recoveryCodes } = await mfa.confirm(tenant, 'dr.rivera', await totpCode(secret, clock()));
    const results = await Promise.all([login(GOOD_PASSWORD, { recoveryCode: recoveryCodes[0]! }), login(GOOD_PASSWORD, { recoveryCode: recoveryCodes[0]! })]);
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['invalid-mfa', 'ok']);
  });
});
