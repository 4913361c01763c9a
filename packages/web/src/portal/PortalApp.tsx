/**
 * The patient portal's app: sign-in as the `continuum-portal` client (PKCE; callback
 * `/portal/callback`), idle logoff like the staff app, the patients the login acts for, and the
 * PortalContext every page reads. The frame and its routes (ours and W2's `portalRoutesB`) sit
 * inside. Which patient is shown is state, not part of the URL: switching keeps the page and
 * reloads its data for the other patient.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Alert, Button, Center, Stack } from '@mantine/core';
import { PORTAL_CLIENT } from '../auth/session.ts';
import { useAppSession } from '../auth/use-session.ts';
import type { FhirClient } from '../fhir/client.ts';
import { FhirContext, useLoad } from '../fhir/use-fhir.ts';
import { IdleWarning } from '../ui/IdleWarning.tsx';
import { Busy, Callback } from '../ui/SignInPages.tsx';
import { PortalContext, type PortalState } from './portal-context.ts';
import { loadPortalPatients } from './portal-patients.ts';
import { PortalFrame } from './PortalFrame.tsx';

function Problem({ title, children, onSignOut }: { title: string; children: ReactNode; onSignOut: () => void }) {
  return (
    <Center h="100vh" p="md">
      <Stack maw={440}>
        <Alert color="red" title={title} role="alert">
          {children}
        </Alert>
        <Button onClick={onSignOut}>Sign out</Button>
      </Stack>
    </Center>
  );
}

/** The signed-in part: loads who the login acts for, then shows the frame with the portal's state. */
function SignedIn({ client, fhirUser, tokenPatient, onSignOut }: { client: FhirClient; fhirUser: string; tokenPatient: string | undefined; onSignOut: () => void }) {
  const { data: patients, error } = useLoad((c, signal) => loadPortalPatients(c, fhirUser, tokenPatient, signal), [fhirUser, tokenPatient]);
  const [chosen, setChosen] = useState<string>();
  const patientId = patients?.some((p) => p.id === chosen) ? chosen : patients?.[0]?.id;
  useEffect(() => {
    // A new patient's pages start at the top, and the page's heading says whose record it is.
    window.scrollTo(0, 0);
  }, [patientId]);
  const state = useMemo<PortalState | undefined>(
    () => (patients && patientId ? { client, fhirUser, patients, patientId, selectPatient: setChosen } : undefined),
    [client, fhirUser, patients, patientId],
  );
  if (error) return <Problem title="Your record could not be opened" onSignOut={onSignOut}>{error.message}</Problem>;
  if (!patients) return <Busy label="Opening your record…" />;
  if (!state) {
    return (
      <Problem title="No record to show" onSignOut={onSignOut}>
        This account is not linked to a patient record right now. Please contact the clinic.
      </Problem>
    );
  }
  return (
    <PortalContext.Provider value={state}>
      <PortalFrame onSignOut={onSignOut} />
    </PortalContext.Provider>
  );
}

export function PortalApp() {
  const { session, setSession, client, onCallback, idle, signOut } = useAppSession(PORTAL_CLIENT);
  if (onCallback) return <Callback signIn={PORTAL_CLIENT} onSession={setSession} />;
  if (!session) return <Busy label="Redirecting to sign-in…" />;
  return (
    <FhirContext.Provider value={client}>
      {idle.plan && <IdleWarning plan={idle.plan} lastActivity={idle.lastActivity} onStay={idle.stay} onSignOut={idle.signOut} reason="For your privacy, you are signed out after a time without activity." />}
      {session.fhirUser && /^(Patient|RelatedPerson)\//.test(session.fhirUser) ? (
        <SignedIn client={client} fhirUser={session.fhirUser} tokenPatient={session.patient} onSignOut={signOut} />
      ) : (
        <Problem title="This is the patient portal" onSignOut={signOut}>
          Your account is not a patient or family-member account. Staff use the Continuum app at <a href="/">{window.location.host}/</a>.
        </Problem>
      )}
    </FhirContext.Provider>
  );
}
