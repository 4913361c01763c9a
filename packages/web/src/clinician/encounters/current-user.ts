/**
 * Who is signed in, for the screens that record it: the author of a note, the performer of
 * vitals, the participant of an encounter. The App provides the FHIR user reference
 * (`Practitioner/id`); screens read it, and its display name once loaded.
 */
import { createContext, useContext } from 'react';
import type { Practitioner, Reference } from '@medplum/fhirtypes';
import { humanName } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';

export const CurrentUserContext = createContext<string | undefined>(undefined);

/** The signed-in practitioner as a Reference with their name, or undefined for a non-practitioner. */
export function useCurrentPractitioner(): { reference: Reference<Practitioner> | undefined; loading: boolean } {
  const fhirUser = useContext(CurrentUserContext);
  const { data, loading } = useLoad(async (client, signal) => {
    if (!fhirUser?.startsWith('Practitioner/')) return undefined;
    const p = await client.read('Practitioner', fhirUser.slice('Practitioner/'.length), signal);
    return { reference: fhirUser, display: humanName(p.name) } satisfies Reference<Practitioner>;
  }, [fhirUser]);
  return { reference: data, loading };
}
