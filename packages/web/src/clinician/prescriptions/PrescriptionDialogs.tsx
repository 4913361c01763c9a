/**
 * The dialogs that act on a signed prescription, from the Medications tab: Renew (quantity and
 * refills editable, the sig unchanged), Change (the full medication form, prefilled from the
 * order, and why) and Discontinue (a coded reason and detail). Renew and Change write the new
 * order and retire the old one in one transaction; all three pin the version read, so a change
 * someone made meanwhile is reported, never overwritten.
 */
import { useState } from 'react';
import { Select, SimpleGrid, Text, TextInput } from '@mantine/core';
import type { MedicationRequest } from '@medplum/fhirtypes';
import { conceptText } from '../../fhir/format.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import { EntryModal } from '../lists/EntryModal.tsx';
import { MedicationOrderForm } from '../orders/MedicationOrderForm.tsx';
import { checkMedication, type Errors, type MedicationDraft } from '../orders/order-model.ts';
import { changeBundle, checkRenew, discontinuePrescription, DISCONTINUE_REASONS, draftFromOrder, renewBundle, type DiscontinueCode, type RenewChoices } from './prescription-model.ts';

export interface ActionProps {
  order: MedicationRequest;
  patientId: string;
  /** The signed-in prescriber (`Practitioner/<id>`). */
  me: string;
  onClose: () => void;
  onDone: () => void;
}

const nameOf = (o: MedicationRequest) => conceptText(o.medicationCodeableConcept);
const context = (patientId: string, me: string) => ({ patient: `Patient/${patientId}`, requester: me, now: new Date() });

export function RenewDialog({ order, patientId, me, onClose, onDone }: ActionProps) {
  const client = useFhir();
  const [choices, setChoices] = useState<RenewChoices>({ quantity: String(order.dispenseRequest?.quantity?.value ?? ''), refills: String(order.dispenseRequest?.numberOfRepeatsAllowed ?? 0) });
  const [errors, setErrors] = useState<ReturnType<typeof checkRenew>>({});
  return (
    <EntryModal
      opened
      size="md"
      title={`Renew: ${nameOf(order)}`}
      submitLabel="Sign renewal"
      onClose={onClose}
      onSubmit={async () => {
        const e = checkRenew(choices);
        setErrors(e);
        if (Object.keys(e).length > 0) return false;
        await client.transaction(renewBundle(order, choices, context(patientId, me)));
        onDone();
        return true;
      }}
    >
      <Text size="sm">
        <Text span fw={600}>
          Directions:{' '}
        </Text>
        {order.dosageInstruction?.[0]?.text ?? '—'}
      </Text>
      <Text size="sm">{order.dispenseRequest?.performer?.display ? `A new e-prescription goes to ${order.dispenseRequest.performer.display}.` : 'No pharmacy: print the renewal or phone it in.'}</Text>
      <SimpleGrid cols={2} spacing="sm">
        <TextInput label="Quantity to dispense" inputMode="numeric" value={choices.quantity} onChange={(e) => setChoices({ ...choices, quantity: e.currentTarget.value })} error={errors.quantity} withAsterisk data-autofocus />
        <TextInput label="Refills" inputMode="numeric" value={choices.refills} onChange={(e) => setChoices({ ...choices, refills: e.currentTarget.value })} error={errors.refills} withAsterisk />
      </SimpleGrid>
    </EntryModal>
  );
}

export function ChangeDialog({ order, patientId, me, onClose, onDone }: ActionProps) {
  const client = useFhir();
  const [draft, setDraft] = useState<MedicationDraft>(() => draftFromOrder(order));
  const [errors, setErrors] = useState<Errors<MedicationDraft>>({});
  const [why, setWhy] = useState('');
  return (
    <EntryModal
      opened
      title={`Change: ${nameOf(order)}`}
      submitLabel="Sign changed prescription"
      onClose={onClose}
      onSubmit={async () => {
        const e = checkMedication(draft);
        setErrors(e);
        if (Object.keys(e).length > 0) return false;
        await client.transaction(changeBundle(order, draft, why, context(patientId, me)));
        onDone();
        return true;
      }}
    >
      <Text size="sm">The current prescription is stopped as changed, and the new one replaces it.</Text>
      <MedicationOrderForm draft={draft} errors={errors} onChange={setDraft} patientId={patientId} />
      <TextInput label="Why it changes" placeholder="e.g. dose increased, blood pressure above target" value={why} onChange={(e) => setWhy(e.currentTarget.value)} maxLength={200} />
    </EntryModal>
  );
}

export function DiscontinueDialog({ order, me, onClose, onDone }: ActionProps) {
  const client = useFhir();
  const [code, setCode] = useState<DiscontinueCode | null>(null);
  const [detail, setDetail] = useState('');
  const [errors, setErrors] = useState<{ code?: string; detail?: string }>({});
  return (
    <EntryModal
      opened
      size="md"
      danger
      title={`Discontinue: ${nameOf(order)}`}
      submitLabel="Discontinue"
      onClose={onClose}
      onSubmit={async () => {
        const e = { ...(!code ? { code: 'Choose a reason' } : {}), ...(code === 'other' && !detail.trim() ? { detail: 'Say why' } : {}) };
        setErrors(e);
        if (!code || Object.keys(e).length > 0) return false;
        await client.update(discontinuePrescription(order, code, detail, me, new Date()));
        onDone();
        return true;
      }}
    >
      <Select label="Reason" data={DISCONTINUE_REASONS.map((r) => ({ value: r.code, label: r.display }))} value={code} onChange={(v) => {
          setCode(v as DiscontinueCode | null);
          setErrors((e) => ({ ...(e.detail && v === 'other' ? { detail: e.detail } : {}) }));
        }} error={errors.code} withAsterisk data-autofocus />
      <TextInput label={code === 'other' ? 'Reason' : 'Details'} value={detail} onChange={(e) => setDetail(e.currentTarget.value)} error={errors.detail} withAsterisk={code === 'other'} maxLength={300} />
    </EntryModal>
  );
}
