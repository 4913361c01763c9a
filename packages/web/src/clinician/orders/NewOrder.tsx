/**
 * A new order, in two steps: the form, then a review of the order as it will be sent, and "Sign
 * order", which creates it (status active) with the signed-in practitioner as requester. Decision
 * support runs in both: while a medication is composed, CDS Hooks `order-select` is asked about
 * the draft and its cards show under the form; the review asks `order-sign`, and every critical
 * or warning card must be acted on (a suggestion) or overridden with a reason before signing. The
 * order and a DetectedIssue per override are written in one transaction; nothing before signing.
 */
import { useCallback, useState } from 'react';
import { Alert, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { Condition, Encounter, MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import { useFhir } from '../../fhir/use-fhir.ts';
import { conceptText, formatDateTime } from '../../fhir/format.ts';
import { LabOrderForm } from './LabOrderForm.tsx';
import { MedicationOrderForm } from './MedicationOrderForm.tsx';
import { OrderChecks, type Decide } from './OrderChecks.tsx';
import { asDraft, draftRef, orderSelect, orderSign, requestKey, type OrderCheckContext } from './order-checks.ts';
import {
  buildLabOrder,
  buildMedicationOrder,
  checkLab,
  checkMedication,
  emptyLab,
  emptyMedication,
  RXNORM,
  type Errors,
  type LabDraft,
  type MedicationDraft,
  type OrderContext,
} from './order-model.ts';
import { errorMessage } from '../../fhir/client.ts';
import { feedbackFor, replaceDraft, undecided, type Decision } from '../../cds/card-model.ts';
import { sendFeedback } from '../../cds/hook-client.ts';
import { signOrder } from '../../cds/sign-order.ts';
import { useHook } from '../../cds/use-hook.ts';
import { newUuid } from '../../cds/uuid.ts';

export type OrderKind = 'lab' | 'medication';

function Summary({ order }: { order: ServiceRequest | MedicationRequest }) {
  const rows: [string, string][] =
    order.resourceType === 'ServiceRequest'
      ? [
          ['Test', `${conceptText(order.code)} (LOINC ${order.code?.coding?.[0]?.code ?? ''})`],
          ['Priority', order.priority === 'stat' ? 'STAT' : order.priority === 'urgent' ? 'Urgent' : 'Routine'],
          ['Reason', (order.reasonReference ?? []).map((r) => r.display ?? r.reference).join('; ') || 'None given'],
          ['Note to the lab', order.note?.[0]?.text ?? 'None'],
        ]
      : [
          ['Medication', `${conceptText(order.medicationCodeableConcept)} (RxNorm ${order.medicationCodeableConcept?.coding?.[0]?.code ?? ''})`],
          ['Directions', order.dosageInstruction?.[0]?.text ?? ''],
          ['Dispense', `${order.dispenseRequest?.quantity?.value ?? ''} ${order.dispenseRequest?.quantity?.unit ?? ''}`.trim()],
          ['Duration', order.dispenseRequest?.expectedSupplyDuration?.value !== undefined ? `${order.dispenseRequest.expectedSupplyDuration.value} days` : 'Not stated'],
          ['Refills', String(order.dispenseRequest?.numberOfRepeatsAllowed ?? 0)],
          ['Substitution', order.substitution?.allowedBoolean ? 'Generic substitution allowed' : `Dispense as written${order.substitution?.reason?.text ? `: ${order.substitution.reason.text}` : ''}`],
          ['Pharmacy', order.dispenseRequest?.performer?.display ?? 'None: printed or phoned in'],
          ['Note to the pharmacy', order.note?.[0]?.text ?? 'None'],
        ];
  return (
    <Table variant="vertical" withTableBorder aria-label="Order to sign">
      <Table.Tbody>
        {rows.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Th w={200}>{k}</Table.Th>
            <Table.Td>{v}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function NewOrder({ kind, patient, me, problems, encounter, onDone, onCancel }: { kind: OrderKind; patient: string; me: string; problems: Condition[]; encounter: Encounter | undefined; onDone: (created: ServiceRequest | MedicationRequest) => void; onCancel: () => void }) {
  const client = useFhir();
  const [lab, setLab] = useState<LabDraft>(emptyLab);
  const [med, setMed] = useState<MedicationDraft>(emptyMedication);
  const [errors, setErrors] = useState<Errors<LabDraft> & Errors<MedicationDraft>>({});
  const [review, setReview] = useState<{ order: ServiceRequest | MedicationRequest }>();
  const [decisions, setDecisions] = useState<ReadonlyMap<string, Decision>>(new Map());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // The draft's own id, made here: the cards name the draft by it, and it is the order's urn:uuid when signed.
  const [draftId] = useState(() => newUuid());
  const title = kind === 'lab' ? 'New lab order' : 'New medication order';
  const checkCtx: OrderCheckContext = { patient: `Patient/${patient}`, user: me, ...(encounter?.id ? { encounter: `Encounter/${encounter.id}` } : {}) };
  const orderCtx = (): OrderContext => ({ patient: checkCtx.patient, requester: me, ...(checkCtx.encounter ? { encounter: checkCtx.encounter } : {}), now: new Date() });

  // order-select: once the medication form is complete, and again when the drug or the dose changes.
  const selectable = kind === 'medication' && !review && Object.keys(checkMedication(med)).length === 0;
  const selectKey = selectable ? JSON.stringify([med.medication?.code, med.dose, med.doseUnit, med.route, med.frequency, med.asNeeded]) : undefined;
  const selectRequest = selectable ? orderSelect(asDraft(buildMedicationOrder(med, orderCtx()), draftId), checkCtx) : undefined;
  const selected = useHook(selectRequest, selectKey, 400);
  // order-sign: for the order under review, again whenever a suggestion changes it.
  const signRequest = review ? orderSign([review.order], checkCtx) : undefined;
  const signKey = signRequest && requestKey(signRequest);
  const signing = useHook(signRequest, signKey);
  const checked = signKey !== undefined && signing.key === signKey && !signing.loading;
  const pending = undecided(signing.cards, decisions).length;
  const ready = checked && pending === 0;

  // A field's message goes as soon as the field is put right; new ones wait for "Review order".
  const editLab = (d: LabDraft) => {
    setLab(d);
    const still = checkLab(d);
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k in still)));
  };
  const editMed = (d: MedicationDraft) => {
    setMed(d);
    const still = checkMedication(d);
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k in still)));
  };
  const toReview = () => {
    const e = kind === 'lab' ? checkLab(lab) : checkMedication(med);
    setErrors(e);
    if (Object.keys(e).length > 0) return;
    const ctx = orderCtx();
    setReview({ order: asDraft(kind === 'lab' ? buildLabOrder(lab, ctx) : buildMedicationOrder(med, ctx), draftId) });
    setDecisions(new Map());
    setError(undefined);
  };
  const decide: Decide | undefined = review && {
    decisions,
    draftRef: draftRef(review.order),
    onDecide: (card, decision) =>
      setDecisions((ds) => {
        const next = new Map(ds);
        if (decision) next.set(card.uuid, decision);
        else next.delete(card.uuid);
        return next;
      }),
    onAccept: (card, suggestion, effect) => {
      void sendFeedback(client, [feedbackFor(card, { kind: 'accepted', suggestion: suggestion.uuid }, new Date())]);
      if (effect.kind === 'remove') {
        onCancel();
        return;
      }
      // The medication (or test) replaced; the review's checks run again on the changed draft.
      const order = replaceDraft(review.order, effect.with);
      setReview({ order });
      setDecisions(new Map());
      const coding = order.resourceType === 'MedicationRequest' ? order.medicationCodeableConcept?.coding?.find((c) => c.system === RXNORM) : undefined;
      if (coding?.code) setMed((m) => ({ ...m, medication: { system: RXNORM, code: coding.code, ...(coding.display ? { display: coding.display } : {}) } }));
    },
  };
  const sign = async () => {
    if (!review) return;
    setBusy(true);
    setError(undefined);
    try {
      const signed = await signOrder(client, review.order, signing.cards, decisions, { patient: checkCtx.patient, author: me, now: new Date(), newId: newUuid });
      // Feedback follows the signing and never undoes it: a failure is only noted in the console.
      void signed.feedback.then((failed) => failed.length > 0 && console.warn(`Decision-support feedback was not delivered to ${failed.join(', ')}`));
      onDone(signed.order);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  const onBack = useCallback(() => setReview(undefined), []);

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="new-order-title">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={2} size="h3" id="new-order-title">
            {review ? `Review and sign: ${title.toLowerCase()}` : title}
          </Title>
          {encounter && (
            <Text size="sm" className="muted">
              For the visit in progress{encounter.period?.start ? ` since ${formatDateTime(encounter.period.start)}` : ''}
            </Text>
          )}
        </Group>
        {review ? (
          <>
            <Summary order={review.order} />
            <Stack gap={4} component="section" aria-labelledby="order-checks-title">
              <Title order={3} size="h5" id="order-checks-title">
                Order checks
              </Title>
              <OrderChecks state={signing} {...(decide ? { decide } : {})} />
            </Stack>
          </>
        ) : kind === 'lab' ? (
          <LabOrderForm draft={lab} errors={errors} problems={problems} onChange={editLab} />
        ) : (
          <>
            <MedicationOrderForm draft={med} errors={errors} onChange={editMed} />
            {selectKey !== undefined && (
              <Stack gap={4} component="section" aria-labelledby="order-select-title">
                <Title order={3} size="h5" id="order-select-title">
                  Checks so far
                </Title>
                <OrderChecks state={selected} />
              </Stack>
            )}
          </>
        )}
        {error && (
          <Alert color="red" role="alert" title="The order was not signed">
            {error}
          </Alert>
        )}
        {checked && !ready && (
          <Text size="sm" ta="right" id="sign-hint" data-sign-hint>
            {pending === 1 ? 'Act on or override the alert to sign.' : `Act on or override the ${pending} alerts to sign.`}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Discard
          </Button>
          {review ? (
            <>
              <Button variant="default" onClick={onBack}>
                Back to edit
              </Button>
              <Button onClick={() => void sign()} loading={busy} disabled={!ready} aria-describedby={checked && !ready ? 'sign-hint' : undefined}>
                Sign order
              </Button>
            </>
          ) : (
            <Button onClick={toReview}>Review order</Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
