/**
 * The app's frame: sign-in (the callback, and a redirect to the server's login when there is no
 * token), the shared FHIR client, and the routes. Every page has its own URL, so a deep link or
 * a reload lands where it was, after a silent sign-in while the server session lasts.
 */
import { Navigate, Route, Routes } from 'react-router-dom';
import { Stack, Text, Title } from '@mantine/core';
import { STAFF_CLIENT } from './auth/session.ts';
import { useAppSession } from './auth/use-session.ts';
import { FhirContext } from './fhir/use-fhir.ts';
import { Shell } from './ui/Shell.tsx';
import { IdleWarning } from './ui/IdleWarning.tsx';
import { Busy, Callback } from './ui/SignInPages.tsx';
import { PatientSearch } from './clinician/PatientSearch.tsx';
import { navFor } from './auth/roles.ts';
import { Chart } from './clinician/Chart.tsx';
import { NewPatient } from './clinician/registration/NewPatient.tsx';
import { Inbox } from './inbox/Inbox.tsx';
import { Tasks } from './tasks/Tasks.tsx';
import { PendingOrders } from './orders/PendingOrders.tsx';
import { ResultReview } from './clinician/results/ResultReview.tsx';
import { IntakeReview } from './intake/IntakeReview.tsx';
import { ReferralsPage } from './exchange/referrals/ReferralsPage.tsx';
import { PartnersPage } from './exchange/admin/PartnersPage.tsx';
import { DuplicatesPage } from './exchange/admin/DuplicatesPage.tsx';
import { AuditLog } from './audit/AuditLog.tsx';
import type { Session } from './auth/session.ts';

/** The home page of a role that may not search patients: its first page, or a note when it has none. */
function Home({ roles }: { roles: Session['roles'] }) {
  const first = navFor(roles)[0];
  if (first) return <Navigate to={first.to} replace />;
  return (
    <Stack maw={640} gap="xs">
      <Title order={1} size="h3">
        Nothing here for your role yet
      </Title>
      <Text>Your account may not open patient records.</Text>
    </Stack>
  );
}

export function App() {
  const { session, setSession, client, onCallback, idle, signOut } = useAppSession(STAFF_CLIENT);
  if (onCallback) return <Callback signIn={STAFF_CLIENT} onSession={setSession} />;
  if (!session) return <Busy label="Redirecting to sign-in…" />;
  return (
    <FhirContext.Provider value={client}>
      {idle.plan && <IdleWarning plan={idle.plan} lastActivity={idle.lastActivity} onStay={idle.stay} onSignOut={idle.signOut} />}
      <Shell session={session} onSignOut={signOut}>
        <Routes>
          <Route path="/" element={navFor(session.roles).some((i) => i.to === '/') ? <PatientSearch /> : <Home roles={session.roles} />} />
          <Route path="/patients/new" element={<NewPatient />} />
          <Route path="/patients/:id" element={<Navigate to="summary" replace />} />
          <Route path="/patients/:id/:tab" element={<Chart />} />
          <Route path="/patients/:id/:tab/:sub" element={<Chart />} />
          <Route path="/inbox" element={<Inbox />} />
          <Route path="/tasks" element={<Tasks />} />
          <Route path="/orders" element={<PendingOrders />} />
          <Route path="/results/:id" element={<ResultReview />} />
          <Route path="/intake/:id" element={<IntakeReview />} />
          <Route path="/referrals" element={<ReferralsPage />} />
          <Route path="/admin/partners" element={<PartnersPage />} />
          <Route path="/admin/duplicates" element={<DuplicatesPage />} />
          <Route path="/audit" element={<AuditLog />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Shell>
    </FhirContext.Provider>
  );
}
