/**
 * The frame of every add, edit and action form on the lists: a modal with its title, the fields,
 * what the server refused (its OperationOutcome text), and Save / Cancel. Enter in a field
 * submits; the modal's own Escape and close button cancel.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import { errorMessage } from '../../fhir/client.ts';

export interface EntryModalProps {
  opened: boolean;
  title: string;
  submitLabel: string;
  onClose: () => void;
  /** Checks and saves; resolves true when done (the modal then closes), false to stay open. */
  onSubmit: () => Promise<boolean>;
  danger?: boolean;
  size?: string;
  children: ReactNode;
}

export function EntryModal({ opened, title, submitLabel, onClose, onSubmit, danger, size = 'lg', children }: EntryModalProps) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const close = () => {
    setFailure(undefined);
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      if (await onSubmit()) close();
    } catch (err) {
      setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={close} title={title} size={size} centered>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label={title}>
        <Stack gap="sm">
          {children}
          {failure && (
            <Alert color="red" role="alert" title="Not saved">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} color={danger ? 'red.9' : undefined}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
