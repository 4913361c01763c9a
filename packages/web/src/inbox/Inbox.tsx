/**
 * The inbox at /inbox, in two tabs: patient messages (`?view=messages`, PatientMessages.tsx) and
 * results. The results inbox: the signed-in clinician's new results (their orders' reports and
 * those forwarded to them), abnormal first, then newest. Acknowledging removes a result from the
 * list (a critical one after an explicit confirmation); forwarding hands it to another practitioner
 * with a note (and acknowledges it for me). Each result links to its review screen.
 */
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Badge, Button, Center, Group, Loader, SegmentedControl, Stack, Tabs, Text, Title } from '@mantine/core';
import type { DiagnosticReport, Task } from '@medplum/fhirtypes';
import { useMe } from '../auth/me.ts';
import { useFhir, useLoad } from '../fhir/use-fhir.ts';
import { conceptText } from '../fhir/format.ts';
import { ForwardDialog } from './ForwardDialog.tsx';
import { CriticalAckDialog } from './CriticalAckDialog.tsx';
import { loadInbox, loadReviewed, type InboxItem } from './inbox-data.ts';
import { loadDirectory } from './practitioners.ts';
import { ResultCard } from './ResultCard.tsx';
import { reviewBundle } from './review-task.ts';
import { PatientMessages } from './PatientMessages.tsx';
import { PartnerMessagesInbox } from '../exchange/messages/PartnerMessages.tsx';
import { flagSeverity } from './result-flags.ts';
import './inbox.css';
import { errorMessage } from '../fhir/client.ts';
import { ActionFeedback } from '../ui/ActionFeedback.tsx';

/** A critical result (by its flags, or the stat review Task the server raised) is acknowledged only after a confirmation. */
const isCritical = (item: InboxItem): boolean => flagSeverity(item.flag) >= 3 || item.open.some((t) => t.priority === 'stat');

export function Inbox() {
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'messages' || params.get('view') === 'partners' ? params.get('view') : 'results';
  return (
    <Tabs value={view} onChange={(v) => setParams(v === 'messages' || v === 'partners' ? { view: v } : {})} keepMounted={false}>
      <Tabs.List aria-label="Inbox" mb="md">
        <Tabs.Tab value="results">Results</Tabs.Tab>
        <Tabs.Tab value="messages">Patient messages</Tabs.Tab>
        <Tabs.Tab value="partners">Partner messages</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="results">
        <ResultsInbox />
      </Tabs.Panel>
      <Tabs.Panel value="messages">
        <MessagesInbox />
      </Tabs.Panel>
      <Tabs.Panel value="partners">
        <PartnerMessagesInbox />
      </Tabs.Panel>
    </Tabs>
  );
}

function MessagesInbox() {
  const me = useMe();
  useEffect(() => {
    document.title = 'Patient messages · Continuum';
  }, []);
  return (
    <Stack gap="md" maw={1200}>
      <Stack gap={0}>
        <Title order={1} size="h2">
          Patient messages
        </Title>
        <Text size="sm" className="muted">
          Messages patients sent you from the portal. Unread conversations first; opening one marks it read.
        </Text>
      </Stack>
      {me ? (
        <PatientMessages me={me} />
      ) : (
        <Alert color="yellow" title="No messages for this account" maw={700}>
          Your account is not linked to a practitioner, so no messages are addressed to you.
        </Alert>
      )}
    </Stack>
  );
}

function ResultsInbox() {
  const me = useMe();
  const client = useFhir();
  const [reload, setReload] = useState(0);
  const [done, setDone] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<string>();
  const [forwarding, setForwarding] = useState<InboxItem>();
  const [confirming, setConfirming] = useState<InboxItem>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [view, setView] = useState<'new' | 'reviewed'>('new');
  const inbox = useLoad((c, signal) => (!me ? Promise.resolve([]) : view === 'new' ? loadInbox(c, me, signal) : loadReviewed(c, me, signal)), [me, reload, view]);
  const directory = useLoad((c, signal) => loadDirectory(c, signal), []);
  useEffect(() => {
    document.title = 'Results inbox · Continuum';
  }, []);

  const review = async (report: DiagnosticReport, open: Task[], forward?: { to: string; note: string }) => {
    if (!me) return;
    await client.transaction(reviewBundle(report, me, open, new Date(), forward));
    setDone((s) => new Set(s).add(report.id ?? ''));
  };
  const acknowledge = async (item: InboxItem) => {
    setBusy(item.report.id);
    setError(undefined);
    try {
      await review(item.report, item.open);
      setNotice(`${conceptText(item.report.code)} acknowledged.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  };

  if (!me) {
    return (
      <Alert color="yellow" title="No inbox for this account" maw={700}>
        Your account is not linked to a practitioner, so no results are addressed to you.
      </Alert>
    );
  }
  const items = view === 'new' ? (inbox.data ?? []).filter((i) => !done.has(i.report.id ?? '')) : (inbox.data ?? []);
  const abnormal = items.filter((i) => flagSeverity(i.flag) > 0).length;
  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={1} size="h2">
            Results inbox
          </Title>
          <Text size="sm" className="muted">
            Results of your orders and results forwarded to you. Abnormal results first.
          </Text>
        </Stack>
        <Group gap="xs">
          <SegmentedControl
            aria-label="Which results"
            value={view}
            onChange={(v) => {
              setView(v as 'new' | 'reviewed');
              setDone(new Set());
              setNotice(undefined);
            }}
            data={[
              { value: 'new', label: 'New' },
              { value: 'reviewed', label: 'Acknowledged' },
            ]}
          />
          {inbox.data && view === 'new' && (
            <>
              <Badge size="lg" variant="light" color="gray" c="gray.9">
                {items.length} new
              </Badge>
              {abnormal > 0 && (
                <Badge size="lg" variant="filled" color="red.9">
                  {abnormal} abnormal
                </Badge>
              )}
            </>
          )}
          <Button variant="default" onClick={() => setReload((n) => n + 1)}>
            Refresh
          </Button>
        </Group>
      </Group>
      <ActionFeedback notice={notice} error={error} onDismissError={() => setError(undefined)} />
      {inbox.error ? (
        <Alert color="red" role="alert" title="The inbox could not be loaded">
          {inbox.error.message}
        </Alert>
      ) : inbox.loading ? (
        <Center h={200}>
          <Loader role="progressbar" aria-label="Loading the inbox" />
        </Center>
      ) : items.length === 0 ? (
        <Text className="muted">{view === 'new' ? 'No new results. Results of your orders appear here as the lab sends them.' : 'You have not acknowledged any results yet.'}</Text>
      ) : (
        items.map((item) => (
          <ResultCard
            key={item.report.id}
            item={item}
            directory={directory.data ?? { list: [], name: (r) => r ?? 'Unknown' }}
            busy={busy === item.report.id}
            onAcknowledge={() => (isCritical(item) ? setConfirming(item) : void acknowledge(item))}
            onForward={() => setForwarding(item)}
          />
        ))
      )}
      {confirming && (
        <CriticalAckDialog
          title={conceptText(confirming.report.code)}
          onCancel={() => setConfirming(undefined)}
          onConfirm={async () => {
            await review(confirming.report, confirming.open);
            setNotice(`${conceptText(confirming.report.code)} acknowledged.`);
            setConfirming(undefined);
          }}
        />
      )}
      {forwarding && directory.data && (
        <ForwardDialog
          title={`Forward ${conceptText(forwarding.report.code)}`}
          me={me}
          directory={directory.data}
          onCancel={() => setForwarding(undefined)}
          onForward={async (to, note) => {
            await review(forwarding.report, forwarding.open, { to, note });
            setNotice(`${conceptText(forwarding.report.code)} forwarded to ${directory.data?.name(to) ?? 'them'}.`);
            setForwarding(undefined);
          }}
        />
      )}
    </Stack>
  );
}
