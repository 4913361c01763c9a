/**
 * The account service: the rules for creating and administering accounts (what the CLI and,
 * later, the admin screens call). It checks shapes and the password policy before storing,
 * keeps admins MFA-required, and returns accounts without their secrets. Logging in is in
 * login.ts, MFA enrolment in mfa.ts, reset links in password-reset.ts.
 */
import type { Queryable } from '../db/database.ts';
import { accountProblems, emailProblems, mfaRequiredFor, normaliseRoles, roleProblems } from './account-rules.ts';
import { passwordProblems } from './password-policy.ts';
import { hashPassword } from './passwords.ts';
import { AccountError, systemClock, type Clock, type Role, type UserAccount, type UserKind } from './types.ts';
import { publicView, UsersRepository, type AccountRecord } from './users-repository.ts';
import { rightCodes } from '../access/sensitivity.ts';

export interface NewAccountInput {
  tenantId: string;
  username: string;
  kind: UserKind;
  roles?: readonly string[];
  fhirUser: string;
  organization?: string | null;
  /** Where reset links are mailed. */
  email?: string | null;
  password: string;
  /** Ask for MFA although no admin role makes it required. */
  mfaRequired?: boolean;
}

export async function requireAccount(repo: UsersRepository, tenantId: string, username: string): Promise<AccountRecord> {
  const found = await repo.byUsername(tenantId, username);
  if (!found) throw new AccountError('not-found', `no user '${username}' in tenant '${tenantId}'`);
  return found;
}

export function checkPassword(password: string, username: string): void {
  const reasons = passwordProblems(password, username);
  if (reasons.length > 0) throw new AccountError('weak-password', 'the password is refused', reasons);
}

export class AccountService {
  private readonly repo: UsersRepository;

  constructor(q: Queryable, private readonly clock: Clock = systemClock) {
    this.repo = new UsersRepository(q);
  }

  async create(input: NewAccountInput): Promise<UserAccount> {
    const roles = normaliseRoles(input.roles ?? []);
    const organization = input.organization ?? null;
    const email = input.email?.trim() || null;
    const shape = accountProblems({ ...input, roles, organization, email });
    const password = passwordProblems(input.password, input.username).map((r) => `password: ${r}`);
    if (shape.length > 0 || password.length > 0) {
      throw new AccountError(shape.length > 0 ? 'invalid' : 'weak-password', 'the account is refused', [...shape, ...password]);
    }
    const valid = roles as Role[];
    const record = await this.repo.insert(
      {
        tenantId: input.tenantId,
        username: input.username,
        kind: input.kind,
        roles: valid,
        fhirUser: input.fhirUser,
        organization,
        email,
        passwordHash: await hashPassword(input.password),
        mfaRequired: mfaRequiredFor(valid, input.mfaRequired ?? false),
      },
      this.clock(),
    );
    return publicView(record);
  }

  async list(tenantId: string, kind?: UserKind): Promise<UserAccount[]> {
    return (await this.repo.list(tenantId, kind)).map(publicView);
  }

  async get(tenantId: string, username: string): Promise<UserAccount> {
    return publicView(await requireAccount(this.repo, tenantId, username));
  }

  /** A disabled account cannot log in, whatever its password; nothing else about it changes. */
  async disable(tenantId: string, username: string): Promise<UserAccount> {
    const a = await requireAccount(this.repo, tenantId, username);
    await this.repo.setDisabled(tenantId, a.id, true, this.clock());
    return this.get(tenantId, username);
  }

  /** Re-enables the account and clears any lockout. */
  async enable(tenantId: string, username: string): Promise<UserAccount> {
    const a = await requireAccount(this.repo, tenantId, username);
    await this.repo.setDisabled(tenantId, a.id, false, this.clock());
    return this.get(tenantId, username);
  }

  /** Replaces the roles. Giving the admin role makes MFA required (and it stays so afterwards). */
  async setRoles(tenantId: string, username: string, roles: readonly string[]): Promise<UserAccount> {
    const a = await requireAccount(this.repo, tenantId, username);
    const wanted = normaliseRoles(roles);
    const reasons = roleProblems(a.kind, wanted);
    if (reasons.length > 0) throw new AccountError('invalid', 'the roles are refused', reasons);
    const valid = wanted as Role[];
    await this.repo.setRoles(tenantId, a.id, valid, mfaRequiredFor(valid, a.mfaRequired), this.clock());
    return this.get(tenantId, username);
  }

  /** The sensitivity labels (meta.security codes) a staff user may see, e.g. `R`, `PSY`, `SUD`. */
  async securityRights(tenantId: string, username: string): Promise<string[]> {
    const a = await requireAccount(this.repo, tenantId, username);
    return a.securityRights;
  }

  /**
   * Sets the labels a staff user may see. Only staff hold rights (a patient's own record is never
   * hidden from them by a label, except psychotherapy notes); codes must be restricted labels.
   */
  async setSecurityRights(tenantId: string, username: string, rights: readonly string[]): Promise<string[]> {
    const a = await requireAccount(this.repo, tenantId, username);
    const known = new Set(rightCodes());
    const wanted = [...new Set(rights.map((r) => r.trim()))].filter((r) => r !== '').sort();
    const unknown = wanted.filter((r) => !known.has(r));
    if (unknown.length > 0) throw new AccountError('invalid', `unknown security label${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
    if (a.kind !== 'staff' && wanted.length > 0) throw new AccountError('invalid', `only staff accounts hold security rights ('${username}' is ${a.kind})`);
    await this.repo.setSecurityRights(tenantId, a.id, wanted, this.clock());
    return wanted;
  }

  /** Makes MFA required or optional; it cannot be made optional for an admin. */
  async setMfaRequired(tenantId: string, username: string, required: boolean): Promise<UserAccount> {
    const a = await requireAccount(this.repo, tenantId, username);
    if (!required && a.roles.includes('admin')) throw new AccountError('mfa-state', `MFA is always required for admins ('${username}' is one)`);
    await this.repo.setRoles(tenantId, a.id, a.roles, required, this.clock());
    return this.get(tenantId, username);
  }

  /** Sets the address reset links are mailed to, or removes it (null). */
  async setEmail(tenantId: string, username: string, email: string | null): Promise<UserAccount> {
    const a = await requireAccount(this.repo, tenantId, username);
    const value = email?.trim() || null;
    if (value !== null) {
      const reasons = emailProblems(value);
      if (reasons.length > 0) throw new AccountError('invalid', 'the email address is refused', reasons);
    }
    await this.repo.setEmail(tenantId, a.id, value, this.clock());
    return this.get(tenantId, username);
  }

  /** Turns MFA off and forgets the secret and codes (an admin's reset for a lost device); still required if it was. */
  async resetMfa(tenantId: string, username: string): Promise<UserAccount> {
    const a = await requireAccount(this.repo, tenantId, username);
    await this.repo.resetMfa(tenantId, a.id, this.clock());
    return this.get(tenantId, username);
  }

  /** Sets a new password (policy-checked); clears the lockout and retires reset links. */
  async setPassword(tenantId: string, username: string, password: string): Promise<UserAccount> {
    const a = await requireAccount(this.repo, tenantId, username);
    checkPassword(password, a.username);
    await this.repo.setPassword(tenantId, a.id, await hashPassword(password), this.clock());
    return this.get(tenantId, username);
  }
}
