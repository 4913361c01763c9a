/**
 * Answering an incoming referral (`Task/<id>/$referral-respond`): accept, decline with a reason,
 * schedule with the appointment's date and time, or complete with the consult report that goes
 * back to the referring organization.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import type { Parameters } from '@medplum/fhirtypes';
import { errorMessage } from '../../fhir/client.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import { respondParameters, validateRespond, type RespondAction } from './referral-model.ts';

export const ACTION_LABELS: Record<RespondAction, string> = { accept: 'Accept', decline: 'Decline', schedule: 'Schedule', complete: 'Complete with report' };
const TITLES: Record<RespondAction, string> = { accept: 'Accept the referral', decline: 'Decline the referral', schedule: 'Schedule the appointment', complete: 'Complete the referral' };
const DONE: Record<RespondAction, string> = { accept: 'accepted', decline: 'declined', schedule: 'scheduled', complete: 'completed; the report was sent back' };

export function RespondDialog({ taskId, action, patient, partner, onCancel, onDone }: { taskId: string; action: RespondAction; patient: string; partner: string; onCancel: () => void; onDone: (notice: string) => void }) {
  const client = useFhir();
  const [reason, setReason] = useState('');
  const [appointmentDate, setAppointmentDate] = useState('');
  const [report, setReport] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async () => {
    const form = { action, reason, appointmentDate, report };
    const problem = validateRespond(form);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      const answer = await client.operation<Parameters>(`Task/${taskId}/$referral-respond`, respondParameters(form));
      const delivered = answer.parameter?.find((p) => p.name === 'delivered')?.valueBoolean !== false;
      onDone(`The referral of ${patient} from ${partner} is ${DONE[action]}.${delivered ? '' : ` ${partner} could not be told yet.`}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onCancel} title={TITLES[action]} centered size={action === 'complete' ? 'lg' : 'md'}>
      <form
        noValidate
        aria-label={TITLES[action]}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            {patient}, referred by {partner}. {partner} is told at once.
          </Text>
          {action === 'schedule' && <TextInput type="datetime-local" label="Appointment date and time" required value={appointmentDate} onChange={(e) => setAppointmentDate(e.currentTarget.value)} />}
          {action === 'complete' && <Textarea label="Consult report" description="Sent to the referring clinician" required autosize minRows={8} value={report} onChange={(e) => setReport(e.currentTarget.value)} />}
          {(action === 'decline' || action === 'accept') && (
            <Textarea label={action === 'decline' ? 'Reason for declining' : 'Comment (optional)'} required={action === 'decline'} autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          )}
          {error && (
            <Alert color="red" role="alert" title="Not sent">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} color={action === 'decline' ? 'red.9' : undefined}>
              {ACTION_LABELS[action]}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
