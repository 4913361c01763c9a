/**
 * New lab orders (an order set, panels or tests) or a new imaging order, in two steps like every
 * order: the form, then a review of exactly what will be sent (each order with its specimen, the
 * requisition number) with the decision-support checks (CDS Hooks `order-sign` over all the drafts,
 * e.g. a duplicate test), and "Sign orders", which writes them all in one transaction (orders,
 * specimens and a DetectedIssue for each overridden card together, or nothing). Every warning or
 * critical card must be overridden with its reason first; the feedback follows the write.
 */
import { useState } from 'react';
import { Alert, Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import type { Bundle, BundleEntry, Condition, Encounter, ServiceRequest } from '@medplum/fhirtypes';
import { useFhir, useLoad } from '../../fhir/use-fhir.ts';
import { conceptText } from '../../fhir/format.ts';
import { errorMessage } from '../../fhir/client.ts';
import { OrderChecks, type Decide } from './OrderChecks.tsx';
import { asDraft, orderSign, requestKey, type OrderCheckContext } from './order-checks.ts';
import { feedbackFor, undecided, type Decision } from '../../cds/card-model.ts';
import type { CdsCard } from '../../cds/cds-types.ts';
import { detectedIssue } from '../../cds/detected-issue.ts';
import { sendFeedback } from '../../cds/hook-client.ts';
import { useHook } from '../../cds/use-hook.ts';
import { newUuid } from '../../cds/uuid.ts';
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
  /** The same orders as drafts, each with the id its `urn:uuid` entry has in `bundle`. */
  drafts: ServiceRequest[];
  /** The transaction that writes them (and their specimens). */
  bundle: Bundle;
  requisition?: string;
}

/** The transaction's entries for `orders`, whose fullUrls are `urn:uuid:<id>`: the drafts the checks see. */
const draftsOf = (bundle: Bundle): ServiceRequest[] =>
  (bundle.entry ?? []).flatMap((e) => (e.resource?.resourceType === 'ServiceRequest' && e.fullUrl?.startsWith('urn:uuid:') ? [asDraft(e.resource, e.fullUrl.slice('urn:uuid:'.length))] : []));

/** The draft a card is about: the one its suggestions act on, else the first. */
function cardDraft(card: CdsCard, drafts: readonly ServiceRequest[]): ServiceRequest {
  const named = new Set((card.suggestions ?? []).flatMap((s) => s.actions.flatMap((a) => a.resourceId ?? [])));
  return drafts.find((d) => named.has(`ServiceRequest/${d.id}`)) ?? drafts[0]!;
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
  const [decisions, setDecisions] = useState<ReadonlyMap<string, Decision>>(new Map());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const title = kind === 'lab-set' ? 'New lab orders' : 'New imaging order';
  const checkCtx: OrderCheckContext = { patient: `Patient/${patient}`, user: me, ...(encounter?.id ? { encounter: `Encounter/${encounter.id}` } : {}) };
  const signRequest = review ? orderSign(review.drafts, checkCtx) : undefined;
  const signKey = signRequest && requestKey(signRequest);
  const signing = useHook(signRequest, signKey);
  const checked = signKey !== undefined && signing.key === signKey && !signing.loading;
  const pending = undecided(signing.cards, decisions).length;
  const ready = checked && pending === 0;
  // Suggestions act on one named draft; in a set of orders only overriding is offered.
  const decide: Decide = {
    decisions,
    draftRef: '',
    onAccept: () => undefined,
    onDecide: (card, decision) =>
      setDecisions((ds) => {
        const next = new Map(ds);
        if (decision) next.set(card.uuid, decision);
        else next.delete(card.uuid);
        return next;
      }),
  };

  const toReview = (cat: Catalogue) => {
    const e = kind === 'lab-set' ? checkLabSet(labs) : checkImaging(imaging);
    setErrors(e as Record<string, string>);
    if (Object.keys(e).length > 0) return;
    const ctx: OrderContext = { patient: `Patient/${patient}`, requester: me, ...(encounter?.id ? { encounter: `Encounter/${encounter.id}` } : {}), now: new Date() };
    setError(undefined);
    if (kind === 'lab-set') {
      const requisition = shortNumber('R', random(8));
      const built = buildLabOrders(labs, cat, ctx, { requisition, placer: (i) => `${requisition}-${i + 1}`, uuid: () => crypto.randomUUID() });
      setReview({ orders: built.orders, drafts: draftsOf(built.bundle), bundle: built.bundle, requisition });
    } else {
      const order = buildImagingOrder(imaging, cat, ctx, shortNumber('I', random(8)));
      const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: `urn:uuid:${newUuid()}`, resource: order, request: { method: 'POST', url: 'ServiceRequest' } }] };
      setReview({ orders: [order], drafts: draftsOf(bundle), bundle });
    }
    setDecisions(new Map());
  };
  const sign = async () => {
    if (!review) return;
    setBusy(true);
    setError(undefined);
    try {
      const now = new Date();
      const overrides = signing.cards.flatMap((card) => {
        const decision = decisions.get(card.uuid);
        return decision?.kind === 'overridden' ? [{ card, decision }] : [];
      });
      const issues: BundleEntry[] = overrides.map(({ card, decision }) => ({
        fullUrl: `urn:uuid:${newUuid()}`,
        resource: detectedIssue(card, decision, `urn:uuid:${cardDraft(card, review.drafts).id}`, { patient: checkCtx.patient, author: me, now, newId: newUuid }),
        request: { method: 'POST', url: 'DetectedIssue' },
      }));
      await client.transaction({ ...review.bundle, entry: [...(review.bundle.entry ?? []), ...issues] });
      // Feedback follows the signing and never undoes it: a failure is only noted in the console.
      if (overrides.length > 0) {
        void sendFeedback(client, overrides.map(({ card, decision }) => feedbackFor(card, decision, now))).then(
          (failed) => failed.length > 0 && console.warn(`Decision-support feedback was not delivered to ${failed.join(', ')}`),
        );
      }
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
            <Loader role="progressbar" aria-label="Loading the order catalogue" />
          </Center>
        ) : review ? (
          <>
            <ReviewTable orders={review.orders} requisition={review.requisition} />
            <Stack gap={4}>
              <Title order={3} size="h5">
                Order checks
              </Title>
              <OrderChecks state={signing} decide={decide} />
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
        {checked && !ready && (
          <Text size="sm" ta="right" id="lab-sign-hint" data-sign-hint>
            {pending === 1 ? 'Override the alert to sign.' : `Override the ${pending} alerts to sign.`}
          </Text>
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
              <Button onClick={() => void sign()} loading={busy} disabled={!ready} aria-describedby={checked && !ready ? 'lab-sign-hint' : undefined}>
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
