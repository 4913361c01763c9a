/**
 * A stand-in for the portal's frame (W1's PortalApp), for testing these pages alone: it mounts
 * `portalRoutesB` below `/portal` in a router, with a PortalContext whose FhirClient calls
 * `/fhir` (answered by the test), a small menu of the pages, and the current location for the
 * test to read. `?widget=<path>` is the page to start on; `?fhirUser=` and `?patient=` say who
 * is signed in. Nothing here is part of the app's build.
 */
import '@mantine/core/styles.css';
import '../../src/ui/app.css';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Group, MantineProvider } from '@mantine/core';
import { Link, MemoryRouter, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { FhirClient } from '../../src/fhir/client.ts';
import { PortalContext, type PortalState } from '../../src/portal/portal-context.ts';
import { portalRoutesB } from '../../src/portal/b/routes.tsx';
import { theme } from '../../src/ui/theme.ts';

const params = new URLSearchParams(window.location.search);

function Frame() {
  const location = useLocation();
  return (
    <>
      <Group component="nav" aria-label="Portal" gap="md" p="xs">
        {portalRoutesB
          .filter((r) => r.nav !== 'hidden')
          .map((r) => (
            <Link key={r.path} to={`/portal/${r.path}`}>
              {r.label}
            </Link>
          ))}
      </Group>
      <main>
        <Outlet />
      </main>
      <output aria-label="Location" hidden>
        {location.pathname + location.search}
      </output>
    </>
  );
}

function Harness() {
  const patientId = params.get('patient') ?? 'p1';
  const [state] = useState<PortalState>(() => ({
    client: new FhirClient({ baseUrl: '/fhir', token: () => 'portal-test', onUnauthorized: () => undefined }),
    fhirUser: params.get('fhirUser') ?? `Patient/${patientId}`,
    patients: [{ id: patientId, name: 'Test Patient', relationship: 'Self' }],
    patientId,
    selectPatient: () => undefined,
  }));
  return (
    <PortalContext.Provider value={state}>
      <MemoryRouter initialEntries={[`/portal/${params.get('widget') ?? 'appointments'}`]}>
        <Routes>
          <Route path="/portal" element={<Frame />}>
            {portalRoutesB.map((r) => (
              <Route key={r.path} path={r.path} element={r.element} />
            ))}
          </Route>
        </Routes>
      </MemoryRouter>
    </PortalContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} forceColorScheme="light">
      <Harness />
    </MantineProvider>
  </StrictMode>,
);
