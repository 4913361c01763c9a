/**
 * The audit report at /audit (auditors and administrators): the server's audit trail through
 * `GET /fhir/AuditEvent`, newest first, filtered by user, patient, a range of days and an
 * action. The filter lives in the URL, so a report can be reloaded, bookmarked or sent. Older
 * entries come a page at a time (the search's keyset cursor). Reading the report is itself
 * audited by the server.
 */
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Badge, Button, Card, Group, Loader, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { errorMessage } from '../fhir/client.ts';
import { formatDateTime } from '../fhir/format.ts';
import { useFhir, useLoad } from '../fhir/use-fhir.ts';
import { AUDIT_ACTIONS, auditLine, nextCursor, queryFromUrl, queryToUrl, searchParams, type AuditLine, type AuditQuery, type Outcome } from './audit-model.ts';

const PAGE = 50;

// Success is the usual case and stays quiet; a denial or a failure stands out (dark red on the
// page's light rows: at least 4.5:1).
const OUTCOME: Record<Outcome, { label: string; variant: 'light' | 'outline'; color: string; text: string }> = {
  success: { label: 'Success', variant: 'light', color: 'gray', text: 'gray.9' },
  denied: { label: 'Denied', variant: 'outline', color: 'red.9', text: 'red.9' },
  failure: { label: 'Failed', variant: 'outline', color: 'red.9', text: 'red.9' },
};

interface Page {
  lines: AuditLine[];
  cursor: string | undefined;
}

const toPage = (bundle: Bundle<AuditEvent>): Page => ({
  lines: (bundle.entry ?? []).flatMap((e) => (e.resource ? [auditLine(e.resource)] : [])),
  cursor: nextCursor(bundle),
});

function Filters({ query, onSearch }: { query: AuditQuery; onSearch: (q: AuditQuery) => void }) {
  const [draft, setDraft] = useState<AuditQuery>(query);
  const set = (field: keyof AuditQuery) => (value: string | null) => setDraft((d) => ({ ...d, [field]: value?.trim() || undefined }));
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onSearch(draft);
  };
  return (
    <Card withBorder padding="md" component="form" onSubmit={submit} aria-label="Filter the audit log">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput label="User" description="User name or id" value={draft.user ?? ''} onChange={(e) => set('user')(e.currentTarget.value)} w={200} />
        <TextInput label="Patient" description="Patient id" value={draft.patient ?? ''} onChange={(e) => set('patient')(e.currentTarget.value)} w={300} />
        <TextInput label="From" description="First day" type="date" value={draft.from ?? ''} onChange={(e) => set('from')(e.currentTarget.value)} w={170} />
        <TextInput label="To" description="Last day" type="date" value={draft.to ?? ''} onChange={(e) => set('to')(e.currentTarget.value)} w={170} />
        <Select label="Action" description="Any when empty" data={AUDIT_ACTIONS.map((a) => ({ value: a.value, label: a.label }))} value={draft.action ?? null} onChange={set('action')} clearable w={200} />
        <Button type="submit">Search</Button>
        <Button
          variant="default"
          onClick={() => {
            setDraft({});
            onSearch({});
          }}
        >
          Clear
        </Button>
      </Group>
    </Card>
  );
}

function Lines({ lines }: { lines: AuditLine[] }) {
  return (
    // Wider than most windows: a region of its own that scrolls sideways and takes the keyboard.
    <div role="region" aria-label="Audit entries (scrolls sideways)" tabIndex={0} style={{ overflowX: 'auto' }}>
      <Table verticalSpacing="xs" fz="sm" striped aria-label="Audit entries" miw={1080}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">When</Table.Th>
            <Table.Th scope="col">User, role and app</Table.Th>
            <Table.Th scope="col">Action</Table.Th>
            <Table.Th scope="col">What</Table.Th>
            <Table.Th scope="col">Patients</Table.Th>
            <Table.Th scope="col">Outcome</Table.Th>
            <Table.Th scope="col">From</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((l) => (
            <Table.Tr key={l.id} data-audit-id={l.id} data-user={l.user} data-action={l.action} data-patients={l.patients.join(',')} data-high={l.high || undefined}>
              <Table.Td className="nowrap">{formatDateTime(l.when)}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {l.user || '—'}
                </Text>
                {(l.role || l.app) && (
                  <Text size="xs" className="muted">
                    {[l.role, l.app].filter(Boolean).join(' · ')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <span>{l.action}</span>
                  {l.high && (
                    <Badge color="red" variant="filled" size="sm">
                      High priority
                    </Badge>
                  )}
                </Group>
                {l.detail && (
                  <Text size="xs" className="muted">
                    {l.detail}
                  </Text>
                )}
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-all', minWidth: 240 }}>{l.what || '—'}</Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>
                {l.patients.length === 0 ? '—' : l.patients.length <= 3 ? l.patients.join(', ') : `${l.patients.slice(0, 3).join(', ')} and ${l.patients.length - 3} more`}
              </Table.Td>
              <Table.Td className="nowrap">
                <Badge style={{ overflow: 'visible' }} color={OUTCOME[l.outcome].color} variant={OUTCOME[l.outcome].variant} c={OUTCOME[l.outcome].text}>
                  {OUTCOME[l.outcome].label}
                </Badge>
              </Table.Td>
              <Table.Td className="nowrap">{l.sourceIp || '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/** The report for one filter: its first page, then older pages on request (remounted for a new filter). */
function Report({ query }: { query: AuditQuery }) {
  const client = useFhir();
  const first = useLoad(async (c, signal) => toPage(await c.search('AuditEvent', searchParams(query, PAGE), signal)), []);
  const [older, setOlder] = useState<Page[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | undefined>();
  const last = older.length > 0 ? older[older.length - 1] : first.data;
  const lines = [...(first.data?.lines ?? []), ...older.flatMap((p) => p.lines)];

  const loadMore = async (): Promise<void> => {
    if (!last?.cursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = toPage(await client.search('AuditEvent', searchParams(query, PAGE, last.cursor)));
      setOlder((pages) => [...pages, page]);
    } catch (err) {
      setMoreError(errorMessage(err));
    } finally {
      setLoadingMore(false);
    }
  };

  if (first.loading) {
    return (
      <Group gap="xs">
        <Loader size="sm" />
        <Text size="sm">Loading the audit log…</Text>
      </Group>
    );
  }
  if (first.error) {
    return (
      <Alert color="red" title="Could not load the audit log">
        {errorMessage(first.error)}
      </Alert>
    );
  }
  if (lines.length === 0) {
    return (
      <Text size="sm" role="status">
        No entry matches.
      </Text>
    );
  }
  return (
    <>
      <Text size="sm" role="status">
        {lines.length} {lines.length === 1 ? 'entry' : 'entries'} shown{last?.cursor ? '; older ones follow' : ''}.
      </Text>
      <Lines lines={lines} />
      {moreError && (
        <Alert color="red" title="Could not load older entries">
          {moreError}
        </Alert>
      )}
      {last?.cursor && (
        <Group>
          <Button variant="default" onClick={() => void loadMore()} loading={loadingMore}>
            Show older entries
          </Button>
        </Group>
      )}
    </>
  );
}

export function AuditLog() {
  const [params, setParams] = useSearchParams();
  const query = queryFromUrl(params);
  // A new filter starts a new form and a new report: each is keyed by it (siblings, so each its own key).
  const key = queryToUrl(query).toString();
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Audit log
      </Title>
      <Text size="sm" className="muted">
        Every sign-in, read, search, change, export and emergency access, newest first. Looking at this log is recorded in it too.
      </Text>
      <Filters key={`filters?${key}`} query={query} onSearch={(q) => setParams(queryToUrl(q))} />
      <Report key={`report?${key}`} query={query} />
    </Stack>
  );
}
