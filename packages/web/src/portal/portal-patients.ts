/**
 * The patients a portal login acts for, and how the portal names them. A patient user acts for
 * themself; a proxy (a parent, a caregiver) for every patient the server's compartment lets it
 * read (`GET Patient?_count=50`), each related to it by a RelatedPerson whose relationship code
 * (v3 RoleCode: the proxy's role, e.g. PRN "parent") becomes "Parent" in the menu and "your
 * child" in the header. The relationship logic is pure; `loadPortalPatients` does the reads.
 */
import type { CodeableConcept, Patient, RelatedPerson } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';
import { humanName } from '../fhir/format.ts';

/** One patient a login acts for (PortalContext re-exports it; declared here so this module stays free of React). */
export interface PortalPatient {
  id: string;
  /** The patient's display name, e.g. "Maria Lopez". */
  name: string;
  /** Self for a patient user; "Parent", "Caregiver"... for a proxy. */
  relationship: string;
}

/** The proxy's role, by v3 RoleCode, and what the patient is to the proxy. */
const ROLES: Record<string, { role: string; patientIs: string }> = {
  PRN: { role: 'Parent', patientIs: 'your child' },
  MTH: { role: 'Parent', patientIs: 'your child' },
  FTH: { role: 'Parent', patientIs: 'your child' },
  NPRN: { role: 'Parent', patientIs: 'your child' },
  STPPRN: { role: 'Step-parent', patientIs: 'your stepchild' },
  GRPRN: { role: 'Grandparent', patientIs: 'your grandchild' },
  GUARD: { role: 'Guardian', patientIs: 'in your care' },
  SPS: { role: 'Spouse', patientIs: 'your spouse' },
  HUSB: { role: 'Spouse', patientIs: 'your spouse' },
  WIFE: { role: 'Spouse', patientIs: 'your spouse' },
  CHILD: { role: 'Child', patientIs: 'your parent' },
  SON: { role: 'Child', patientIs: 'your parent' },
  DAU: { role: 'Child', patientIs: 'your parent' },
};

export const SELF = 'Self';

/** The proxy's role ("Parent", "Caregiver") from a RelatedPerson's relationship. */
export function proxyRole(relationship: readonly CodeableConcept[] | undefined): string {
  for (const concept of relationship ?? []) {
    for (const coding of concept.coding ?? []) {
      const known = coding.code ? ROLES[coding.code] : undefined;
      if (known) return known.role;
    }
  }
  return 'Caregiver';
}

/** How the header describes the patient shown: "you", "your child", "in your care". */
export function patientDescription(relationship: string): string {
  if (relationship === SELF) return 'you';
  return Object.values(ROLES).find((r) => r.role === relationship)?.patientIs ?? 'in your care';
}

/** The patient's first name for greetings, else the whole name. */
export function firstName(name: string): string {
  return name.split(' ')[0] ?? name;
}

/**
 * The patients `fhirUser` acts for: a patient user's own record, or a proxy's, with the token's
 * `patient` first (the server's launch context: the one the proxy was acting for last).
 */
export async function loadPortalPatients(client: FhirClient, fhirUser: string, tokenPatient: string | undefined, signal?: AbortSignal): Promise<PortalPatient[]> {
  const [type, id] = fhirUser.split('/');
  if (type === 'Patient' && id) {
    const patient = await client.read('Patient', id, signal);
    return [{ id, name: humanName(patient.name), relationship: SELF }];
  }
  const [patients, related] = await Promise.all([
    client.searchResources('Patient', { _count: '50' }, signal),
    // A proxy reads its own RelatedPerson records (the server decides which it may see).
    client.searchResources('RelatedPerson', { _count: '50' }, signal).catch((): RelatedPerson[] => []),
  ]);
  const roleOf = (p: Patient): string => proxyRole(related.find((r) => r.patient.reference === `Patient/${p.id}`)?.relationship);
  const list = patients.filter((p): p is Patient & { id: string } => Boolean(p.id)).map((p) => ({ id: p.id, name: humanName(p.name), relationship: roleOf(p) }));
  return list.sort((a, b) => Number(b.id === tokenPatient) - Number(a.id === tokenPatient) || a.name.localeCompare(b.name));
}
