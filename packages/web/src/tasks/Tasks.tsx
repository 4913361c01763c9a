/**
 * My tasks at /tasks: the Tasks I own and the messages addressed to me, open first, each with its
 * patient, priority and due date. Mark a task done (or a message read), or open the patient's
 * chart; a result to review links to the results inbox, a patient's portal message to its
 * conversation there. What patients ask from the portal is decided here: a refill request is
 * approved (renewed) or denied with a reason, an amendment request accepted or denied
 * (RequestDialogs.tsx).
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Anchor, Badge, Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import type { Communication, Task } from '@medplum/fhirtypes';
import { useMe } from '../auth/me.ts';
import { useFhir, useLoad } from '../fhir/use-fhir.ts';
import { conceptText, formatDate, formatDateTime, humanName } from '../fhir/format.ts';
import { REVIEW } from '../inbox/review-task.ts';
import { intakeOf } from '../intake/intake-model.ts';
import { loadMyWork, type WorkItem } from './task-list.ts';
import { PORTAL_MESSAGE, threadOf } from '../inbox/messages-data.ts';
import { portalRequestKind, requestText, type PortalRequestKind } from './portal-requests.ts';
import { AmendmentDialog, ApproveRefillDialog, DenyRefillDialog } from './RequestDialogs.tsx';
import '../inbox/inbox.css';
import { errorMessage } from '../fhir/client.ts';

function what(item: WorkItem): { title: string; detail: string | undefined; review: boolean; intake?: string } {
  if (item.kind === 'message') {
    const c = item.resource as Communication;
    const text = c.payload?.map((p) => p.contentString).filter(Boolean).join(' ');
    return { title: c.topic ? conceptText(c.topic) : 'Message', detail: text, review: false };
  }
  const intake = intakeOf(item.resource as Task);
  if (intake) return { title: 'Review pre-visit intake', detail: undefined, review: false, intake };
  const t = item.resource as Task;
  const review = t.code?.coding?.some((c) => c.system === REVIEW.system && c.code === REVIEW.code) ?? false;
  const title = review ? `Review ${t.focus?.display ?? 'result'}` : (t.description ?? (t.code ? conceptText(t.code) : 'Task'));
  return { title, detail: (portalRequestKind(t) ? requestText(t) : t.note?.map((n) => n.text).join(' ')) || (review ? undefined : t.description !== title ? t.description : undefined), review };
}

const PRIORITY_COLOR = { stat: 'red.9', asap: 'red.9', urgent: 'orange.9', routine: 'gray.8' } as const;

const isPortalMessage = (c: Communication): boolean => c.category?.some((cat) => cat.coding?.some((x) => `${x.system ?? ''}|${x.code ?? ''}` === PORTAL_MESSAGE)) ?? false;

type Deciding = { task: Task; action: 'approve' | 'deny' | 'amend' };

function Row({ item, busy, onDone, onDecide }: { item: WorkItem; busy: boolean; onDone: () => void; onDecide: (d: Deciding) => void }) {
  const w = what(item);
  const request: PortalRequestKind | undefined = item.kind === 'task' ? portalRequestKind(item.resource as Task) : undefined;
  const conversation = item.kind === 'message' && isPortalMessage(item.resource as Communication) ? threadOf(item.resource as Communication) : undefined;
  const label = `${w.title}${item.patient ? ` for ${humanName(item.patient.name)}` : ''}`;
  const patientName = item.patient ? humanName(item.patient.name) : undefined;
  const patientId = item.patientRef?.startsWith('Patient/') ? item.patientRef.slice('Patient/'.length) : undefined;
  return (
    <Table.Tr data-item={`${item.resource.resourceType}/${item.resource.id}`} data-open={item.open}>
      <Table.Td>
        <Text fw={600} size="sm">
          {w.title}
        </Text>
        {(item.from ?? w.detail) && (
          <Text size="sm" className="muted">
            {item.from && `From ${item.from}${w.detail ? ': ' : ''}`}
            {w.detail}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {patientId ? (
          <Anchor component={Link} to={`/patients/${patientId}/summary`} size="sm">
            {patientName ?? 'Open chart'}
          </Anchor>
        ) : (
          <Text size="sm" className="muted">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td className="cell-badge">
        <Badge variant="light" color={PRIORITY_COLOR[item.priority]} c={PRIORITY_COLOR[item.priority]}>
          {item.priority}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{item.due ? formatDate(item.due) : '—'}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDateTime(item.date)}</Text>
      </Table.Td>
      <Table.Td>
        {item.open ? (
          <Group gap="xs" wrap="nowrap">
            {w.review && (
              <Button component={Link} to="/inbox" size="xs" variant="default">
                Open inbox
              </Button>
            )}
            {w.intake && (
              <Button component={Link} to={`/intake/${w.intake}`} size="xs" variant="default" aria-label={`Open intake${patientName ? ` of ${patientName}` : ''}`}>
                Open intake
              </Button>
            )}
            {conversation && (
              <Button component={Link} to={`/inbox?view=messages&thread=${conversation}`} size="xs" variant="default" aria-label={`Open conversation: ${label}`}>
                Open conversation
              </Button>
            )}
            {request === 'refill' ? (
              <>
                <Button size="xs" onClick={() => onDecide({ task: item.resource as Task, action: 'approve' })} aria-label={`Approve refill: ${label}`}>
                  Approve
                </Button>
                <Button size="xs" variant="default" onClick={() => onDecide({ task: item.resource as Task, action: 'deny' })} aria-label={`Deny refill: ${label}`}>
                  Deny
                </Button>
              </>
            ) : request === 'amendment' ? (
              <Button size="xs" onClick={() => onDecide({ task: item.resource as Task, action: 'amend' })} aria-label={`Decide: ${label}`}>
                Decide
              </Button>
            ) : (
              <Button size="xs" onClick={onDone} loading={busy} aria-label={`${item.kind === 'message' ? 'Mark read' : 'Mark done'}: ${label}`}>
                {item.kind === 'message' ? 'Mark read' : 'Mark done'}
              </Button>
            )}
          </Group>
        ) : (
          <Text size="sm" className="muted">
            {item.kind === 'message' ? 'Read' : request ? ((item.resource as Task).businessStatus?.text ?? (item.resource as Task).status) : 'Done'}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function Decision({ deciding, ...props }: { deciding: Deciding; me: string; onClose: () => void; onDone: (notice: string) => void }) {
  const dialog = { task: deciding.task, ...props };
  if (deciding.action === 'approve') return <ApproveRefillDialog {...dialog} />;
  if (deciding.action === 'deny') return <DenyRefillDialog {...dialog} />;
  return <AmendmentDialog {...dialog} />;
}

export function Tasks() {
  const me = useMe();
  const client = useFhir();
  const [reload, setReload] = useState(0);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [deciding, setDeciding] = useState<Deciding>();
  const [notice, setNotice] = useState<string>();
  const work = useLoad((c, signal) => (me ? loadMyWork(c, me, signal) : Promise.resolve([])), [me, reload]);
  useEffect(() => {
    document.title = 'My tasks · Continuum';
  }, []);
  const done = async (item: WorkItem) => {
    setBusy(item.resource.id);
    setError(undefined);
    const now = new Date().toISOString();
    try {
      if (item.kind === 'task') {
        const t = item.resource as Task;
        await client.update({ ...t, status: 'completed', lastModified: now, executionPeriod: { ...t.executionPeriod, end: now } });
      } else {
        await client.operation(`Communication/${item.resource.id ?? ''}/$mark-read`);
      }
      setReload((n) => n + 1);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  };
  if (!me) {
    return (
      <Alert color="yellow" title="No tasks for this account" maw={700}>
        Your account is not linked to a practitioner, so no tasks are assigned to you.
      </Alert>
    );
  }
  const items = work.data ?? [];
  const open = items.filter((i) => i.open).length;
  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={1} size="h2">
            My tasks
          </Title>
          <Text size="sm" className="muted">
            Tasks assigned to you and messages addressed to you. Open ones first, the most urgent on top.
          </Text>
        </Stack>
        <Group gap="xs">
          {work.data && (
            <Badge size="lg" variant="light" color="gray" c="gray.9">
              {open} open
            </Badge>
          )}
          <Button variant="default" onClick={() => setReload((n) => n + 1)}>
            Refresh
          </Button>
        </Group>
      </Group>
      {error && (
        <Alert color="red" role="alert" title="That did not work" withCloseButton onClose={() => setError(undefined)}>
          {error}
        </Alert>
      )}
      <div aria-live="polite" role="status">
        {notice && (
          <Text size="sm" c="green.9">
            {notice}
          </Text>
        )}
      </div>
      {deciding && (
        <Decision
          deciding={deciding}
          me={me}
          onClose={() => setDeciding(undefined)}
          onDone={(text) => {
            setNotice(text);
            setReload((n) => n + 1);
          }}
        />
      )}
      {work.error ? (
        <Alert color="red" role="alert" title="Your tasks could not be loaded">
          {work.error.message}
        </Alert>
      ) : !work.data ? (
        <Center h={200}>
          <Loader role="progressbar" aria-label="Loading your tasks" />
        </Center>
      ) : items.length === 0 ? (
        <Text className="muted">Nothing assigned to you.</Text>
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="My tasks and messages" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Task</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>Priority</Table.Th>
                  <Table.Th>Due</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Action</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((item) => (
                  <Row key={`${item.resource.resourceType}/${item.resource.id}`} item={item} busy={busy === item.resource.id} onDone={() => void done(item)} onDecide={setDeciding} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </Stack>
  );
}
