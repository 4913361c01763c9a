/**
 * The dialogs that decide what a patient asked from the portal, from the Tasks page: approve a
 * refill (the renewal form: quantity and refills), deny a refill (a reason), and accept or deny an
 * amendment (a reason, required to deny). Each writes through portal-requests.ts.
 */
import { useState } from 'react';
import { Radio, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import type { MedicationRequest, Task } from '@medplum/fhirtypes';
import { conceptText } from '../fhir/format.ts';
import { useFhir, useLoad } from '../fhir/use-fhir.ts';
import { EntryModal } from '../clinician/lists/EntryModal.tsx';
import { checkRenew, type RenewChoices } from '../clinician/prescriptions/prescription-model.ts';
import { amendmentDecision, approveRefillBundle, denyRefill, requestText } from './portal-requests.ts';

interface Props {
  task: Task;
  me: string;
  onClose: () => void;
  onDone: (notice: string) => void;
}

function RenewFields({ order, task, me, onClose, onDone }: Props & { order: MedicationRequest }) {
  const client = useFhir();
  const [choices, setChoices] = useState<RenewChoices>({ quantity: String(order.dispenseRequest?.quantity?.value ?? ''), refills: String(order.dispenseRequest?.numberOfRepeatsAllowed ?? 0) });
  const [errors, setErrors] = useState<ReturnType<typeof checkRenew>>({});
  const name = conceptText(order.medicationCodeableConcept);
  return (
    <EntryModal
      opened
      size="md"
      title={`Approve refill: ${name}`}
      submitLabel="Sign renewal"
      onClose={onClose}
      onSubmit={async () => {
        const e = checkRenew(choices);
        setErrors(e);
        if (Object.keys(e).length > 0) return false;
        await client.transaction(approveRefillBundle(task, order, choices, me, new Date()));
        onDone(`Refill of ${name} approved and renewed.`);
        return true;
      }}
    >
      {requestText(task) && <Text size="sm">The patient wrote: “{requestText(task)}”</Text>}
      <Text size="sm">Directions: {order.dosageInstruction?.[0]?.text ?? '—'}</Text>
      <SimpleGrid cols={2} spacing="sm">
        <TextInput label="Quantity to dispense" inputMode="numeric" value={choices.quantity} onChange={(e) => setChoices({ ...choices, quantity: e.currentTarget.value })} error={errors.quantity} withAsterisk data-autofocus />
        <TextInput label="Refills" inputMode="numeric" value={choices.refills} onChange={(e) => setChoices({ ...choices, refills: e.currentTarget.value })} error={errors.refills} withAsterisk />
      </SimpleGrid>
    </EntryModal>
  );
}

export function ApproveRefillDialog(props: Props) {
  const order = useLoad((c, signal) => c.read('MedicationRequest', props.task.focus?.reference?.replace(/^MedicationRequest\//, '') ?? '', signal), [props.task.id]);
  if (order.error) {
    return (
      <EntryModal opened size="md" title="Approve refill" submitLabel="Close" onClose={props.onClose} onSubmit={() => Promise.resolve(true)}>
        <Text size="sm">The prescription could not be read: {order.error.message}</Text>
      </EntryModal>
    );
  }
  return order.data ? <RenewFields {...props} order={order.data} /> : null;
}

export function DenyRefillDialog({ task, onClose, onDone }: Props) {
  const client = useFhir();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  return (
    <EntryModal
      opened
      size="md"
      danger
      title={`Deny: ${task.description ?? 'refill request'}`}
      submitLabel="Deny refill"
      onClose={onClose}
      onSubmit={async () => {
        if (!reason.trim()) {
          setError('Say why: the patient is told');
          return false;
        }
        await client.update(denyRefill(task, reason, new Date()));
        onDone('Refill request denied.');
        return true;
      }}
    >
      <Textarea label="Reason (shown to the patient)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error} withAsterisk autosize minRows={2} data-autofocus />
    </EntryModal>
  );
}

export function AmendmentDialog({ task, onClose, onDone }: Props) {
  const client = useFhir();
  const [decision, setDecision] = useState<'accepted' | 'denied'>('accepted');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  return (
    <EntryModal
      opened
      size="md"
      title="Amendment request"
      submitLabel={decision === 'accepted' ? 'Accept amendment' : 'Deny amendment'}
      onClose={onClose}
      onSubmit={async () => {
        if (decision === 'denied' && !reason.trim()) {
          setError('A denial needs a reason: the patient is told why');
          return false;
        }
        await client.operation(`Task/${task.id ?? ''}/$decide-amendment`, amendmentDecision(decision, reason).parameter);
        onDone(decision === 'accepted' ? 'Amendment accepted.' : 'Amendment denied.');
        return true;
      }}
    >
      <Stack gap={4}>
        <Text size="sm" fw={600}>
          The patient asks:
        </Text>
        <Text size="sm">{requestText(task) ?? '—'}</Text>
        {task.focus?.reference && <Text size="sm" className="muted">About {task.focus.display ?? task.focus.reference}</Text>}
        {task.restriction?.period?.end && <Text size="sm" className="muted">Decide by {new Date(task.restriction.period.end).toLocaleDateString('en-US', { dateStyle: 'medium' })} (60 days).</Text>}
      </Stack>
      <Radio.Group label="Decision" value={decision} onChange={(v) => setDecision(v as 'accepted' | 'denied')} withAsterisk>
        <Stack gap={6} mt={4}>
          <Radio value="accepted" label="Accept: the record will be amended" />
          <Radio value="denied" label="Deny" />
        </Stack>
      </Radio.Group>
      <Textarea label={decision === 'denied' ? 'Reason (shown to the patient)' : 'Note (optional)'} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error} withAsterisk={decision === 'denied'} autosize minRows={2} />
    </EntryModal>
  );
}
