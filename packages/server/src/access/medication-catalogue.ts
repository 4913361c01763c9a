/**
 * Who may search the medication catalogue (`MedicationKnowledge/$catalogue`). The catalogue holds
 * no patient data, but it serves prescribing: a caller needs a token whose scopes read
 * MedicationKnowledge and, for a person, a role that orders or gives medications (physicians,
 * nurses) or administers the system (admins). Auditors, front desk, billers, patients and proxies
 * are refused. Pure: no I/O.
 */
import { forbidden } from '@continuum/fhir';
import type { Role } from '../identity/types.ts';
import { covers, usableRules, type Principal } from './policy.ts';

const CATALOGUE_ROLES: ReadonlySet<Role> = new Set<Role>(['physician', 'nurse', 'admin']);

export function mayUseMedicationCatalogue(p: Principal): boolean {
  if (!usableRules(p).some((rule) => covers(rule, 'MedicationKnowledge', 'r'))) return false;
  if (p.kind === 'system') return true;
  return p.kind === 'staff' && p.roles.some((r) => CATALOGUE_ROLES.has(r));
}

/** Throws 403 unless the caller may search the catalogue; no caller means authorization is off. */
export function checkMedicationCatalogueAccess(p: Principal | undefined): void {
  if (p && !mayUseMedicationCatalogue(p)) throw forbidden('Your access does not allow medication catalogue searches (MedicationKnowledge)');
}
