/**
 * Mailing one-time password-reset links: a token from password-reset.ts, a link to the reset
 * page, the message, and the mail sender. `sendTo` serves an administrator (`continuum users
 * reset-password --send`) and says what went wrong; `request` serves the "forgot password" page:
 * every enabled account whose username or email is the identifier gets its own link, and the
 * caller learns what happened for the audit trail only (the page answers the same whatever it is).
 */
import type { Database } from '../db/database.ts';
import type { MailMessage, MailSender } from '../mail/mail-sender.ts';
import { requireAccount } from './accounts.ts';
import { DEFAULT_RESET_TTL_MS, PasswordResetService } from './password-reset.ts';
import { AccountError, systemClock, type Clock, type UserAccount } from './types.ts';
import { publicView, UsersRepository } from './users-repository.ts';

export const RESET_PATH = '/auth/reset';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const resetLink = (base: string, token: string): string => `${base.replace(/\/$/, '')}${RESET_PATH}?token=${encodeURIComponent(token)}`;

/** The message: which account, the link, how long it works, and what to do if it was not asked for. */
export function resetMessage(to: string, username: string, link: string, minutes: number): MailMessage {
  const lines = [
    'Hello,',
    '',
    `Someone, hopefully you, asked to reset the password of the Continuum account "${username}". Open this link within ${minutes} minutes to choose a new password:`,
    '',
    link,
    '',
    'The link works once. If you did not ask for it, ignore this message: your password stays as it is.',
  ];
  const html = `<p>Hello,</p><p>Someone, hopefully you, asked to reset the password of the Continuum account <b>${escapeHtml(username)}</b>. Open this link within ${minutes} minutes to choose a new password:</p><p><a href="${escapeHtml(link)}">Choose a new password</a></p><p>The link works once. If you did not ask for it, ignore this message: your password stays as it is.</p>`;
  return { to, subject: 'Reset your Continuum password', text: lines.join('\n') + '\n', html };
}

export type ResetRequestOutcome =
  | { outcome: 'sent'; account: UserAccount }
  | { outcome: 'no-email'; account: UserAccount }
  | { outcome: 'disabled'; account: UserAccount }
  | { outcome: 'failed'; account: UserAccount; error: string };

export interface ResetLinkMailerDeps {
  db: Database;
  mail: MailSender;
  clock?: Clock;
  ttlMs?: number;
}

export class ResetLinkMailer {
  private readonly clock: Clock;
  private readonly resets: PasswordResetService;

  constructor(private readonly deps: ResetLinkMailerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.resets = new PasswordResetService(deps.db, this.clock, deps.ttlMs ?? DEFAULT_RESET_TTL_MS);
  }

  /** Issues a link for the account and mails it to the account's address; throws when it has none or is disabled. */
  async sendTo(tenantId: string, username: string, base: string): Promise<{ account: UserAccount; expiresAt: Date }> {
    const account = publicView(await requireAccount(new UsersRepository(this.deps.db), tenantId, username));
    if (account.email === null) throw new AccountError('invalid', `'${account.username}' has no email address: set one with 'users email --username ${account.username} --email ADDRESS', or print the link with --link`);
    const expiresAt = await this.mail(account, account.email, base);
    return { account, expiresAt };
  }

  /** What the "forgot password" page does; never throws for an unknown identifier or a mail failure. */
  async request(tenantId: string, identifier: string, base: string): Promise<ResetRequestOutcome[]> {
    const matches = await new UsersRepository(this.deps.db).byUsernameOrEmail(tenantId, identifier);
    const outcomes: ResetRequestOutcome[] = [];
    for (const record of matches) {
      const account = publicView(record);
      if (account.disabled) outcomes.push({ outcome: 'disabled', account });
      else if (account.email === null) outcomes.push({ outcome: 'no-email', account });
      else {
        try {
          await this.mail(account, account.email, base);
          outcomes.push({ outcome: 'sent', account });
        } catch (err) {
          outcomes.push({ outcome: 'failed', account, error: err instanceof Error ? err.message : String(err) });
        }
      }
    }
    return outcomes;
  }

  private async mail(account: UserAccount, to: string, base: string): Promise<Date> {
    const { token, expiresAt } = await this.resets.issue(account.tenantId, account.username);
    const minutes = Math.round((expiresAt.getTime() - this.clock().getTime()) / 60_000);
    await this.deps.mail.send(resetMessage(to, account.username, resetLink(base, token), minutes));
    return expiresAt;
  }
}
