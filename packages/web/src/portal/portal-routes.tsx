/**
 * The portal pages of this part (W1): home, the health record, results, visits and their notes,
 * documents, download and share, connected apps, the activity log and the account. PortalFrame
 * mounts them beside W2's `portalRoutesB`.
 */
import type { PortalRoute } from './portal-context.ts';
import { Home } from './pages/Home.tsx';
import { Health } from './pages/Health.tsx';
import { Results } from './pages/Results.tsx';
import { Visits } from './pages/Visits.tsx';
import { Documents } from './pages/Documents.tsx';
import { Share } from './pages/Share.tsx';
import { Apps } from './pages/Apps.tsx';
import { Activity } from './pages/Activity.tsx';
import { Account } from './pages/Account.tsx';
import { RecordHolders } from './exchange/RecordHolders.tsx';

export const portalRoutesA: PortalRoute[] = [
  { path: '', label: 'Home', nav: 'primary', element: <Home /> },
  { path: 'health', label: 'Health', nav: 'primary', element: <Health /> },
  { path: 'results', label: 'Results', nav: 'primary', element: <Results /> },
  { path: 'visits', label: 'Visits & notes', nav: 'more', element: <Visits /> },
  { path: 'documents', label: 'Documents', nav: 'more', element: <Documents /> },
  { path: 'share', label: 'Download & share', nav: 'more', element: <Share /> },
  { path: 'apps', label: 'Connected apps', nav: 'more', element: <Apps /> },
  { path: 'activity', label: 'Activity log', nav: 'more', element: <Activity /> },
  { path: 'record-holders', label: 'Who has my record', nav: 'more', element: <RecordHolders /> },
  { path: 'account', label: 'Account', nav: 'more', element: <Account /> },
];
