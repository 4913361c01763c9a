/**
 * Who is signed in, for the screens that record it: the author of a note, the performer of
 * vitals, the participant of an encounter: the FHIR user reference (`auth/me.ts`) with the
 * practitioner's display name once loaded.
 */
import type { Practitioner, Reference } from '@medplum/fhirtypes';
import { humanName } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { useMe } from '../../auth/me.ts';

/** The signed-in practitioner as a Reference with their name, or undefined for a non-practitioner. */
export function useCurrentPractitioner(): { reference: Reference<Practitioner> | undefined; loading: boolean } {
  const fhirUser = useMe();
  const { data, loading } = useLoad(async (client, signal) => {
    if (!fhirUser?.startsWith('Practitioner/')) return undefined;
    const p = await client.read('Practitioner', fhirUser.slice('Practitioner/'.length), signal);
    return { reference: fhirUser, display: humanName(p.name) } satisfies Reference<Practitioner>;
  }, [fhirUser]);
  return { reference: data, loading };
}
