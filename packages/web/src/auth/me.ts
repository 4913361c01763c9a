/**
 * Who is signed in, as the FHIR reference of their user resource (e.g. `Practitioner/abc`, from
 * the id_token's fhirUser claim). Screens that act as "me" (ordering, the results inbox, my
 * tasks) read it from here, and screens that record who acted (the author of a note, the
 * performer of vitals) read the practitioner's name. The shell reads the Practitioner once and
 * provides both around the routes.
 */
import { createContext, useContext } from 'react';
import type { Practitioner, Reference } from '@medplum/fhirtypes';

export interface Me {
  /** e.g. `Practitioner/abc`; undefined for a user without a FHIR user. */
  ref: string | undefined;
  /** The signed-in practitioner with their name, once read (the shell reads it once). */
  practitioner: Reference<Practitioner> | undefined;
  loading: boolean;
}

export const MeContext = createContext<Me>({ ref: undefined, practitioner: undefined, loading: false });

/** The signed-in user's FHIR reference, or undefined for a user without one. */
export function useMe(): string | undefined {
  return useContext(MeContext).ref;
}

/** The signed-in practitioner as a Reference with their name, or undefined for a non-practitioner. */
export function useCurrentPractitioner(): { reference: Reference<Practitioner> | undefined; loading: boolean } {
  const { practitioner, loading } = useContext(MeContext);
  return { reference: practitioner, loading };
}
