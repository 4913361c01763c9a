/**
 * "Follow for new results and admissions": subscribes this clinic at the partner
 * (`$follow-partner`) for the chosen topics, so news about the patient there arrives in the inbox.
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { errorMessage } from '../../fhir/client.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import type { Parameters } from '@medplum/fhirtypes';
import { TOPICS } from './codes.ts';
import { failureTitle } from './failure.ts';
import { readFollow, TOPIC_CHOICES as CHOICES, type FollowResult } from './follow-model.ts';
import type { Candidate } from './match-model.ts';

export function FollowDialog({ patientId, candidate, onClose }: { patientId: string; candidate: Candidate; onClose: () => void }) {
  const client = useFhir();
  const [topics, setTopics] = useState<string[]>([TOPICS.newResult, TOPICS.admission]);
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<FollowResult[]>();
  const followed = results?.filter((r) => r.subscribed) ?? [];
  const refused = results?.filter((r) => !r.subscribed) ?? [];
  const done = followed.length > 0;
  const [problem, setProblem] = useState<{ title: string; text: string }>();
  const follow = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const answer = await client.operation<Parameters>(`Patient/${encodeURIComponent(patientId)}/$follow-partner`, [
        { name: 'partner', valueReference: { reference: candidate.partner } },
        { name: 'remotePatient', valueString: candidate.remoteId },
        ...topics.map((t) => ({ name: 'topic', valueCanonical: t })),
      ]);
      setResults(readFollow(answer, topics));
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
            {candidate.organization} will tell this clinic about {followed.map((r) => r.label.toLowerCase()).join(', ')} for this patient. The news arrives in the inbox.
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
        {refused.length > 0 && (
          <Alert color={done ? 'orange' : 'red'} title={done ? 'Some topics were not followed' : `${candidate.organization} did not accept`} role={done ? 'status' : 'alert'}>
            <Stack gap={2}>
              {refused.map((r) => (
                <Text size="sm" key={r.topic}>
                  {r.label}: {r.detail ?? 'refused'}
                </Text>
              ))}
            </Stack>
          </Alert>
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
