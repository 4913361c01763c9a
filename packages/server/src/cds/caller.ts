/**
 * Who may call the CDS services and the CDS client: deny by default. A clinician (staff with the
 * physician or nurse role) or a system client holding a `system/` scope that reads Patient.
 * Everyone else (front desk, biller, auditor, admin without a clinical role, patients, proxies)
 * is refused with a 403. Pure; authentication (the 401) happens before, in the HTTP edge.
 */
import { forbidden } from '@continuum/fhir';
import { covers, usableRules, type Principal } from '../access/policy.ts';

const CLINICAL_ROLES = new Set(['physician', 'nurse']);

export function assertCdsCaller(p: Principal): void {
  if (p.kind === 'staff' && p.roles.some((r) => CLINICAL_ROLES.has(r))) return;
  if (p.kind === 'system' && usableRules(p).some((rule) => covers(rule, 'Patient', 'r'))) return;
  throw forbidden('Decision support is for clinicians (physician or nurse) and system clients with read access');
}
