/**
 * TOTP enrolment in two steps, as authenticator apps expect: `begin` issues a secret with its
 * `otpauth://` URI and QR code (MFA stays off, so a half-done enrolment locks nobody out), and
 * `confirm` turns MFA on once the user proves the app works by sending a current code; only then
 * are the ten recovery codes issued, shown this once and stored hashed. The secret is stored
 * sealed under the data key (totp-secrets.ts), never as issued. `reset` is the admin's way back
 * for a lost device: MFA off, secret and codes forgotten (still required if it was).
 */
import type { Queryable } from '../db/database.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { AccountService, requireAccount } from './accounts.ts';
import { newRecoveryCodes } from './recovery-codes.ts';
import { newTotpSecret, totpQrDataUrl, totpUri, verifyTotp } from './totp.ts';
import { TotpSecrets } from './totp-secrets.ts';
import { AccountError, systemClock, type Clock, type UserAccount } from './types.ts';
import { publicView, UsersRepository } from './users-repository.ts';

export interface TotpEnrolment {
  secret: string;
  uri: string;
  /** The URI as a QR code, a `data:image/png;base64,...` URL. */
  qrDataUrl: string;
}

export class MfaService {
  private readonly repo: UsersRepository;
  private readonly secrets: TotpSecrets;
  private readonly accounts: AccountService;

  constructor(q: Queryable, box: SecretBox, private readonly clock: Clock = systemClock) {
    this.repo = new UsersRepository(q);
    this.secrets = new TotpSecrets(box);
    this.accounts = new AccountService(q, clock);
  }

  async begin(tenantId: string, username: string): Promise<TotpEnrolment> {
    const a = await requireAccount(this.repo, tenantId, username);
    if (a.mfaEnabled) throw new AccountError('mfa-state', `'${a.username}' already uses MFA; reset it first to enrol a new device`);
    const secret = newTotpSecret();
    if (!(await this.repo.setPendingTotp(tenantId, a.id, this.secrets.seal(a, secret), this.clock()))) throw new AccountError('mfa-state', `'${a.username}' already uses MFA`);
    const uri = totpUri(secret, a.username, tenantId);
    return { secret, uri, qrDataUrl: await totpQrDataUrl(uri) };
  }

  /** Turns MFA on when `code` is current for the pending secret; returns the recovery codes. */
  async confirm(tenantId: string, username: string, code: string): Promise<{ account: UserAccount; recoveryCodes: string[] }> {
    const a = await requireAccount(this.repo, tenantId, username);
    if (a.mfaEnabled || a.storedTotpSecret === null) throw new AccountError('mfa-state', `'${a.username}' has no MFA enrolment waiting for confirmation`);
    const now = this.clock();
    const step = await verifyTotp(this.secrets.open(a, a.storedTotpSecret), code, now, null);
    if (step === undefined) throw new AccountError('invalid', 'the code does not match: check the device clock and try the current code');
    const { codes, hashes } = await newRecoveryCodes();
    // The confirming code's step counts as used, so it cannot be replayed to log in.
    await this.repo.enableMfa(tenantId, a.id, hashes, step, now);
    return { account: publicView((await this.repo.byId(tenantId, a.id))!), recoveryCodes: codes };
  }

  reset(tenantId: string, username: string): Promise<UserAccount> {
    return this.accounts.resetMfa(tenantId, username);
  }
}
