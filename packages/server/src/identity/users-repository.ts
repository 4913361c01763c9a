/**
 * The `user_account` and `password_reset_token` tables: the only code that touches them, every
 * value a bound parameter. It enforces no rules beyond what the schema's constraints do (the
 * services hold the rules), but every change that must not race is one conditional statement:
 * counting a failure, spending a recovery code, accepting a TOTP step, using a reset token,
 * replacing a sealed TOTP secret. It stores the TOTP secret as it is given (the services seal it:
 * totp-secrets.ts). Times come from the caller's clock, never from the database's now().
 */
import type { Queryable } from '../db/database.ts';
import type { Role, UserAccount, UserKind } from './types.ts';
import { AccountError } from './types.ts';

/** An account with the secrets only the services may see. */
export interface AccountRecord extends UserAccount {
  passwordHash: string;
  /** The TOTP secret as stored: sealed, or plain base32 from an earlier version (totp-secrets.ts opens both). */
  storedTotpSecret: string | null;
  totpLastStep: number | null;
  recoveryCodeHashes: string[];
  /** The sensitive categories (meta.security codes) the user may see without breaking the glass. */
  securityRights: string[];
}

export interface NewAccount {
  tenantId: string;
  username: string;
  kind: UserKind;
  roles: Role[];
  fhirUser: string;
  organization: string | null;
  email: string | null;
  passwordHash: string;
  mfaRequired: boolean;
}

interface Row {
  id: string;
  tenant_id: string;
  username: string;
  kind: UserKind;
  roles: Role[];
  fhir_user: string;
  organization: string | null;
  email: string | null;
  password_hash: string;
  password_changed_at: Date;
  disabled: boolean;
  mfa_required: boolean;
  mfa_enabled: boolean;
  totp_secret: string | null;
  totp_last_step: string | null;
  recovery_code_hashes: string[];
  security_rights: string[];
  failed_attempts: number;
  locked_until: Date | null;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id::text AS id, tenant_id, username, kind, roles, fhir_user, organization, email, password_hash,
  password_changed_at, disabled, mfa_required, mfa_enabled, totp_secret, totp_last_step::text AS totp_last_step,
  recovery_code_hashes, failed_attempts, locked_until, last_login_at, created_at, updated_at, security_rights`;

const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const maybeDate = (v: Date | string | null): Date | null => (v === null ? null : date(v));

function toRecord(r: Row): AccountRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    username: r.username,
    kind: r.kind,
    roles: [...r.roles],
    fhirUser: r.fhir_user,
    organization: r.organization,
    email: r.email,
    disabled: r.disabled,
    mfaRequired: r.mfa_required,
    mfaEnabled: r.mfa_enabled,
    recoveryCodesLeft: r.recovery_code_hashes.length,
    failedAttempts: Number(r.failed_attempts),
    lockedUntil: maybeDate(r.locked_until),
    lastLoginAt: maybeDate(r.last_login_at),
    passwordChangedAt: date(r.password_changed_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    passwordHash: r.password_hash,
    storedTotpSecret: r.totp_secret,
    totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
    recoveryCodeHashes: [...r.recovery_code_hashes],
    securityRights: [...r.security_rights],
  };
}

/** The account without its secrets. */
export function publicView(r: AccountRecord): UserAccount {
  const { passwordHash: _p, storedTotpSecret: _s, totpLastStep: _l, recoveryCodeHashes: _c, securityRights: _r, ...account } = r;
  return account;
}

const UNIQUE_VIOLATION = '23505';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class UsersRepository {
  constructor(private readonly q: Queryable) {}

  async insert(a: NewAccount, now: Date): Promise<AccountRecord> {
    try {
      const res = await this.q.query<Row>(
        `INSERT INTO user_account (tenant_id, username, kind, roles, fhir_user, organization, email, password_hash, password_changed_at, mfa_required, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $9) RETURNING ${COLUMNS}`,
        [a.tenantId, a.username, a.kind, a.roles, a.fhirUser, a.organization, a.email, a.passwordHash, now, a.mfaRequired],
      );
      return toRecord(res.rows[0]!);
    } catch (err) {
      if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) throw new AccountError('duplicate-username', `the username '${a.username}' is taken in this tenant`);
      throw err;
    }
  }

  async byUsername(tenantId: string, username: string): Promise<AccountRecord | undefined> {
    const res = await this.q.query<Row>(`SELECT ${COLUMNS} FROM user_account WHERE tenant_id = $1 AND lower(username) = lower($2)`, [tenantId, username]);
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /** Accounts whose username or email address is `identifier` (either without regard to case), at most `limit`. */
  async byUsernameOrEmail(tenantId: string, identifier: string, limit = 10): Promise<AccountRecord[]> {
    const res = await this.q.query<Row>(
      `SELECT ${COLUMNS} FROM user_account WHERE tenant_id = $1 AND (lower(username) = lower($2) OR lower(email) = lower($2)) ORDER BY lower(username) LIMIT $3`,
      [tenantId, identifier, limit],
    );
    return res.rows.map(toRecord);
  }

  async byId(tenantId: string, id: string): Promise<AccountRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const res = await this.q.query<Row>(`SELECT ${COLUMNS} FROM user_account WHERE tenant_id = $1 AND id = $2::uuid`, [tenantId, id]);
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /** By id alone (ids are unique across tenants): the authorization server knows only the subject. */
  async byGlobalId(id: string): Promise<AccountRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const res = await this.q.query<Row>(`SELECT ${COLUMNS} FROM user_account WHERE id = $1::uuid`, [id]);
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /** The enabled accounts linked to `fhirUser` (e.g. `Patient/123`). */
  async enabledByFhirUser(tenantId: string, fhirUser: string): Promise<AccountRecord[]> {
    const res = await this.q.query<Row>(`SELECT ${COLUMNS} FROM user_account WHERE tenant_id = $1 AND fhir_user = $2 AND NOT disabled ORDER BY created_at`, [tenantId, fhirUser]);
    return res.rows.map(toRecord);
  }

  async list(tenantId: string, kind?: UserKind): Promise<AccountRecord[]> {
    const res = await this.q.query<Row>(
      `SELECT ${COLUMNS} FROM user_account WHERE tenant_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY lower(username)`,
      [tenantId, kind ?? null],
    );
    return res.rows.map(toRecord);
  }

  /** Runs one UPDATE of the account; false when there is no such account (or `extra` failed). */
  private async update(tenantId: string, id: string, set: string, params: readonly unknown[], now: Date, extra = ''): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const res = await this.q.query(
      `UPDATE user_account SET ${set}, updated_at = $3 WHERE tenant_id = $1 AND id = $2::uuid ${extra}`,
      [tenantId, id, now, ...params],
    );
    return res.rowCount > 0;
  }

  /** Disabling keeps the lockout as it is; enabling also clears it. */
  setDisabled(tenantId: string, id: string, disabled: boolean, now: Date): Promise<boolean> {
    const clear = disabled ? '' : ', failed_attempts = 0, locked_until = NULL';
    return this.update(tenantId, id, `disabled = $4${clear}`, [disabled], now);
  }

  setRoles(tenantId: string, id: string, roles: Role[], mfaRequired: boolean, now: Date): Promise<boolean> {
    return this.update(tenantId, id, 'roles = $4, mfa_required = $5', [roles, mfaRequired], now);
  }

  setSecurityRights(tenantId: string, id: string, rights: readonly string[], now: Date): Promise<boolean> {
    return this.update(tenantId, id, 'security_rights = $4', [[...rights]], now);
  }

  setEmail(tenantId: string, id: string, email: string | null, now: Date): Promise<boolean> {
    return this.update(tenantId, id, 'email = $4', [email], now);
  }

  /** A new password also clears the lockout and retires outstanding reset tokens. */
  async setPassword(tenantId: string, id: string, passwordHash: string, now: Date): Promise<boolean> {
    const ok = await this.update(tenantId, id, 'password_hash = $4, password_changed_at = $3, failed_attempts = 0, locked_until = NULL', [passwordHash], now);
    if (ok) await this.retireResetTokens(tenantId, id, now);
    return ok;
  }

  /** Counts a failure; returns the new count in a row. */
  async recordFailure(tenantId: string, id: string, now: Date): Promise<number> {
    const res = await this.q.query<{ n: number }>(
      'UPDATE user_account SET failed_attempts = failed_attempts + 1, updated_at = $3 WHERE tenant_id = $1 AND id = $2::uuid RETURNING failed_attempts AS n',
      [tenantId, id, now],
    );
    return Number(res.rows[0]?.n ?? 0);
  }

  /** Locks until `until`, or keeps a later lock set by a concurrent failure. */
  lockUntil(tenantId: string, id: string, until: Date, now: Date): Promise<boolean> {
    return this.update(tenantId, id, 'locked_until = GREATEST(locked_until, $4)', [until], now);
  }

  recordSuccess(tenantId: string, id: string, now: Date): Promise<boolean> {
    return this.update(tenantId, id, 'failed_attempts = 0, locked_until = NULL, last_login_at = $3', [], now);
  }

  /** Accepts a TOTP step once: false when it (or a later one) was already accepted. */
  acceptTotpStep(tenantId: string, id: string, step: number, now: Date): Promise<boolean> {
    return this.update(tenantId, id, 'totp_last_step = $4', [step], now, 'AND (totp_last_step IS NULL OR totp_last_step < $4)');
  }

  /** Spends one recovery code: false when that code was already spent. */
  spendRecoveryCode(tenantId: string, id: string, codeHash: string, now: Date): Promise<boolean> {
    return this.update(tenantId, id, 'recovery_code_hashes = array_remove(recovery_code_hashes, $4)', [codeHash], now, 'AND $4 = ANY (recovery_code_hashes)');
  }

  /** Keeps a new (sealed) secret awaiting confirmation; MFA stays as it was until confirmed. */
  setPendingTotp(tenantId: string, id: string, sealed: string, now: Date): Promise<boolean> {
    return this.update(tenantId, id, 'totp_secret = $4', [sealed], now, 'AND NOT mfa_enabled');
  }

  /** Replaces the stored secret by the same secret sealed anew: false when it changed meanwhile. */
  replaceTotpSecret(tenantId: string, id: string, from: string, to: string, now: Date): Promise<boolean> {
    return this.update(tenantId, id, 'totp_secret = $5', [from, to], now, 'AND totp_secret = $4');
  }

  /** Stored secrets that do not start with `prefix` (the newest key's), in id order after `afterId`. */
  async totpSecretsNotUnder(prefix: string, afterId: string | null, limit: number): Promise<{ tenantId: string; id: string; stored: string }[]> {
    const res = await this.q.query<{ tenant_id: string; id: string; totp_secret: string }>(
      `SELECT tenant_id, id::text AS id, totp_secret FROM user_account
       WHERE totp_secret IS NOT NULL AND left(totp_secret, length($1)) <> $1 AND ($2::uuid IS NULL OR id > $2::uuid)
       ORDER BY id LIMIT $3`,
      [prefix, afterId, limit],
    );
    return res.rows.map((r) => ({ tenantId: r.tenant_id, id: r.id, stored: r.totp_secret }));
  }

  enableMfa(tenantId: string, id: string, recoveryCodeHashes: string[], step: number, now: Date): Promise<boolean> {
    return this.update(tenantId, id, 'mfa_enabled = true, recovery_code_hashes = $4, totp_last_step = $5', [recoveryCodeHashes, step], now, 'AND totp_secret IS NOT NULL');
  }

  /** Turns MFA off and forgets the secret and codes (an admin's reset for a lost device). */
  resetMfa(tenantId: string, id: string, now: Date): Promise<boolean> {
    return this.update(tenantId, id, "mfa_enabled = false, totp_secret = NULL, totp_last_step = NULL, recovery_code_hashes = '{}'", [], now);
  }

  /** Stores a new reset token and retires the user's earlier ones. */
  async insertResetToken(tenantId: string, userId: string, tokenHash: string, now: Date, expiresAt: Date): Promise<void> {
    await this.retireResetTokens(tenantId, userId, now);
    await this.q.query(
      'INSERT INTO password_reset_token (token_hash, tenant_id, user_id, created_at, expires_at) VALUES ($1, $2, $3::uuid, $4, $5)',
      [tokenHash, tenantId, userId, now, expiresAt],
    );
  }

  /** Marks the token used if it is unused and unexpired; returns its user's id, or undefined. */
  async useResetToken(tenantId: string, tokenHash: string, now: Date): Promise<string | undefined> {
    const res = await this.q.query<{ user_id: string }>(
      `UPDATE password_reset_token SET used_at = $3
       WHERE token_hash = $1 AND tenant_id = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id::text AS user_id`,
      [tokenHash, tenantId, now],
    );
    return res.rows[0]?.user_id;
  }

  /** The kind of account an unused, unexpired reset token belongs to. */
  async resetTokenKind(tenantId: string, tokenHash: string, now: Date): Promise<UserKind | undefined> {
    const res = await this.q.query<{ kind: UserKind }>(
      `SELECT a.kind FROM password_reset_token t JOIN user_account a ON a.tenant_id = t.tenant_id AND a.id = t.user_id
       WHERE t.token_hash = $1 AND t.tenant_id = $2 AND t.used_at IS NULL AND t.expires_at > $3`,
      [tokenHash, tenantId, now],
    );
    return res.rows[0]?.kind;
  }

  private async retireResetTokens(tenantId: string, userId: string, now: Date): Promise<void> {
    await this.q.query('UPDATE password_reset_token SET used_at = $3 WHERE tenant_id = $1 AND user_id = $2::uuid AND used_at IS NULL', [tenantId, userId, now]);
  }
}
