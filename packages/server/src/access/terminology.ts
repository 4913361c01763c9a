/**
 * Who may use the terminology operations (`ValueSet/$expand`, `CodeSystem/$lookup`). Code lists
 * hold no patient data, but they are licensed content served to the clinic's own users, so a
 * caller needs a token whose scopes read the type (ValueSet or CodeSystem) and, for a person,
 * a staff role that codes or registers: clinicians, front desk, billers and admins. Auditors,
 * patients and proxies have no use for them. Pure: no I/O.
 */
import { forbidden } from '@continuum/fhir';
import type { Role } from '../identity/types.ts';
import { covers, usableRules, type Principal } from './policy.ts';

const TERMINOLOGY_ROLES: ReadonlySet<Role> = new Set<Role>(['physician', 'nurse', 'front-desk', 'biller', 'admin']);

export function mayUseTerminology(p: Principal, type: 'ValueSet' | 'CodeSystem'): boolean {
  if (!usableRules(p).some((rule) => covers(rule, type, 'r'))) return false;
  if (p.kind === 'system') return true;
  return p.kind === 'staff' && p.roles.some((r) => TERMINOLOGY_ROLES.has(r));
}

/** Throws 403 unless the caller may use terminology; no caller means authorization is off. */
export function checkTerminologyAccess(p: Principal | undefined, type: 'ValueSet' | 'CodeSystem'): void {
  if (p && !mayUseTerminology(p, type)) throw forbidden(`Your access does not allow terminology look-ups (${type})`);
}
