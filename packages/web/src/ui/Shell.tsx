/** The frame around every signed-in page: header with the user and sign-out, and navigation. */
import type { ReactNode } from 'react';
import { NavLink as RouterLink, useLocation } from 'react-router-dom';
import { AppShell, Burger, Button, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { Session } from '../auth/session.ts';
import { MeContext } from '../auth/me.ts';
import { useLoad } from '../fhir/use-fhir.ts';
import { humanName } from '../fhir/format.ts';

function UserName({ session }: { session: Session }) {
  const ref = session.fhirUser;
  const { data } = useLoad(async (client, signal) => {
    if (!ref?.startsWith('Practitioner/')) return undefined;
    return client.read('Practitioner', ref.slice('Practitioner/'.length), signal);
  }, [ref]);
  return <Text size="sm">{data ? humanName(data.name) : (session.username ?? 'Signed in')}</Text>;
}

export function Shell({ session, onSignOut, children }: { session: Session; onSignOut: () => void; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />
            <span className="brand">Continuum</span>
          </Group>
          <Group gap="md" wrap="nowrap">
            <UserName session={session} />
            <Button variant="default" size="xs" onClick={onSignOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main">
        <NavLink component={RouterLink} to="/" label="Patients" active={location.pathname === '/' || location.pathname.startsWith('/patients')} onClick={close} />
      </AppShell.Navbar>
      <AppShell.Main>
        <MeContext.Provider value={session.fhirUser}>{children}</MeContext.Provider>
      </AppShell.Main>
    </AppShell>
  );
}
