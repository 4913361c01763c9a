/**
 * The account model: kinds of user, staff roles, the public view of an account (never a hash or
 * a secret), and the one error the identity module throws for a broken rule. What a role may do
 * with FHIR data is not decided here; that comes with API authorisation.
 */

export const USER_KINDS = ['staff', 'patient', 'proxy'] as const;
export type UserKind = (typeof USER_KINDS)[number];

export const ROLES = ['admin', 'physician', 'nurse', 'front-desk', 'biller', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const isUserKind = (s: string): s is UserKind => (USER_KINDS as readonly string[]).includes(s);
export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/** ASCII only, so that case folding is the same in every database collation. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/** The FHIR resource types an account of each kind may be linked to. */
export const FHIR_USER_TYPES: Record<UserKind, readonly string[]> = {
  staff: ['Practitioner', 'PractitionerRole'],
  patient: ['Patient'],
  proxy: ['RelatedPerson'],
};

export const REFERENCE_PATTERN = /^([A-Za-z]+)\/([A-Za-z0-9.-]{1,64})$/;

/** An account as the rest of the server sees it: no password hash, TOTP secret or codes. */
export interface UserAccount {
  id: string;
  tenantId: string;
  username: string;
  kind: UserKind;
  roles: Role[];
  fhirUser: string;
  organization: string | null;
  /** Where password-reset links (and later invitations) are mailed; none when null. */
  email: string | null;
  disabled: boolean;
  mfaRequired: boolean;
  mfaEnabled: boolean;
  recoveryCodesLeft: number;
  failedAttempts: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  passwordChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type AccountErrorCode =
  | 'invalid'
  | 'duplicate-username'
  | 'not-found'
  | 'weak-password'
  | 'unknown-link'
  | 'mfa-state'
  | 'invalid-token'
  | 'already-active';

/** A request that breaks an account rule; `reasons` lists every problem found, for the user. */
export class AccountError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    readonly reasons: readonly string[] = [],
  ) {
    super(reasons.length > 0 ? `${message}: ${reasons.join('; ')}` : message);
    this.name = 'AccountError';
  }
}

/** Time, passed in so that expiry and lockout can be tested without waiting. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** NOTIFY channel: an account changed (roles, rights, disabled, MFA...); the payload is its id. */
export const ACCOUNT_CHANNEL = 'continuum_account_changed';
