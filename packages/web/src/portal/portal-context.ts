/**
 * What every portal page gets from the portal's frame (PortalApp): the FHIR client carrying the
 * patient's (or proxy's) token, who is signed in, and the patient whose record is shown. A proxy
 * (a parent, a caregiver) acts for several patients and switches between them; every page reads
 * `patientId` from here and never from the URL alone, so a page cannot show a patient the token
 * does not act for (the server refuses it anyway).
 */
import { createContext, useContext, type ReactElement } from 'react';
import type { FhirClient } from '../fhir/client.ts';
import type { PortalPatient } from './portal-patients.ts';

export type { PortalPatient };

export interface PortalState {
  client: FhirClient;
  /** `Patient/<id>` for a patient user, `RelatedPerson/<id>` for a proxy. */
  fhirUser: string;
  /** The patients this login acts for (one for a patient user). */
  patients: readonly PortalPatient[];
  /** The patient whose record the pages show now. */
  patientId: string;
  selectPatient: (id: string) => void;
}

export const PortalContext = createContext<PortalState | undefined>(undefined);

export function usePortal(): PortalState {
  const state = useContext(PortalContext);
  if (!state) throw new Error('usePortal() outside the portal frame');
  return state;
}

/** One page of the portal: its path below `/portal`, its menu label, and where the menu shows it. */
export interface PortalRoute {
  /** Below `/portal`, without the leading slash, e.g. `appointments` or `messages/:threadId`. */
  path: string;
  label: string;
  /** `primary`: in the bottom bar (phone) and side menu; `more`: in the side menu only; `hidden`: not in menus. */
  nav: 'primary' | 'more' | 'hidden';
  element: ReactElement;
}
