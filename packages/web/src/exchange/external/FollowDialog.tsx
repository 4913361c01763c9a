/**
 * "Follow for new results and admissions": subscribes this clinic at the partner
 * (`$follow-partner`) for the chosen topics, so news about the patient there arrives in the inbox.
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { errorMessage } from '../../fhir/client.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import { TOPICS } from './codes.ts';
import { failureTitle } from './failure.ts';
import type { Candidate } from './match-model.ts';

const CHOICES = [
  { value: TOPICS.newResult, label: 'New results' },
  { value: TOPICS.admission, label: 'Admissions' },
  { value: TOPICS.discharge, label: 'Discharges' },
];

export function FollowDialog({ patientId, candidate, onClose }: { patientId: string; candidate: Candidate; onClose: () => void }) {
  const client = useFhir();
  const [topics, setTopics] = useState<string[]>([TOPICS.newResult, TOPICS.admission]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<{ title: string; text: string }>();
  const follow = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await client.operation(`Patient/${encodeURIComponent(patientId)}/$follow-partner`, [
        { name: 'partner', valueReference: { reference: candidate.partner } },
        { name: 'remotePatient', valueString: candidate.remoteId },
        ...topics.map((t) => ({ name: 'topic', valueCanonical: t })),
      ]);
      setDone(true);
    } catch (err) {
      setProblem({ title: failureTitle(err, `follow the record at ${candidate.organization}`), text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened className="exchange" onClose={onClose} title={`Follow the record at ${candidate.organization}`} size="md">
      <Stack gap="md">
        {done ? (
          <Alert color="green" title="Following" role="status">
            {candidate.organization} will tell this clinic about {CHOICES.filter((c) => topics.includes(c.value)).map((c) => c.label.toLowerCase()).join(', ')} for this patient. The news arrives in the inbox.
          </Alert>
        ) : (
          <>
            <Text size="sm">Get an inbox message when {candidate.organization} has news about this patient. The patient&apos;s sharing choices there still apply.</Text>
            <Checkbox.Group label="Tell me about" value={topics} onChange={setTopics}>
              <Stack gap={6} mt={6}>
                {CHOICES.map((c) => (
                  <Checkbox key={c.value} value={c.value} label={c.label} />
                ))}
              </Stack>
            </Checkbox.Group>
          </>
        )}
        {problem && (
          <Alert color="red" title={problem.title} role="alert">
            {problem.text}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {done ? 'Done' : 'Cancel'}
          </Button>
          {!done && (
            <Button onClick={() => void follow()} loading={busy} disabled={topics.length === 0}>
              Follow
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
