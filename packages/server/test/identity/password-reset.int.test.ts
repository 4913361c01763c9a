/**
 * Identity suite, one-time reset tokens on the backend under test: only the SHA-256 is stored, a
 * token works once, expires, is retired by a newer token or a password change, and a refused
 * password leaves it usable.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AccountService } from '../../src/identity/accounts.ts';
import { LoginService } from '../../src/identity/login.ts';
import { hashResetToken, PasswordResetService } from '../../src/identity/password-reset.ts';
import { AccountError } from '../../src/identity/types.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';
import { newTenant, staffInput, testClock, testSecrets } from './helpers.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

const NEW_PASSWORD = 'Quiet-meadow-lantern-88';
const invalidToken = (e: unknown): boolean => e instanceof AccountError && e.code === 'invalid-token';

async function setup() {
  const tenant = newTenant();
  const clock = testClock();
  await new AccountService(t.db, clock).create(staffInput(tenant));
  const resets = new PasswordResetService(t.db, clock);
  const login = (password: string) => new LoginService(t.db, testSecrets(), clock).verify({ tenantId: tenant, username: 'dr.rivera', password });
  return { tenant, clock, resets, login, accounts: new AccountService(t.db, clock) };
}

it('stores only the SHA-256 of a token, which then sets the password once', async () => {
  const { tenant, clock, resets, login } = await setup();
  const { token, expiresAt } = await resets.issue(tenant, 'dr.rivera');
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(expiresAt.getTime() - clock().getTime(), 60 * 60_000);
  const rows = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM password_reset_token WHERE tenant_id = $1', [tenant]);
  assert.deepEqual(rows.rows.map((r) => r.token_hash), [hashResetToken(token)]);
  const account = await resets.complete(tenant, token, NEW_PASSWORD);
  assert.equal(account.username, 'dr.rivera');
  assert.equal((await login(NEW_PASSWORD)).outcome, 'ok');
  await assert.rejects(resets.complete(tenant, token, 'Another-fine-phrase-19'), invalidToken, 'single use');
  assert.equal((await login(NEW_PASSWORD)).outcome, 'ok');
});

it('refuses an expired token, a token of another tenant and a made-up one', async () => {
  const { tenant, clock, resets } = await setup();
  const { token } = await resets.issue(tenant, 'dr.rivera');
  await assert.rejects(resets.complete(newTenant(), token, NEW_PASSWORD), invalidToken);
  await assert.rejects(resets.complete(tenant, 'A'.repeat(43), NEW_PASSWORD), invalidToken);
  await assert.rejects(resets.complete(tenant, "' OR 1=1 --", NEW_PASSWORD), invalidToken);
  clock.advance(60 * 60_000);
  await assert.rejects(resets.complete(tenant, token, NEW_PASSWORD), invalidToken, 'expired at the hour');
});

it('keeps the token when the new password is refused', async () => {
  const { tenant, resets, login } = await setup();
  const { token } = await resets.issue(tenant, 'dr.rivera');
  await assert.rejects(resets.complete(tenant, token, 'password1234'), (e: unknown) => e instanceof AccountError && e.code === 'weak-password');
  await resets.complete(tenant, token, NEW_PASSWORD);
  assert.equal((await login(NEW_PASSWORD)).outcome, 'ok');
});

it('retires older tokens when a new one is issued or the password changes, and refuses disabled accounts', async () => {
  const { tenant, resets, accounts } = await setup();
  const first = await resets.issue(tenant, 'dr.rivera');
  const second = await resets.issue(tenant, 'dr.rivera');
  await assert.rejects(resets.complete(tenant, first.token, NEW_PASSWORD), invalidToken);
  await accounts.setPassword(tenant, 'dr.rivera', 'Silver-compass-dune-63');
  await assert.rejects(resets.complete(tenant, second.token, NEW_PASSWORD), invalidToken);
  const third = await resets.issue(tenant, 'dr.rivera');
  await accounts.disable(tenant, 'dr.rivera');
  await assert.rejects(resets.complete(tenant, third.token, NEW_PASSWORD), invalidToken);
  await assert.rejects(resets.issue(tenant, 'dr.rivera'), (e: unknown) => e instanceof AccountError && /is disabled/.test(e.message));
  await assert.rejects(resets.issue(tenant, 'nobody'), (e: unknown) => e instanceof AccountError && e.code === 'not-found');
});
