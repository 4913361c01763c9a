/**
 * One-time password-reset links. `issue` makes a random 256-bit token, stores only its SHA-256
 * and retires the user's earlier tokens; the token itself goes to the user once (printed by the
 * CLI today, sent by the pluggable mailer when login lands). `complete` spends a token that is
 * unused and unexpired and sets the new password in the same transaction; a password the
 * policy refuses leaves the token unspent, so the user can try another.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { checkPassword, requireAccount } from './accounts.ts';
import { hashPassword } from './passwords.ts';
import { AccountError, systemClock, type Clock, type UserAccount, type UserKind } from './types.ts';
import { publicView, UsersRepository } from './users-repository.ts';

export const DEFAULT_RESET_TTL_MS = 60 * 60_000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const hashResetToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export class PasswordResetService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock = systemClock,
    private readonly ttlMs: number = DEFAULT_RESET_TTL_MS,
  ) {}

  async issue(tenantId: string, username: string): Promise<{ token: string; expiresAt: Date }> {
    return this.db.transaction(async (tx) => {
      const repo = new UsersRepository(tx);
      const a = await requireAccount(repo, tenantId, username);
      if (a.disabled) throw new AccountError('invalid', `'${a.username}' is disabled: enable the account before sending a reset link`);
      const token = randomBytes(32).toString('base64url');
      const now = this.clock();
      const expiresAt = new Date(now.getTime() + this.ttlMs);
      await repo.insertResetToken(tenantId, a.id, hashResetToken(token), now, expiresAt);
      return { token, expiresAt };
    });
  }

  /** The kind of account an open (unused, unexpired) token belongs to, or undefined. Spends nothing. */
  async accountKind(tenantId: string, token: string): Promise<UserKind | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    return new UsersRepository(this.db).resetTokenKind(tenantId, hashResetToken(token), this.clock());
  }

  async complete(tenantId: string, token: string, newPassword: string): Promise<UserAccount> {
    const invalid = new AccountError('invalid-token', 'the reset link is invalid, expired or already used');
    if (!TOKEN_PATTERN.test(token)) throw invalid;
    return this.db.transaction(async (tx) => {
      const repo = new UsersRepository(tx);
      const now = this.clock();
      const userId = await repo.useResetToken(tenantId, hashResetToken(token), now);
      if (userId === undefined) throw invalid;
      const a = (await repo.byId(tenantId, userId))!;
      if (a.disabled) throw invalid;
      // Throwing rolls the transaction back, so a refused password does not spend the token.
      checkPassword(newPassword, a.username);
      await repo.setPassword(tenantId, a.id, await hashPassword(newPassword), now);
      return publicView((await requireAccount(repo, tenantId, a.username)));
    });
  }
}
