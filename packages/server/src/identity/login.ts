/**
 * Checking a login attempt: username and password, then the second factor when MFA is on, with
 * lockout. It answers what happened; what a login page reveals of it is the login route's
 * choice (it should show "invalid-credentials", "locked" and "disabled" alike). Unknown
 * usernames cost the same argon2 time as wrong passwords. A wrong password or MFA code counts
 * toward the lockout; an attempt while locked is refused before the password is checked. The
 * TOTP secret is opened with the data key; one stored by an earlier version in plain text, or
 * sealed under an older key, is sealed under the newest key once it has been used to sign in.
 */
import type { Queryable } from '../db/database.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { DEFAULT_LOCKOUT, isLocked, lockedUntilAfter, type LockoutPolicy } from './lockout.ts';
import { spendVerifyTime, verifyPassword } from './passwords.ts';
import { matchRecoveryCode } from './recovery-codes.ts';
import { verifyTotp } from './totp.ts';
import { TotpSecrets } from './totp-secrets.ts';
import { systemClock, type Clock, type UserAccount } from './types.ts';
import { publicView, UsersRepository, type AccountRecord } from './users-repository.ts';

export interface LoginAttempt {
  tenantId: string;
  username: string;
  password: string;
  /** A 6-digit TOTP code, when the account uses MFA. */
  totpCode?: string;
  /** A recovery code instead of the TOTP code; each works once. */
  recoveryCode?: string;
}

export type LoginResult =
  | { outcome: 'ok'; account: UserAccount; /** MFA is required but not set up: enrol before anything else. */ mfaEnrolmentRequired: boolean; usedRecoveryCode: boolean }
  | { outcome: 'invalid-credentials' }
  | { outcome: 'locked'; until: Date }
  | { outcome: 'disabled' }
  /** The password was right; ask for the second factor. Counts as no failure. */
  | { outcome: 'mfa-needed' }
  | { outcome: 'invalid-mfa' };

export class LoginService {
  private readonly repo: UsersRepository;
  private readonly secrets: TotpSecrets;

  constructor(
    q: Queryable,
    box: SecretBox,
    private readonly clock: Clock = systemClock,
    private readonly policy: LockoutPolicy = DEFAULT_LOCKOUT,
  ) {
    this.repo = new UsersRepository(q);
    this.secrets = new TotpSecrets(box);
  }

  async verify(attempt: LoginAttempt): Promise<LoginResult> {
    const now = this.clock();
    const account = await this.repo.byUsername(attempt.tenantId, attempt.username);
    if (!account) {
      await spendVerifyTime(attempt.password);
      return { outcome: 'invalid-credentials' };
    }
    if (isLocked(account.lockedUntil, now)) return { outcome: 'locked', until: account.lockedUntil! };
    if (!(await verifyPassword(account.passwordHash, attempt.password))) {
      await this.fail(account, now);
      return { outcome: 'invalid-credentials' };
    }
    if (account.disabled) return { outcome: 'disabled' };
    let usedRecoveryCode = false;
    if (account.mfaEnabled) {
      if (attempt.totpCode === undefined && attempt.recoveryCode === undefined) return { outcome: 'mfa-needed' };
      usedRecoveryCode = attempt.totpCode === undefined;
      if (!(await this.secondFactor(account, attempt, now))) {
        await this.fail(account, now);
        return { outcome: 'invalid-mfa' };
      }
    }
    await this.repo.recordSuccess(account.tenantId, account.id, now);
    const fresh = (await this.repo.byId(account.tenantId, account.id))!;
    return { outcome: 'ok', account: publicView(fresh), mfaEnrolmentRequired: fresh.mfaRequired && !fresh.mfaEnabled, usedRecoveryCode };
  }

  private async secondFactor(account: AccountRecord, attempt: LoginAttempt, now: Date): Promise<boolean> {
    if (attempt.totpCode !== undefined) {
      const stored = account.storedTotpSecret!;
      const secret = this.secrets.open(account, stored);
      const step = await verifyTotp(secret, attempt.totpCode, now, account.totpLastStep);
      // The conditional update refuses a step already taken by a concurrent login with the same code.
      const accepted = step !== undefined && (await this.repo.acceptTotpStep(account.tenantId, account.id, step, now));
      if (accepted && this.secrets.needsSealing(stored)) await this.repo.replaceTotpSecret(account.tenantId, account.id, stored, this.secrets.seal(account, secret), now);
      return accepted;
    }
    const hash = await matchRecoveryCode(account.recoveryCodeHashes, attempt.recoveryCode ?? '');
    return hash !== undefined && (await this.repo.spendRecoveryCode(account.tenantId, account.id, hash, now));
  }

  private async fail(account: AccountRecord, now: Date): Promise<void> {
    const failures = await this.repo.recordFailure(account.tenantId, account.id, now);
    const until = lockedUntilAfter(failures, now, this.policy);
    if (until) await this.repo.lockUntil(account.tenantId, account.id, until, now);
  }
}
