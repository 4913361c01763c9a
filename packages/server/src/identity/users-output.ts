/**
 * How the users CLI shows accounts: a one-line description, and the `list` table (username, kind,
 * roles, links, MFA and status). Only what an administrator needs to manage the account: never
 * a hash, a secret or a recovery code.
 */
import { isLocked } from './lockout.ts';
import type { UserAccount } from './types.ts';

export function describe(a: UserAccount): string {
  const roles = a.kind === 'staff' ? ` with roles ${a.roles.length > 0 ? a.roles.join(', ') : '(none)'}` : '';
  const links = [a.fhirUser, ...(a.organization ? [a.organization] : [])].join(', ');
  return `${a.kind} user ${a.username}${roles}, linked to ${links}`;
}

function mfa(a: UserAccount): string {
  if (a.mfaEnabled) return `on (${a.recoveryCodesLeft} recovery codes left)`;
  return a.mfaRequired ? 'required, not enrolled' : 'off';
}

function status(a: UserAccount, now: Date): string {
  if (a.disabled) return 'disabled';
  if (isLocked(a.lockedUntil, now)) return `locked until ${a.lockedUntil!.toISOString()}`;
  return 'active';
}

export function formatAccounts(accounts: readonly UserAccount[], now: Date): string {
  if (accounts.length === 0) return 'no users\n';
  const header = ['USERNAME', 'KIND', 'ROLES', 'FHIR USER', 'ORGANIZATION', 'MFA', 'STATUS'];
  const rows = accounts.map((a) => [a.username, a.kind, a.roles.join(',') || '-', a.fhirUser, a.organization ?? '-', mfa(a), status(a, now)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
