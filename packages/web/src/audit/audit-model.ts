/**
 * The audit report's model, for auditors and administrators: the filter (user, patient, a range
 * of days, an action) as the page's URL and as the server's AuditEvent search parameters
 * (`api/interactions/audit.ts` on the server), and each AuditEvent as one line of the report:
 * when, who in what role, through which app, what they did to what, which patients, the outcome
 * and from where. Break-the-glass entries are marked high priority. Pure: no I/O.
 */
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { operationOf } from '../fhir/audit-events.ts';
import { base64Text } from '../fhir/format.ts';

/** The server's audit actions, which the `action` filter takes, with their labels. */
export const AUDIT_ACTIONS: readonly { value: string; label: string }[] = [
  { value: 'read', label: 'Read' },
  { value: 'vread', label: 'Read a version' },
  { value: 'search', label: 'Search' },
  { value: 'history', label: 'History' },
  { value: 'create', label: 'Create' },
  { value: 'update', label: 'Update' },
  { value: 'patch', label: 'Patch' },
  { value: 'delete', label: 'Delete' },
  { value: 'transaction', label: 'Transaction' },
  { value: 'operation', label: 'Operation' },
  { value: 'export', label: 'Export' },
  { value: 'login', label: 'Sign-in' },
  { value: 'login-failed', label: 'Failed sign-in' },
  { value: 'logout', label: 'Sign-out' },
  { value: 'break-glass', label: 'Break-the-glass' },
  { value: 'permission-change', label: 'Permission change' },
  { value: 'token', label: 'Token issued' },
  { value: 'revoke', label: 'Token revoked' },
];

export interface AuditQuery {
  /** A user id or user name. */
  user?: string;
  /** A Patient id. */
  patient?: string;
  /** Days, `YYYY-MM-DD`, both included. */
  from?: string;
  to?: string;
  action?: string;
}

const FIELDS = ['user', 'patient', 'from', 'to', 'action'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filter a URL's query holds; blank and malformed values are left out. */
export function queryFromUrl(search: URLSearchParams): AuditQuery {
  const q: AuditQuery = {};
  for (const f of FIELDS) {
    const v = search.get(f)?.trim();
    if (!v) continue;
    if ((f === 'from' || f === 'to') && !DAY.test(v)) continue;
    if (f === 'action' && !AUDIT_ACTIONS.some((a) => a.value === v)) continue;
    q[f] = v;
  }
  return q;
}

/** The URL query for a filter (what a link or a reload brings back). */
export function queryToUrl(q: AuditQuery): URLSearchParams {
  const out = new URLSearchParams();
  for (const f of FIELDS) if (q[f]) out.set(f, q[f]);
  return out;
}

/** The AuditEvent search for a filter: newest first, a page of `count`, after `cursor`. */
export function searchParams(q: AuditQuery, count = 50, cursor?: string): [string, string][] {
  const out: [string, string][] = [];
  if (q.user) out.push(['agent', q.user]);
  if (q.patient) out.push(['patient', q.patient]);
  // A bare day with `ge` starts at its first moment; with `le` it ends after its last.
  if (q.from) out.push(['date', `ge${q.from}`]);
  if (q.to) out.push(['date', `le${q.to}`]);
  if (q.action) out.push(['action', q.action]);
  out.push(['_count', String(count)]);
  if (cursor) out.push(['_cursor', cursor]);
  return out;
}

/** The cursor of the next (older) page, from the Bundle's `next` link. */
export function nextCursor(bundle: Bundle): string | undefined {
  const next = bundle.link?.find((l) => l.relation === 'next')?.url;
  return next ? (new URL(next).searchParams.get('_cursor') ?? undefined) : undefined;
}

export type Outcome = 'success' | 'denied' | 'failure';

export interface AuditLine {
  id: string;
  when: string;
  user: string;
  role: string;
  app: string;
  action: string;
  /** The resource (`Observation/1`) or, for a search, the type searched and its query. */
  what: string;
  patients: string[];
  outcome: Outcome;
  /** Break-the-glass: emergency access, reviewed first. */
  high: boolean;
  detail: string;
  sourceIp: string;
}

const DCM_LABELS: Record<string, string> = {
  '110123': 'Sign-out',
  '110127': 'Break-the-glass',
  '110137': 'Permission change',
};

const REST_LABELS: Record<string, string> = {
  read: 'Read',
  vread: 'Read a version',
  'search-type': 'Search',
  'search-system': 'Search',
  'history-instance': 'History',
  'history-type': 'History',
  'history-system': 'History',
  create: 'Create',
  update: 'Update',
  patch: 'Patch',
  delete: 'Delete',
  transaction: 'Transaction',
  operation: 'Operation',
};

function actionLabel(e: AuditEvent): string {
  const codes = (e.subtype ?? []).map((c) => c.code ?? '');
  const operation = operationOf(e);
  if (e.type.code === '110106') return operation ? `Export ($${operation})` : 'Export';
  if (codes.includes('110122')) return e.outcome === '0' ? 'Sign-in' : 'Failed sign-in';
  for (const c of codes) if (DCM_LABELS[c]) return DCM_LABELS[c];
  for (const c of codes) {
    const label = REST_LABELS[c];
    if (label) return c === 'operation' && operation ? `Operation $${operation}` : label;
  }
  return e.type.code === '110114' ? 'Token' : (e.type.display ?? e.type.code ?? 'Event');
}

/** A query string as a person reads it: `category=vital-signs&_sort=-date`, not percent-encoded. */
function readable(query: string): string {
  try {
    return decodeURIComponent(query);
  } catch {
    return query;
  }
}

function whatOf(e: AuditEvent): string {
  const entities = e.entity ?? [];
  const resource = entities.find((x) => x.role?.code === '4')?.what?.reference;
  if (resource) return resource;
  const query = entities.find((x) => x.role?.code === '24');
  if (query) {
    const q = query.query ? readable(base64Text(query.query)) : '';
    return `${query.description ?? ''}${q ? `?${q}` : ''}`;
  }
  const described = entities.find((x) => x.description)?.description;
  if (described) return described;
  const patient = entities.find((x) => x.role?.code === '1')?.what?.reference;
  return patient ?? '';
}

export function auditLine(e: AuditEvent): AuditLine {
  const human = e.agent.find((a) => a.type?.coding?.some((c) => c.code === 'humanuser'));
  const app = e.agent.find((a) => a.type?.coding?.some((c) => c.code === '110150'));
  const network = e.agent.find((a) => a.network?.address)?.network?.address;
  return {
    id: e.id ?? '',
    when: e.recorded,
    user: human?.who?.display ?? human?.name ?? human?.altId ?? '',
    role: human?.role?.[0]?.text ?? '',
    app: app?.who?.display ?? '',
    action: actionLabel(e),
    what: whatOf(e),
    patients: (e.entity ?? []).filter((x) => x.role?.code === '1').map((x) => (x.what?.reference ?? '').replace(/^Patient\//, '')).filter(Boolean),
    outcome: e.outcome === '0' ? 'success' : e.outcome === '4' ? 'denied' : 'failure',
    high: (e.purposeOfEvent ?? []).some((p) => p.coding?.some((c) => c.code === 'BTG')) || (e.subtype ?? []).some((c) => c.code === '110127'),
    detail: e.outcomeDesc ?? '',
    sourceIp: network ?? '',
  };
}
