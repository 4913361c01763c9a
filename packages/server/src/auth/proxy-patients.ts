/**
 * The patients a proxy user acts for. A proxy account names one RelatedPerson (its `fhirUser`),
 * and a RelatedPerson relates one person to one patient. A parent of two children, or a
 * caregiver of several adults, therefore has one RelatedPerson per patient, and a Person resource
 * linking them (`Person.link.target`: FHIR's way of saying these records are one human). The
 * proxy acts for the patient of its own RelatedPerson and of every RelatedPerson that a Person
 * linking it also links.
 *
 * Revocation is by the same resources: a RelatedPerson that is inactive, or whose period has not
 * begun or has ended, gives nothing (its own included); an inactive Person links nothing. Only
 * staff write RelatedPerson and Person (access/policy.ts), so a proxy cannot link itself to
 * someone else's child; an adult patient grants and revokes their own proxies through the portal's
 * operations (portal/accounts/grant-proxy.ts, revoke-proxy.ts), whose revocation reaches signed-in
 * proxies at once.
 * Other changes reach a signed-in proxy within the bearer cache's lifetime.
 */
import type { Person, RelatedPerson } from '@medplum/fhirtypes';
import type { Repository } from '../store/repository.ts';

/** More Person records than this linking one RelatedPerson is not a family: the rest are ignored. */
const MAX_PERSONS = 20;
const RELATED_PERSON = /^RelatedPerson\/([A-Za-z0-9\-.]{1,64})$/;
const PATIENT = /^Patient\/([A-Za-z0-9\-.]{1,64})$/;

const DAY_MS = 24 * 60 * 60_000;

/**
 * Whether a RelatedPerson is in force at `now`. A period end given as a date only (`2027-03-31`)
 * includes that whole day (UTC), as FHIR reads a date at its precision.
 */
export function inForce(rp: RelatedPerson, now: Date): boolean {
  if (rp.active === false) return false;
  const start = rp.period?.start ? Date.parse(rp.period.start) : undefined;
  const endText = rp.period?.end;
  const end = endText ? Date.parse(endText) + (/^\d{4}-\d{2}-\d{2}$/.test(endText) ? DAY_MS : 0) : undefined;
  if (start !== undefined && !(start <= now.getTime())) return false;
  return end === undefined || end > now.getTime();
}

/** The ids of the Patients the proxy whose account names `RelatedPerson/{relatedPerson}` acts for. */
export async function proxyPatients(repo: Repository, relatedPerson: string, now: Date = new Date()): Promise<string[]> {
  if (!RELATED_PERSON.test(`RelatedPerson/${relatedPerson}`)) return [];
  const ids = [relatedPerson];
  const persons = await repo.search(repo.parseCriteria('Person', `link=${encodeURIComponent(`RelatedPerson/${relatedPerson}`)}`), { count: MAX_PERSONS });
  for (const match of persons.matches) {
    const person = JSON.parse(match.content) as Person;
    if (person.active === false) continue;
    for (const link of person.link ?? []) {
      const id = RELATED_PERSON.exec(link.target.reference ?? '')?.[1];
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
  }
  const stored = await repo.currentVersions(ids.map((id) => ({ resourceType: 'RelatedPerson', id })));
  const current = (id: string): RelatedPerson | undefined => {
    const v = stored.get(`RelatedPerson/${id}`);
    return v && !v.deleted && v.content ? (JSON.parse(v.content) as RelatedPerson) : undefined;
  };
  // The account's own RelatedPerson must be in force for any of the links to count.
  const own = current(relatedPerson);
  if (!own || !inForce(own, now)) return [];
  const patients: string[] = [];
  for (const id of ids) {
    const rp = current(id);
    if (!rp) continue;
    const patient = PATIENT.exec(rp.patient.reference ?? '')?.[1];
    if (patient !== undefined && inForce(rp, now) && !patients.includes(patient)) patients.push(patient);
  }
  return patients;
}
