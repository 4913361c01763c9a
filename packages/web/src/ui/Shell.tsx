/**
 * The frame around every signed-in page: header with the user, their role and sign-out, and the
 * navigation their roles are offered (`auth/roles.ts`).
 */
import { useMemo, type ReactNode } from 'react';
import type { Practitioner, Reference } from '@medplum/fhirtypes';
import { NavLink as RouterLink, useLocation } from 'react-router-dom';
import { AppShell, Burger, Button, Group, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { Session } from '../auth/session.ts';
import { navFor, rolesLabel } from '../auth/roles.ts';
import { MeContext, type Me } from '../auth/me.ts';
import { useLoad } from '../fhir/use-fhir.ts';
import { humanName } from '../fhir/format.ts';

function UserName({ session, me }: { session: Session; me: Me }) {
  const roles = rolesLabel(session.roles);
  return (
    <Stack gap={0} align="flex-end">
      <Text size="sm" fw={500} data-testid="user-name">
        {me.practitioner?.display ?? session.username ?? 'Signed in'}
      </Text>
      {roles && (
        <Text size="xs" className="muted" data-testid="user-roles">
          {roles}
        </Text>
      )}
    </Stack>
  );
}

/** The signed-in practitioner, read once for the header and every screen that records who acted. */
function useSignedInPractitioner(ref: string | undefined): Me {
  const { data, loading } = useLoad(async (client, signal) => {
    if (!ref?.startsWith('Practitioner/')) return undefined;
    const p = await client.read('Practitioner', ref.slice('Practitioner/'.length), signal);
    return { reference: ref, display: humanName(p.name) } satisfies Reference<Practitioner>;
  }, [ref]);
  return useMemo(() => ({ ref, practitioner: data, loading }), [ref, data, loading]);
}

export function Shell({ session, onSignOut, children }: { session: Session; onSignOut: () => void; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const items = navFor(session.roles);
  const me = useSignedInPractitioner(session.fhirUser);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main-content" className="skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />
            <span className="brand">Continuum</span>
          </Group>
          <Group gap="md" wrap="nowrap">
            <UserName session={session} me={me} />
            <Button variant="default" size="xs" onClick={onSignOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main" mod={{ collapsed: !opened }}>
        {items.map((item) => (
          <NavLink key={item.to} component={RouterLink} to={item.to} label={item.label} active={item.active(location.pathname)} onClick={close} />
        ))}
        {items.length === 0 && (
          <Text size="sm" className="muted" p="xs">
            Your role has no pages in this app yet.
          </Text>
        )}
      </AppShell.Navbar>
      <AppShell.Main id="main-content" tabIndex={-1}>
        <MeContext.Provider value={me}>{children}</MeContext.Provider>
      </AppShell.Main>
    </AppShell>
  );
}
