/**
 * What the caregiver-access operations share (`$grant-proxy`, `$proxies`, `$revoke-proxy`: an
 * adult patient's own control over who may act for them in the portal, issue 8's "a caregiver
 * that an adult patient has granted access to"): who may call them, and how a proxy is named.
 *
 * Only the patient themselves (a `patient` login on its own record) may call them; granting and
 * revoking also need an adult (18 or older by birthDate). Proxies may not grant further: the
 * access is the patient's to give. Staff keep their own path (`$portal-invite` of a
 * RelatedPerson they record). The guard has already answered 404 for a record the caller cannot
 * see; a patient naming another patient's id gets the same.
 */
import type { Patient, RelatedPerson } from '@medplum/fhirtypes';
import { forbidden, notFound } from '@continuum/fhir';
import type { ApiContext } from '../../api/types.ts';
import { ageInYears } from '../../medications/dose.ts';

const ADULT_AGE = 18;

/** The caller must be the patient `patientId` signed in as themselves (and an adult, when `adult`); answers the Patient. */
export async function ownRecord(ctx: ApiContext, patientId: string, operation: string, adult: boolean): Promise<Patient> {
  const p = ctx.principal;
  if (!p || p.kind !== 'patient') throw forbidden(`${operation} is for the patient themselves: proxies and staff may not use it`);
  if (p.fhirUser !== `Patient/${patientId}`) throw notFound(`Patient/${patientId} is not known`);
  const patient = (await ctx.repo.read('Patient', patientId)) as Patient;
  if (adult) {
    const age = ageInYears(patient, new Date());
    if (age === undefined || age < ADULT_AGE) throw forbidden(`${operation}: only an adult patient (${ADULT_AGE} or older by the birth date on record) may decide who can see their record; ask the clinic`);
  }
  return patient;
}

/** A RelatedPerson's name as the patient wrote it (or its parts). */
export function displayName(rp: RelatedPerson): string {
  const n = rp.name?.[0];
  return n?.text ?? ([...(n?.given ?? []), n?.family].filter(Boolean).join(' ') || 'Unnamed person');
}
