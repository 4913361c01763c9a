/**
 * What every page of this part shares: the portal's FHIR client offered as the app's
 * FhirContext (so the app's `useLoad` works unchanged with the patient's token), a page with one
 * h1 (page-parts' PageTitle, as on every portal page), and the loading and error states in the
 * portal's words. PortalApp's frame (menu, patient
 * switcher, sign-out) is around it.
 */
import type { ReactNode } from 'react';
import { Alert, Center, Loader, Stack } from '@mantine/core';
import { FhirContext, type Loaded } from '../../fhir/use-fhir.ts';
import { PageTitle } from '../page-parts.tsx';
import { usePortal } from '../portal-context.ts';
import './portal-b.css';

/** Gives the page below it the portal's FHIR client. */
export function WithPortalClient({ children }: { children: ReactNode }) {
  const { client } = usePortal();
  return <FhirContext.Provider value={client}>{children}</FhirContext.Provider>;
}

export function PortalPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="md" className="pb-page">
      <PageTitle title={title} />
      {children}
    </Stack>
  );
}

/** Shows a spinner while `state` loads, an alert when it failed, else `children(data)`. */
export function LoadedView<T>({ state, what, children }: { state: Loaded<T>; what: string; children: (data: T) => ReactNode }) {
  if (state.error) {
    return (
      <Alert color="red" title={`We could not load ${what}`}>
        {state.error.message}
      </Alert>
    );
  }
  if (state.data === undefined) {
    return (
      <Center py="lg">
        <Loader role="progressbar" aria-label={`Loading ${what}`} />
      </Center>
    );
  }
  return <>{children(state.data)}</>;
}
