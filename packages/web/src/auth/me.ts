/**
 * Who is signed in, as the FHIR reference of their user resource (e.g. `Practitioner/abc`, from
 * the id_token's fhirUser claim). Screens that act as "me" (ordering, the results inbox, my
 * tasks) read it from here; the app provides it once around the routes.
 */
import { createContext, useContext } from 'react';

export const MeContext = createContext<string | undefined>(undefined);

/** The signed-in user's FHIR reference, or undefined for a user without one. */
export function useMe(): string | undefined {
  return useContext(MeContext);
}
