/**
 * One referral, as the chart tab and the referrals page show it: which way it goes and to or
 * from whom, its state, reason, specialty and priority, its timeline, and what can be done now:
 * on an incoming one, respond (RespondDialog.tsx); on one that did not reach the partner, resend
 * (`Task/<id>/$resend-referral`); a returned report opens (ReportModal.tsx).
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Anchor, Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { errorMessage } from '../../fhir/client.ts';
import { formatDateTime } from '../../fhir/format.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import type { ReferralItem } from './referrals-data.ts';
import { allowedActions, referralReason, reportOf, STATE_COLORS, STATE_LABELS, type RespondAction } from './referral-model.ts';
import { ReferralTimeline } from './ReferralTimeline.tsx';
import { ACTION_LABELS, RespondDialog } from './RespondDialog.tsx';
import { ReportModal } from './ReportModal.tsx';

export function ReferralCard({ item, showPatient, onChanged }: { item: ReferralItem; showPatient: boolean; onChanged: (notice: string | undefined, error?: string) => void }) {
  const client = useFhir();
  const [responding, setResponding] = useState<RespondAction>();
  const [reading, setReading] = useState<string>();
  const [busy, setBusy] = useState(false);
  const { task } = item;
  const { reason, specialty, note } = referralReason(task, item.serviceRequest);
  const report = reportOf(task);
  const incoming = item.direction === 'incoming';
  const patient = item.patientName ?? 'the patient';

  const resend = async () => {
    setBusy(true);
    try {
      await client.operation(`Task/${task.id ?? ''}/$resend-referral`);
      onChanged(`The referral to ${item.partner} was sent again.`);
    } catch (err) {
      onChanged(undefined, errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder padding="md" data-referral={task.id} data-direction={item.direction} data-state={item.state} role="region" aria-label={`${incoming ? 'Referral from' : 'Referral to'} ${item.partner}${showPatient ? ` for ${patient}` : ''}`}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Group gap="xs">
              <Text fw={700}>{incoming ? `From ${item.partner}` : `To ${item.partner}`}</Text>
              <Badge variant="filled" color={STATE_COLORS[item.state]}>
                {STATE_LABELS[item.state]}
              </Badge>
              {task.priority && task.priority !== 'routine' && (
                <Badge variant="light" color="orange.9" c="orange.9">
                  {task.priority}
                </Badge>
              )}
            </Group>
            <Text size="sm">
              {showPatient && item.patientId ? (
                <>
                  <Anchor component={Link} to={`/patients/${item.patientId}/referrals`} size="sm" underline="always">
                    {patient}
                  </Anchor>
                  {' · '}
                </>
              ) : null}
              {reason}
              {specialty ? ` · ${specialty}` : ''}
            </Text>
            {note && (
              <Text size="sm" className="muted">
                Note: {note}
              </Text>
            )}
            <Text size="xs" className="muted">
              {incoming ? 'Received' : 'Sent'} {formatDateTime(task.authoredOn ?? task.meta?.lastUpdated)}
              {!incoming && task.requester?.display ? ` by ${task.requester.display}` : ''}
            </Text>
          </Stack>
          <Group gap="xs">
            {incoming &&
              allowedActions(item.state).map((a) => (
                <Button key={a} size="xs" variant={a === 'accept' || a === 'complete' ? 'filled' : 'default'} onClick={() => setResponding(a)}>
                  {ACTION_LABELS[a]}
                </Button>
              ))}
            {!incoming && item.state === 'not-delivered' && (
              <Button size="xs" loading={busy} onClick={() => void resend()}>
                Resend
              </Button>
            )}
            {report?.reference && (
              <Button size="xs" variant="light" onClick={() => setReading(report.reference)}>
                {incoming ? 'Open the report sent' : 'Open the report'}
              </Button>
            )}
          </Group>
        </Group>
        <ReferralTimeline taskId={task.id ?? ''} revision={task.meta?.versionId} incoming={incoming} />
      </Stack>
      {responding && (
        <RespondDialog
          taskId={task.id ?? ''}
          action={responding}
          patient={patient}
          partner={item.partner}
          onCancel={() => setResponding(undefined)}
          onDone={(notice) => {
            setResponding(undefined);
            onChanged(notice);
          }}
        />
      )}
      {reading && <ReportModal reference={reading} onClose={() => setReading(undefined)} />}
    </Card>
  );
}
