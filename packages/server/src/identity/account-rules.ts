/**
 * The shape rules for an account, checked before anything is stored so that the user hears every
 * problem at once in words (the schema's CHECKs hold the same rules as a last line). Pure.
 */
import { FHIR_USER_TYPES, isRole, REFERENCE_PATTERN, USERNAME_PATTERN, type Role, type UserKind } from './types.ts';

export interface AccountShape {
  username: string;
  kind: UserKind;
  roles: readonly string[];
  fhirUser: string;
  organization?: string | null;
  email?: string | null;
}

/** Roles in lower case, without blanks or duplicates, sorted so that output is stable. */
export function normaliseRoles(roles: readonly string[]): string[] {
  return [...new Set(roles.map((r) => r.trim().toLowerCase()).filter((r) => r.length > 0))].sort();
}

export function roleProblems(kind: UserKind, roles: readonly string[]): string[] {
  const reasons: string[] = [];
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0) reasons.push(`unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `'${r}'`).join(', ')} (roles: admin, physician, nurse, front-desk, biller, auditor)`);
  if (kind !== 'staff' && roles.length > 0) reasons.push(`only staff accounts have roles; this is a ${kind} account`);
  return reasons;
}

/** A dot-atom local part and a host name (ASCII; IDN as punycode): what a mail relay accepts. */
const EMAIL_PATTERN = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function emailProblems(email: string): string[] {
  if (email.length > 254 || email.split('@')[0]!.length > 64 || !EMAIL_PATTERN.test(email)) return [`'${email.slice(0, 300)}' is not an email address (name@host, at most 254 characters)`];
  return [];
}

export function accountProblems(a: AccountShape): string[] {
  const reasons: string[] = [];
  if (!USERNAME_PATTERN.test(a.username)) {
    reasons.push("the username must be 1-128 characters: letters, digits and . _ @ + - (starting with a letter or digit)");
  }
  reasons.push(...roleProblems(a.kind, a.roles));
  if (a.email) reasons.push(...emailProblems(a.email));
  const allowed = FHIR_USER_TYPES[a.kind];
  const ref = REFERENCE_PATTERN.exec(a.fhirUser);
  if (!ref || !allowed.includes(ref[1]!)) {
    reasons.push(`a ${a.kind} account is linked to ${allowed.join(' or ')} (as ${allowed[0]}/<id>), got '${a.fhirUser}'`);
  }
  const org = a.organization ?? null;
  if (a.kind === 'staff') {
    const m = org === null ? null : REFERENCE_PATTERN.exec(org);
    if (!m || m[1] !== 'Organization') reasons.push(`a staff account belongs to an Organization (as Organization/<id>)${org === null ? '' : `, got '${org}'`}`);
  } else if (org !== null) {
    reasons.push(`only staff accounts belong to an Organization; this is a ${a.kind} account`);
  }
  return reasons;
}

/** Admins must use MFA; anyone else only when it was asked for. */
export function mfaRequiredFor(roles: readonly Role[], requested: boolean): boolean {
  return requested || roles.includes('admin');
}
