/**
 * The app's frame: sign-in (the callback, and a redirect to the server's login when there is no
 * token), the shared FHIR client, and the routes. Every page has its own URL, so a deep link or
 * a reload lands where it was, after a silent sign-in while the server session lasts.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { beginSignIn, completeSignIn, signOut, type Session } from './auth/session.ts';
import { FhirClient, errorMessage } from './fhir/client.ts';
import { FhirContext } from './fhir/use-fhir.ts';
import { Shell } from './ui/Shell.tsx';
import { IdleWarning, pageIdleSeconds } from './ui/IdleWarning.tsx';
import { idlePlan } from './auth/idle.ts';
import { PatientSearch } from './clinician/PatientSearch.tsx';
import { navFor } from './auth/roles.ts';
import { Chart } from './clinician/Chart.tsx';
import { NewPatient } from './clinician/registration/NewPatient.tsx';
import { Inbox } from './inbox/Inbox.tsx';
import { Tasks } from './tasks/Tasks.tsx';
import { PendingOrders } from './orders/PendingOrders.tsx';
import { ResultReview } from './clinician/results/ResultReview.tsx';
import { IntakeReview } from './intake/IntakeReview.tsx';

function Busy({ label }: { label: string }) {
  return (
    <Center h="100vh">
      <Stack align="center" gap="sm">
        <Loader aria-hidden />
        <Text role="status">{label}</Text>
      </Stack>
    </Center>
  );
}

/** The home page of a role that has no screen here yet (the auditor's reports are in the CLI). */
function NoPages() {
  return (
    <Stack maw={640} gap="xs">
      <Title order={1} size="h3">
        Nothing here for your role yet
      </Title>
      <Text>
        Your account may not open patient records. Audit reports are run with <code>npx continuum audit report</code>.
      </Text>
    </Stack>
  );
}

function Callback({ onSession }: { onSession: (s: Session) => void }) {
  const location = useLocation();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    completeSignIn(location.search).then(
      ({ session, returnTo }) => {
        onSession(session);
        navigate(returnTo, { replace: true });
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [location.search, navigate, onSession]);
  if (!error) return <Busy label="Signing in…" />;
  return (
    <Center h="100vh">
      <Stack maw={420}>
        <Alert color="red" title="Sign-in failed" role="alert">
          {error}
        </Alert>
        <Button onClick={() => void beginSignIn('/')}>Sign in again</Button>
      </Stack>
    </Center>
  );
}

export function App() {
  const location = useLocation();
  const [session, setSession] = useState<Session>();
  const current = useRef<Session>();
  current.current = session;
  // When the user's token last reached the server: the server's idle clock starts there.
  const lastActivity = useRef(Date.now());
  const client = useMemo(
    () =>
      new FhirClient({
        baseUrl: '/fhir',
        token: () => current.current?.accessToken,
        onUnauthorized: () => {
          // The token expired or was revoked (idle time-out): sign in again, then come back here.
          current.current = undefined;
          setSession(undefined);
        },
        onActivity: () => {
          lastActivity.current = Date.now();
        },
      }),
    [],
  );
  const plan = useMemo(() => idlePlan(pageIdleSeconds()), []);
  const getLastActivity = useCallback(() => lastActivity.current, []);
  const stay = useCallback(() => {
    // One request with the user's token resets the server's idle clock (and ours, on its answer).
    const who = current.current?.fhirUser;
    const [type, id] = who?.split('/') ?? [];
    void (type && id ? client.read(type as 'Practitioner', id) : client.search('Patient', { _count: '1' })).catch(() => undefined);
  }, [client]);
  const idleSignOut = useCallback(() => void signOut(current.current), []);
  useEffect(() => {
    if (session) lastActivity.current = Date.now();
  }, [session]);
  const onCallback = location.pathname === '/callback';
  useEffect(() => {
    if (!session && !onCallback) void beginSignIn(`${window.location.pathname}${window.location.search}`);
  }, [session, onCallback]);

  if (onCallback) return <Callback onSession={setSession} />;
  if (!session) return <Busy label="Redirecting to sign-in…" />;
  return (
    <FhirContext.Provider value={client}>
      {plan && <IdleWarning plan={plan} lastActivity={getLastActivity} onStay={stay} onSignOut={idleSignOut} />}
      <Shell session={session} onSignOut={() => void signOut(session)}>
        <Routes>
          <Route path="/" element={navFor(session.roles).some((i) => i.to === '/') ? <PatientSearch /> : <NoPages />} />
          <Route path="/patients/new" element={<NewPatient />} />
          <Route path="/patients/:id" element={<Navigate to="summary" replace />} />
          <Route path="/patients/:id/:tab" element={<Chart />} />
          <Route path="/patients/:id/:tab/:sub" element={<Chart />} />
          <Route path="/inbox" element={<Inbox />} />
          <Route path="/tasks" element={<Tasks />} />
          <Route path="/orders" element={<PendingOrders />} />
          <Route path="/results/:id" element={<ResultReview />} />
          <Route path="/intake/:id" element={<IntakeReview />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Shell>
    </FhirContext.Provider>
  );
}
