/**
 * New lab orders (an order set, panels or tests) or a new imaging order, in two steps like every
 * order: the form, then a review of exactly what will be sent (each order with its specimen, the
 * requisition number) with the decision-support checks, and "Sign orders", which writes them all
 * in one transaction (orders and specimens together, or nothing).
 */
import { useCallback, useMemo, useState } from 'react';
import { Alert, Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import type { Condition, Encounter, ServiceRequest } from '@medplum/fhirtypes';
import { useFhir, useLoad } from '../../fhir/use-fhir.ts';
import { conceptText } from '../../fhir/format.ts';
import { errorMessage } from '../../fhir/client.ts';
import { OrderChecks } from './OrderChecks.tsx';
import { ImagingOrderForm } from './ImagingOrderForm.tsx';
import { LabSetForm } from './LabSetForm.tsx';
import { loadCatalogue } from './lab-catalogue.ts';
import { buildImagingOrder, buildLabOrders, checkImaging, checkLabSet, emptyImaging, emptyLabSet, shortNumber, type Catalogue, type ImagingDraft, type LabSetDraft } from './lab-model.ts';
import type { OrderContext } from './order-model.ts';

export type CatalogueOrderKind = 'lab-set' | 'imaging';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const PRIORITY = { routine: 'Routine', urgent: 'Urgent', stat: 'STAT' } as const;

interface Review {
  orders: ServiceRequest[];
  write: () => Promise<unknown>;
  requisition?: string;
  ctx: OrderContext;
}

function ReviewTable({ orders, requisition }: { orders: ServiceRequest[]; requisition?: string | undefined }) {
  return (
    <Stack gap={4}>
      {requisition && <Text size="sm">Requisition {requisition}</Text>}
      <Table withTableBorder aria-label="Orders to sign">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Order</Table.Th>
            <Table.Th>{orders[0]?.bodySite ? 'Body site' : 'Specimen'}</Table.Th>
            <Table.Th>Priority</Table.Th>
            <Table.Th>Reason and notes</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {orders.map((o, i) => (
            <Table.Tr key={i}>
              <Table.Td>{`${conceptText(o.code)} (LOINC ${o.code?.coding?.[0]?.code ?? ''})`}</Table.Td>
              <Table.Td>{o.bodySite?.[0]?.text ?? o.specimen?.[0]?.display ?? 'None'}</Table.Td>
              <Table.Td>{PRIORITY[o.priority as keyof typeof PRIORITY] ?? o.priority}</Table.Td>
              <Table.Td>{[...(o.reasonReference ?? []).map((r) => r.display ?? r.reference), ...(o.note ?? []).map((n) => n.text)].join('; ') || 'None given'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

export function NewLabOrders({ kind, patient, me, problems, encounter, onDone, onCancel }: { kind: CatalogueOrderKind; patient: string; me: string; problems: Condition[]; encounter: Encounter | undefined; onDone: (count: number) => void; onCancel: () => void }) {
  const client = useFhir();
  const catalogue = useLoad((c, signal) => loadCatalogue(c, signal), []);
  const [labs, setLabs] = useState<LabSetDraft>(emptyLabSet);
  const [imaging, setImaging] = useState<ImagingDraft>(emptyImaging);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [review, setReview] = useState<Review>();
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const onReady = useCallback((r: boolean) => setReady(r), []);
  const drafts = useMemo(() => review?.orders ?? [], [review]);
  const title = kind === 'lab-set' ? 'New lab orders' : 'New imaging order';

  const toReview = (cat: Catalogue) => {
    const e = kind === 'lab-set' ? checkLabSet(labs) : checkImaging(imaging);
    setErrors(e as Record<string, string>);
    if (Object.keys(e).length > 0) return;
    const ctx: OrderContext = { patient: `Patient/${patient}`, requester: me, ...(encounter?.id ? { encounter: `Encounter/${encounter.id}` } : {}), now: new Date() };
    setError(undefined);
    if (kind === 'lab-set') {
      const requisition = shortNumber('R', random(8));
      const built = buildLabOrders(labs, cat, ctx, { requisition, placer: (i) => `${requisition}-${i + 1}`, uuid: () => crypto.randomUUID() });
      setReview({ orders: built.orders, requisition, ctx, write: () => client.transaction(built.bundle) });
    } else {
      const order = buildImagingOrder(imaging, cat, ctx, shortNumber('I', random(8)));
      setReview({ orders: [order], ctx, write: () => client.create(order) });
    }
  };
  const sign = async () => {
    if (!review) return;
    setBusy(true);
    setError(undefined);
    try {
      await review.write();
      onDone(review.orders.length);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="new-catalogue-order-title">
      <Stack gap="md">
        <Title order={2} size="h3" id="new-catalogue-order-title">
          {review ? `Review and sign: ${title.toLowerCase()}` : title}
        </Title>
        {catalogue.error ? (
          <Alert color="red" role="alert" title="The order catalogue could not be loaded">
            {catalogue.error.message}
          </Alert>
        ) : !catalogue.data ? (
          <Center h={120}>
            <Loader aria-label="Loading the order catalogue" />
          </Center>
        ) : review ? (
          <>
            <ReviewTable orders={review.orders} requisition={review.requisition} />
            <Stack gap={4}>
              <Title order={3} size="h5">
                Order checks
              </Title>
              <OrderChecks drafts={drafts} patient={review.ctx.patient} user={me} {...(review.ctx.encounter ? { encounter: review.ctx.encounter } : {})} onReady={onReady} />
            </Stack>
          </>
        ) : kind === 'lab-set' ? (
          <LabSetForm catalogue={catalogue.data} draft={labs} errors={errors} problems={problems} onChange={setLabs} />
        ) : (
          <ImagingOrderForm catalogue={catalogue.data} draft={imaging} errors={errors} problems={problems} onChange={setImaging} />
        )}
        {error && (
          <Alert color="red" role="alert" title="The orders were not signed">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Discard
          </Button>
          {review ? (
            <>
              <Button variant="default" onClick={() => setReview(undefined)}>
                Back to edit
              </Button>
              <Button onClick={() => void sign()} loading={busy} disabled={!ready}>
                {review.orders.length > 1 ? `Sign ${review.orders.length} orders` : 'Sign order'}
              </Button>
            </>
          ) : (
            <Button onClick={() => catalogue.data && toReview(catalogue.data)} disabled={!catalogue.data}>
              Review orders
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
