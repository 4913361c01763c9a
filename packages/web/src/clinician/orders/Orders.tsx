/**
 * The chart's Orders tab at /patients/:id/orders: the patient's lab and medication orders, newest
 * first, with status, date and who ordered them; "New lab order", "Order set or panels" (several
 * lab orders with their specimens in one go), "New imaging order" and "New medication order"
 * (form, review with the order checks, sign); cancel a lab order or discontinue a medication,
 * with a reason.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Card, Center, Group, Loader, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import type { MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import { useMe } from '../../auth/me.ts';
import { useFhir, useLoad } from '../../fhir/use-fhir.ts';
import { formatDateTime } from '../../fhir/format.ts';
import { CancelOrderDialog } from './CancelOrderDialog.tsx';
import { NewOrder, type OrderKind } from './NewOrder.tsx';
import { NewLabOrders, type CatalogueOrderKind } from './NewLabOrders.tsx';
import { cancelOrder, isCancellable } from './order-model.ts';
import { isImagingOrder } from './lab-model.ts';
import { loadOrders, type OrderRow } from './orders-data.ts';
import './orders.css';
import '../../inbox/inbox.css';

const STATUS_COLOR: Record<string, string> = { active: 'green.9', draft: 'gray.8', 'on-hold': 'orange.9', completed: 'blue.9', revoked: 'red.9', stopped: 'red.9', cancelled: 'red.9', 'entered-in-error': 'gray.8' };

function StatusBadge({ status }: { status: string }) {
  const color = STATUS_COLOR[status] ?? 'gray.8';
  return (
    <Badge variant="light" color={color} c={color} data-status={status}>
      {status}
    </Badge>
  );
}

export function Orders({ patientId }: { patientId: string }) {
  const me = useMe();
  const client = useFhir();
  const [reload, setReload] = useState(0);
  const [composing, setComposing] = useState<OrderKind | CatalogueOrderKind>();
  const [cancelling, setCancelling] = useState<OrderRow>();
  const [show, setShow] = useState<'all' | 'active'>('all');
  const [notice, setNotice] = useState<string>();
  const { data, error, loading } = useLoad((c, signal) => loadOrders(c, patientId, signal), [patientId, reload]);

  const cancel = async (row: OrderRow, reason: string) => {
    if (!me) return;
    const changed = cancelOrder(row.order, reason, me, new Date());
    await client.update<'ServiceRequest' | 'MedicationRequest'>(changed as ServiceRequest & MedicationRequest);
    setCancelling(undefined);
    setNotice(`${row.name} ${row.kind === 'lab' ? 'cancelled' : 'discontinued'}.`);
    setReload((n) => n + 1);
  };

  if (error) {
    return (
      <Alert color="red" role="alert" title="The orders could not be loaded">
        {error.message}
      </Alert>
    );
  }
  if (!data) {
    return (
      <Center h={200}>
        <Loader role="progressbar" aria-label={loading ? 'Loading the orders' : 'Orders'} />
      </Center>
    );
  }
  const rows = show === 'active' ? data.rows.filter((r) => isCancellable(r.order)) : data.rows;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <SegmentedControl
          aria-label="Which orders"
          value={show}
          onChange={(v) => setShow(v as 'all' | 'active')}
          data={[
            { value: 'all', label: `All (${data.rows.length})` },
            { value: 'active', label: 'Active' },
          ]}
        />
        {me && !composing && (
          <Group gap="xs">
            <Button onClick={() => setComposing('lab')}>New lab order</Button>
            <Button onClick={() => setComposing('lab-set')}>Order set or panels</Button>
            <Button onClick={() => setComposing('imaging')}>New imaging order</Button>
            <Button onClick={() => setComposing('medication')}>New medication order</Button>
          </Group>
        )}
      </Group>
      <div role="status" aria-live="polite">
        {notice && (
          <Text size="sm" c="green.9">
            {notice}
          </Text>
        )}
      </div>
      {(composing === 'lab-set' || composing === 'imaging') && me && (
        <NewLabOrders
          key={composing}
          kind={composing}
          patient={patientId}
          me={me}
          problems={data.problems}
          encounter={data.encounter}
          onCancel={() => setComposing(undefined)}
          onDone={(count) => {
            setComposing(undefined);
            setNotice(count > 1 ? `${count} orders signed.` : `${composing === 'imaging' ? 'Imaging order' : 'Lab order'} signed.`);
            setReload((n) => n + 1);
          }}
        />
      )}
      {(composing === 'lab' || composing === 'medication') && me && (
        <NewOrder
          key={composing}
          kind={composing}
          patient={patientId}
          me={me}
          problems={data.problems}
          encounter={data.encounter}
          onCancel={() => setComposing(undefined)}
          onDone={(created) => {
            setComposing(undefined);
            setNotice(`${created.resourceType === 'ServiceRequest' ? 'Lab order' : 'Medication order'} signed.`);
            setReload((n) => n + 1);
          }}
        />
      )}
      <Card withBorder padding={0}>
        {rows.length === 0 ? (
          <Text p="md" className="muted">
            No orders.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Orders" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Order</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Ordered</Table.Th>
                  <Table.Th>Ordered by</Table.Th>
                  <Table.Th>
                    <span className="muted">Action</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={`${r.order.resourceType}/${r.order.id}`} data-order={`${r.order.resourceType}/${r.order.id}`}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {r.name}
                      </Text>
                      {r.detail && (
                        <Text size="sm" className="muted">
                          {r.detail}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{r.kind === 'medication' ? 'Medication' : r.order.resourceType === 'ServiceRequest' && isImagingOrder(r.order) ? 'Imaging' : 'Lab'}</Table.Td>
                    <Table.Td className="orders-status">
                      <StatusBadge status={r.order.status} />
                    </Table.Td>
                    <Table.Td>{formatDateTime(r.date)}</Table.Td>
                    <Table.Td>{r.requester}</Table.Td>
                    <Table.Td>
                      {isCancellable(r.order) && me && (
                        <Button size="xs" variant="default" onClick={() => setCancelling(r)} aria-label={`${r.kind === 'lab' ? 'Cancel' : 'Discontinue'} ${r.name}`}>
                          {r.kind === 'lab' ? 'Cancel' : 'Discontinue'}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      {cancelling && (
        <CancelOrderDialog
          title={`${cancelling.kind === 'lab' ? 'Cancel' : 'Discontinue'} ${cancelling.name}`}
          action={cancelling.kind === 'lab' ? 'Cancel order' : 'Discontinue'}
          onClose={() => setCancelling(undefined)}
          onConfirm={(reason) => cancel(cancelling, reason)}
        />
      )}
    </Stack>
  );
}

