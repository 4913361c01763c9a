/**
 * A new order, in two steps: the form, then a review of the order as it will be sent, with the
 * decision-support checks (`OrderChecks`), and "Sign order", which creates it (status active)
 * with the signed-in practitioner as requester. Nothing is written before signing.
 */
import { useCallback, useMemo, useState } from 'react';
import { Alert, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { Condition, Encounter, MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import { useFhir } from '../../fhir/use-fhir.ts';
import { conceptText, formatDateTime } from '../../fhir/format.ts';
import { LabOrderForm } from './LabOrderForm.tsx';
import { MedicationOrderForm } from './MedicationOrderForm.tsx';
import { OrderChecks } from './OrderChecks.tsx';
import {
  buildLabOrder,
  buildMedicationOrder,
  checkLab,
  checkMedication,
  emptyLab,
  emptyMedication,
  type Errors,
  type LabDraft,
  type MedicationDraft,
  type OrderContext,
} from './order-model.ts';
import { errorMessage } from '../../fhir/client.ts';

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
          ['Refills', String(order.dispenseRequest?.numberOfRepeatsAllowed ?? 0)],
          ['Substitution', order.substitution?.allowedBoolean ? 'Generic substitution allowed' : 'Dispense as written'],
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
  const [review, setReview] = useState<{ order: ServiceRequest | MedicationRequest; ctx: OrderContext }>();
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const onReady = useCallback((r: boolean) => setReady(r), []);
  const drafts = useMemo(() => (review ? [review.order] : []), [review]);
  const title = kind === 'lab' ? 'New lab order' : 'New medication order';

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
    const ctx: OrderContext = { patient: `Patient/${patient}`, requester: me, ...(encounter?.id ? { encounter: `Encounter/${encounter.id}` } : {}), now: new Date() };
    setReview({ order: kind === 'lab' ? buildLabOrder(lab, ctx) : buildMedicationOrder(med, ctx), ctx });
    setError(undefined);
  };
  const sign = async () => {
    if (!review) return;
    setBusy(true);
    setError(undefined);
    try {
      // Signed now: the order's time is the signature's.
      const order = { ...review.order, authoredOn: new Date().toISOString() };
      onDone(await client.create(order));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

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
            <Stack gap={4}>
              <Title order={3} size="h5">
                Order checks
              </Title>
              <OrderChecks drafts={drafts} patient={review.ctx.patient} user={me} {...(review.ctx.encounter ? { encounter: review.ctx.encounter } : {})} onReady={onReady} />
            </Stack>
          </>
        ) : kind === 'lab' ? (
          <LabOrderForm draft={lab} errors={errors} problems={problems} onChange={editLab} />
        ) : (
          <MedicationOrderForm draft={med} errors={errors} onChange={editMed} />
        )}
        {error && (
          <Alert color="red" role="alert" title="The order was not signed">
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
