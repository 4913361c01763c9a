/**
 * The password policy: at least 12 characters and at most 256 (argon2 hashes whatever it is
 * given, so the bound keeps a login's cost fixed), not containing the username, not a well-known
 * password, and not a single character or two repeated. Every failed rule is reported, in words
 * meant for the person choosing the password.
 */
import { isCommonPassword } from './common-passwords.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** Returns the reasons the password is refused; empty when it is acceptable. */
export function passwordProblems(password: string, username: string): string[] {
  const reasons: string[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) reasons.push(`it must be at least ${MIN_PASSWORD_LENGTH} characters long (it has ${length})`);
  if (length > MAX_PASSWORD_LENGTH) reasons.push(`it must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  const lower = password.toLowerCase();
  const name = username.toLowerCase();
  if (name.length >= 3 && lower.includes(name)) reasons.push('it must not contain the username');
  else {
    const local = name.split('@')[0]!;
    if (local.length >= 3 && lower.includes(local)) reasons.push('it must not contain the username');
  }
  if (isCommonPassword(password)) reasons.push('it is one of the most common passwords');
  else if (new Set(password).size <= 2 && length > 0) reasons.push('it must use more than two different characters');
  return reasons;
}
