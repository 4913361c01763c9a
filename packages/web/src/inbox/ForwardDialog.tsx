/** Forwarding a result: to whom (another practitioner) and a note; the caller writes it. */
import { useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Textarea } from '@mantine/core';
import type { Directory } from './practitioners.ts';
import { errorMessage } from '../fhir/client.ts';

export function ForwardDialog({ title, me, directory, onCancel, onForward }: { title: string; me: string; directory: Directory; onCancel: () => void; onForward: (to: string, note: string) => Promise<void> }) {
  const [to, setTo] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!to) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onForward(to, note);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onCancel} title={title} centered>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <Select
            label="Forward to"
            placeholder="Choose a clinician"
            data={directory.list.filter((p) => p.value !== me)}
            value={to}
            onChange={(v) => {
              setTo(v);
              setMissing(false);
            }}
            searchable
            required
            error={missing ? 'Choose who should review this result' : undefined}
          />
          <Textarea label="Note" placeholder="What should they do with it?" value={note} onChange={(e) => setNote(e.currentTarget.value)} rows={3} maxLength={1000} />
          {error && (
            <Alert color="red" role="alert" title="The result was not forwarded">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Forward
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
