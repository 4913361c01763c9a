/**
 * Acknowledging a critical result asks for an explicit confirmation: the clinician ticks that they
 * have reviewed it and will act on it, then confirms. The caller records the acknowledgement.
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { errorMessage } from '../fhir/client.ts';

export function CriticalAckDialog({ title, onCancel, onConfirm }: { title: string; onCancel: () => void; onConfirm: () => Promise<void> }) {
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onCancel} title={`Acknowledge critical result: ${title}`} centered>
      <Stack gap="sm">
        <Text size="sm">Your acknowledgement is recorded with your name and the time. It tells the lab and your colleagues the critical value has reached you.</Text>
        <Checkbox label="I have reviewed this critical result and will act on it" checked={checked} onChange={(e) => setChecked(e.currentTarget.checked)} />
        {error && (
          <Alert color="red" role="alert" title="Not acknowledged">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button color="red.9" onClick={() => void confirm()} disabled={!checked} loading={busy}>
            Confirm acknowledgement
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
