/**
 * The strip above the notes and vitals: the patient's current encounter (type, reason, since
 * when, with whom) and a button to end it, or, when none is in progress, a button that starts
 * one (visit type and reason in a dialog). What the server refuses is shown, never swallowed.
 */
import '../notes/documentation.css';
import { useState } from 'react';
import { Alert, Button, Card, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { conceptText, formatDateTime, refText } from '../../fhir/format.ts';
import { ENCOUNTER_TYPES } from './encounter.ts';
import { useCurrentPractitioner } from '../../auth/me.ts';
import type { CurrentEncounter } from './use-encounter.ts';
import { errorMessage } from '../../fhir/client.ts';

const message = (err: unknown): string => (errorMessage(err));

function StartDialog({ opened, onClose, current }: { opened: boolean; onClose: () => void; current: CurrentEncounter }) {
  const { reference } = useCurrentPractitioner();
  const [type, setType] = useState<string | null>(ENCOUNTER_TYPES[0]!.code!);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    if (!reference) {
      setError('Only a practitioner can start an encounter');
      return;
    }
    if (!type) {
      setError('Choose the visit type');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await current.start(type, reason, reference);
      onClose();
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Start encounter" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <Select label="Visit type" data={ENCOUNTER_TYPES.map((t) => ({ value: t.code!, label: t.display! }))} value={type} onChange={setType} allowDeselect={false} required />
          <TextInput label="Reason for visit" placeholder="e.g. Cough for three days" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={200} data-autofocus />
          {error && (
            <Alert color="red" role="alert" title="The encounter was not started">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Start encounter
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function EncounterBar({ current }: { current: CurrentEncounter }) {
  const [opened, setOpened] = useState(false);
  const [error, setError] = useState<string>();
  const [ending, setEnding] = useState(false);
  const e = current.encounter;
  if (current.loading) return null;
  const end = async () => {
    setEnding(true);
    setError(undefined);
    try {
      await current.end();
    } catch (err) {
      setError(message(err));
    } finally {
      setEnding(false);
    }
  };
  return (
    <Card withBorder padding="sm" component="section" aria-label="Current encounter" className="encounter-bar">
      <Group justify="space-between" wrap="wrap" gap="sm">
        {e ? (
          <div>
            <Text fw={600} size="sm">
              Encounter in progress: {e.type?.[0] ? conceptText(e.type[0]) : 'Visit'}
              {e.reasonCode?.[0] ? ` · ${conceptText(e.reasonCode[0])}` : ''}
            </Text>
            <Text size="sm" className="muted">
              Started {formatDateTime(e.period?.start)}
              {e.participant?.[0]?.individual ? ` · ${refText(e.participant[0].individual) ?? ''}` : ''}
              {e.serviceProvider?.display ? ` · ${e.serviceProvider.display}` : ''}
            </Text>
          </div>
        ) : (
          <Text size="sm">No encounter in progress. Start one to write notes and record vitals for this visit.</Text>
        )}
        {e ? (
          <Button variant="default" size="sm" onClick={() => void end()} loading={ending}>
            End encounter
          </Button>
        ) : (
          <Button size="sm" onClick={() => setOpened(true)}>
            Start encounter
          </Button>
        )}
      </Group>
      {(error ?? current.error) && (
        <Alert color="red" role="alert" mt="sm">
          {error ?? current.error?.message}
        </Alert>
      )}
      <StartDialog opened={opened} onClose={() => setOpened(false)} current={current} />
    </Card>
  );
}
