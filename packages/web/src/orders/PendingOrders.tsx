/**
 * Pending orders at /orders: the signed-in clinician's lab and imaging orders still waiting for a
 * final result, oldest first, with the patient, age, priority and specimen state; overdue orders
 * are marked in words and colour (see pending-orders.ts for the limits). Filters: priority, kind,
 * overdue only, patient name.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Anchor, Badge, Button, Card, Center, Checkbox, Group, Loader, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMe } from '../auth/me.ts';
import { useLoad } from '../fhir/use-fhir.ts';
import { conceptText, formatDateTime, humanName } from '../fhir/format.ts';
import { loadPending } from './pending-data.ts';
import { ageText, applyFilter, noFilter, type PendingFilter, type PendingRow } from './pending-orders.ts';

const PRIORITY = { routine: 'Routine', urgent: 'Urgent', asap: 'ASAP', stat: 'STAT' } as const;
const nameOf = (r: PendingRow) => (r.patient ? humanName(r.patient.name) : (r.order.subject?.display ?? 'Unknown patient'));

function Row({ r }: { r: PendingRow }) {
  const priority = r.order.priority ?? 'routine';
  return (
    <Table.Tr data-order={r.order.id} data-overdue={r.overdue ? 'true' : 'false'} className={r.overdue ? 'pending-overdue' : undefined}>
      <Table.Td>
        {r.patient?.id ? (
          <Anchor component={Link} to={`/patients/${r.patient.id}/orders`} size="sm">
            {nameOf(r)}
          </Anchor>
        ) : (
          nameOf(r)
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={600}>
          {conceptText(r.order.code)}
        </Text>
        {r.order.requisition?.value && (
          <Text size="xs" className="muted">
            Requisition {r.order.requisition.value}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{r.kind === 'imaging' ? 'Imaging' : 'Lab'}</Table.Td>
      <Table.Td>
        <Badge variant={priority === 'routine' ? 'light' : 'filled'} color={priority === 'routine' ? 'gray' : 'red.9'} c={priority === 'routine' ? 'gray.9' : undefined}>
          {PRIORITY[priority] ?? priority}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDateTime(r.order.authoredOn)}</Text>
        <Text size="xs" className="muted">
          {ageText(r.ageHours)} ago
        </Text>
      </Table.Td>
      <Table.Td>{r.specimen}</Table.Td>
      <Table.Td>
        {r.overdue ? (
          <Badge color="orange.9" variant="filled">
            Overdue
          </Badge>
        ) : (
          <Text size="sm">Waiting</Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function PendingOrders() {
  const me = useMe();
  const [reload, setReload] = useState(0);
  const [filter, setFilter] = useState<PendingFilter>(noFilter);
  const pending = useLoad((c, signal) => (me ? loadPending(c, me, new Date(), signal) : Promise.resolve([])), [me, reload]);
  useEffect(() => {
    document.title = 'Pending orders · Continuum';
  }, []);
  const rows = useMemo(() => applyFilter(pending.data ?? [], filter, nameOf), [pending.data, filter]);
  const overdue = (pending.data ?? []).filter((r) => r.overdue).length;
  if (!me) {
    return (
      <Alert color="yellow" title="No orders for this account" maw={700}>
        Your account is not linked to a practitioner, so it has no orders.
      </Alert>
    );
  }
  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={1} size="h2">
            Pending orders
          </Title>
          <Text size="sm" className="muted">
            Your lab and imaging orders without a final result, oldest first. Overdue: STAT after 4 hours, urgent after 24 hours, routine after 7 days.
          </Text>
        </Stack>
        <Group gap="xs">
          {pending.data && (
            <Badge size="lg" variant="light" color="gray" c="gray.9">
              {pending.data.length} pending
            </Badge>
          )}
          {overdue > 0 && (
            <Badge size="lg" variant="light" color="orange.9" c="orange.9">
              {overdue} overdue
            </Badge>
          )}
          <Button variant="default" onClick={() => setReload((n) => n + 1)}>
            Refresh
          </Button>
        </Group>
      </Group>
      <Group gap="md" align="flex-end" role="group" aria-label="Filters">
        <SegmentedControl aria-label="Priority" value={filter.priority} onChange={(v) => setFilter({ ...filter, priority: v as PendingFilter['priority'] })} data={[{ value: 'all', label: 'Any priority' }, { value: 'stat', label: 'STAT' }, { value: 'urgent', label: 'Urgent' }, { value: 'routine', label: 'Routine' }]} />
        <SegmentedControl aria-label="Kind" value={filter.kind} onChange={(v) => setFilter({ ...filter, kind: v as PendingFilter['kind'] })} data={[{ value: 'all', label: 'Labs and imaging' }, { value: 'lab', label: 'Labs' }, { value: 'imaging', label: 'Imaging' }]} />
        <Checkbox label="Overdue only" checked={filter.overdueOnly} onChange={(e) => setFilter({ ...filter, overdueOnly: e.currentTarget.checked })} />
        <TextInput label="Patient" placeholder="Filter by name" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.currentTarget.value })} w={220} />
      </Group>
      {pending.error ? (
        <Alert color="red" role="alert" title="The orders could not be loaded">
          {pending.error.message}
        </Alert>
      ) : pending.loading && !pending.data ? (
        <Center h={200}>
          <Loader role="progressbar" aria-label="Loading the pending orders" />
        </Center>
      ) : (
        <Card withBorder padding={0}>
          {rows.length === 0 ? (
            <Text p="md" className="muted">
              {(pending.data ?? []).length === 0 ? 'No pending orders: every order of yours has its result.' : 'No pending orders match these filters.'}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Pending orders" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Patient</Table.Th>
                    <Table.Th>Order</Table.Th>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>Priority</Table.Th>
                    <Table.Th>Ordered</Table.Th>
                    <Table.Th>Specimen</Table.Th>
                    <Table.Th>Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((r) => (
                    <Row key={r.order.id} r={r} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
      )}
    </Stack>
  );
}
