/**
 * One patient's record at a partner organization (`$external-record`), grouped (problems,
 * medications, allergies, labs, immunizations, encounters, documents), every item with its
 * "External" badge (source, date, author). From here the clinician follows the record for news
 * (FollowDialog) or reconciles it with the local lists (Reconcile).
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { Bundle } from '@medplum/fhirtypes';
import { errorMessage } from '../../fhir/client.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { ExternalBadge } from './ExternalBadge.tsx';
import { failureTitle } from './failure.ts';
import { FollowDialog } from './FollowDialog.tsx';
import type { Candidate } from './match-model.ts';
import { Reconcile } from './Reconcile.tsx';
import { groupRecord, itemCount, type RecordGroup } from './record-groups.ts';

export interface RemoteRecordProps {
  patientId: string;
  candidate: Candidate;
  onClose: () => void;
  onChanged: () => void;
}

function RecordSection({ group }: { group: RecordGroup }) {
  const id = `external-group-${group.key}`;
  return (
    <section aria-labelledby={id} data-group={group.key}>
      <Title order={3} size="h5" id={id} mb={6}>
        {group.title} ({group.items.length})
      </Title>
      <ul className="external-list">
        {group.items.map((item) => (
          <li key={item.key} className="external-item" data-item={item.title}>
            <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap">
              <div>
                <Text size="sm" fw={600}>
                  {item.title}
                </Text>
                {item.detail && (
                  <Text size="xs" className="muted">
                    {item.detail}
                  </Text>
                )}
              </div>
              <ExternalBadge resource={item.resource} />
            </Group>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function RemoteRecord({ patientId, candidate, onClose, onChanged }: RemoteRecordProps) {
  const [view, setView] = useState<'record' | 'reconcile'>('record');
  const [following, setFollowing] = useState(false);
  const { data, error, loading } = useLoad(
    (c) =>
      c.operation<Bundle>(`Patient/${encodeURIComponent(patientId)}/$external-record`, [
        { name: 'partner', valueReference: { reference: candidate.partner } },
        { name: 'remotePatient', valueString: candidate.remoteId },
        { name: 'purpose', valueCode: 'TREAT' },
      ]),
    [patientId, candidate.partner, candidate.remoteId],
  );
  const groups = groupRecord(data);
  // The record opens below the matches: bring it into view, and the screen reader to its heading.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus();
  }, []);
  const title = `Record at ${candidate.organization}`;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="external-record" data-remote-record={candidate.organization}>
      <Group justify="space-between" mb="sm" wrap="wrap" gap="sm">
        <div>
          <Title order={2} size="h3" id="external-record" ref={heading} tabIndex={-1}>
            {view === 'record' ? title : `Reconcile with ${candidate.organization}`}
          </Title>
          <Text size="sm" className="muted">
            {view === 'record' ? 'Shown for reading: nothing here is part of this chart until you import it.' : 'Local lists on the left, what the other organization holds on the right.'}
          </Text>
        </div>
        <Group gap="xs">
          {view === 'record' ? (
            <>
              <Button variant="default" onClick={() => setFollowing(true)}>
                Follow for new results and admissions
              </Button>
              <Button onClick={() => setView('reconcile')} disabled={!data}>
                Reconcile
              </Button>
            </>
          ) : (
            <Button variant="default" onClick={() => setView('record')}>
              Back to the record
            </Button>
          )}
          <Button variant="subtle" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Group>
      {view === 'reconcile' ? (
        <Reconcile patientId={patientId} candidate={candidate} onChanged={onChanged} />
      ) : error ? (
        <Alert color="red" title={failureTitle(error, `open the record at ${candidate.organization}`)} role="alert">
          {errorMessage(error)}
        </Alert>
      ) : loading ? (
        <Center h={120}>
          <Loader role="progressbar" aria-label={`Loading the record at ${candidate.organization}`} />
        </Center>
      ) : itemCount(groups) === 0 ? (
        <Text size="sm" className="muted">
          {candidate.organization} sent no items for this patient (or the patient does not share them).
        </Text>
      ) : (
        <Stack gap="lg">
          {groups.map((g) => (
            <RecordSection key={g.key} group={g} />
          ))}
        </Stack>
      )}
      {following && <FollowDialog patientId={patientId} candidate={candidate} onClose={() => setFollowing(false)} />}
    </Card>
  );
}
