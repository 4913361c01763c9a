/**
 * The portal's frame, mobile first: a header with the brand, whose record is shown ("Viewing:
 * Emma (your child)", a switcher for a proxy acting for several patients) and sign-out; a side
 * menu on wider screens, and on phones a bottom tab bar with the main pages and "More" (a sheet
 * with the rest). Its routes are ours (portal-routes.tsx) and W2's (`portalRoutesB`).
 */
import { useEffect } from 'react';
import { NavLink as RouterLink, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AppShell, Button, Divider, Drawer, Group, NativeSelect, NavLink, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { usePortal, type PortalRoute } from './portal-context.ts';
import { portalRoutesA } from './portal-routes.tsx';
import { portalRoutesB } from './b/routes.tsx';
import { firstName, patientDescription, SELF } from './portal-patients.ts';
import { NavIcon } from './icons.tsx';

const ROUTES: PortalRoute[] = [...portalRoutesA, ...portalRoutesB];
/** The bottom bar holds four pages and "More": a fifth would make the targets too narrow on a phone. */
const TAB_COUNT = 4;

const to = (r: PortalRoute): string => `/${r.path}`;
const isActive = (r: PortalRoute, pathname: string): boolean => (r.path === '' ? pathname === '/' : pathname === to(r) || pathname.startsWith(`${to(r)}/`));

function Viewing() {
  const { patients, patientId, selectPatient } = usePortal();
  const current = patients.find((p) => p.id === patientId);
  if (!current) return null;
  if (patients.length === 1) {
    return (
      <Text size="sm" className="viewing" data-testid="viewing">
        <span className="viewing-label">Viewing:</span> {current.relationship === SELF ? `${current.name} (you)` : `${firstName(current.name)} (${patientDescription(current.relationship)})`}
      </Text>
    );
  }
  return (
    <NativeSelect
      className="viewing-select"
      label="Viewing"
      size="sm"
      data-testid="viewing"
      value={patientId}
      onChange={(e) => selectPatient(e.currentTarget.value)}
      data={patients.map((p) => ({ value: p.id, label: `${p.name} (${patientDescription(p.relationship)})` }))}
    />
  );
}

function SideMenu({ onNavigate }: { onNavigate?: () => void }) {
  const { pathname } = useLocation();
  const main = ROUTES.filter((r) => r.nav === 'primary');
  const more = ROUTES.filter((r) => r.nav === 'more');
  const link = (r: PortalRoute) => (
    <NavLink key={r.path} component={RouterLink} to={to(r)} end={r.path === ''} label={r.label} leftSection={<NavIcon path={r.path} />} active={isActive(r, pathname)} onClick={onNavigate} className="side-link" />
  );
  return (
    <Stack gap={2}>
      {main.map(link)}
      <Divider my="sm" />
      {more.map(link)}
    </Stack>
  );
}

function TabBar({ onMore, moreOpen }: { onMore: () => void; moreOpen: boolean }) {
  const { pathname } = useLocation();
  const tabs = ROUTES.filter((r) => r.nav === 'primary').slice(0, TAB_COUNT);
  const inMore = !tabs.some((r) => isActive(r, pathname));
  return (
    <nav aria-label="Main" className="tab-bar">
      {tabs.map((r) => (
        <UnstyledButton key={r.path} component={RouterLink} to={to(r)} end={r.path === ''} className="tab" aria-current={isActive(r, pathname) ? 'page' : undefined}>
          <NavIcon path={r.path} />
          <span>{r.label}</span>
        </UnstyledButton>
      ))}
      <UnstyledButton className="tab" onClick={onMore} aria-expanded={moreOpen} aria-current={inMore ? 'page' : undefined}>
        <NavIcon path="more" />
        <span>More</span>
      </UnstyledButton>
    </nav>
  );
}

/** The window's title names the page (WCAG 2.4.2), e.g. "Results · Continuum MyHealth". */
function usePageTitle(): void {
  const { pathname } = useLocation();
  useEffect(() => {
    const route = ROUTES.find((r) => r.path !== '' && isActive(r, pathname)) ?? ROUTES.find((r) => r.path === '');
    document.title = route ? `${route.label} · Continuum MyHealth` : 'Continuum MyHealth';
  }, [pathname]);
}

export function PortalFrame({ onSignOut }: { onSignOut: () => void }) {
  usePageTitle();
  const [moreOpen, more] = useDisclosure();
  // The tab bar is the phone's menu; wider screens have the side menu and no bar to leave room for.
  const phone = useMediaQuery('(max-width: 47.99em)', true);
  return (
    <AppShell header={{ height: 64 }} navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: true } }} footer={{ height: 68, collapsed: !phone }} padding={0}>
      <a href="#main-content" className="skip-link">
        Skip to content
      </a>
      <AppShell.Header className="portal-header">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap={8} wrap="nowrap" className="brand-group">
            <span className="brand-mark" aria-hidden="true" />
            <span className="portal-brand">
              Continuum <span className="brand-accent">MyHealth</span>
            </span>
          </Group>
          <Group gap="md" wrap="nowrap">
            <div className="header-viewing">
              <Viewing />
            </div>
            <Button variant="default" size="sm" onClick={onSignOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Portal" visibleFrom="sm">
        <SideMenu />
      </AppShell.Navbar>
      <AppShell.Main id="main-content" tabIndex={-1} className="portal-main">
        <div className="mobile-viewing">
          <Viewing />
        </div>
        <div className="portal-page">
          <Routes>
            {ROUTES.map((r) => (
              <Route key={r.path} path={to(r)} element={r.element} />
            ))}
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </div>
      </AppShell.Main>
      <AppShell.Footer hiddenFrom="sm" className="portal-footer">
        <TabBar onMore={more.toggle} moreOpen={moreOpen} />
      </AppShell.Footer>
      <Drawer opened={moreOpen} onClose={more.close} position="bottom" title="All pages" size="auto" hiddenFrom="sm">
        <SideMenu onNavigate={more.close} />
      </Drawer>
    </AppShell>
  );
}
