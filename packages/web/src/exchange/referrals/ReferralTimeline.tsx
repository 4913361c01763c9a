/**
 * One referral's states in order (requested, accepted or declined, scheduled with its date,
 * completed, report returned), read from the Task's versions, with the dates they were reached.
 */
import { Center, Loader, Text } from '@mantine/core';
import { formatDateTime } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { loadVersions } from './referrals-data.ts';
import { referralTimeline } from './referral-model.ts';
import '../admin/exchange-admin.css';

export function ReferralTimeline({ taskId, revision, incoming }: { taskId: string; revision: string | undefined; incoming: boolean }) {
  const versions = useLoad((c, signal) => loadVersions(c, taskId, signal), [taskId, revision]);
  if (versions.error) return <Text size="sm" c="red.9">{versions.error.message}</Text>;
  if (!versions.data) {
    return (
      <Center h={28}>
        <Loader size="xs" role="progressbar" aria-label="Loading the referral’s history" />
      </Center>
    );
  }
  const steps = referralTimeline(versions.data);
  return (
    <ol className="timeline" aria-label="Referral progress">
      {steps.map((s) => (
        <li key={s.key} data-step={s.key} data-done={s.done}>
          <span className="timeline-dot" aria-hidden="true" />
          <span>
            <strong>{incoming && s.key === 'report' ? 'Report sent' : s.label}</strong>
            {s.key === 'scheduled' && s.detail ? ` for ${formatDateTime(s.detail)}` : s.detail ? `: ${s.detail}` : ''}
            {s.done && s.at ? <Text span size="xs" className="muted">{` · ${formatDateTime(s.at)}`}</Text> : null}
            {!s.done && <Text span size="xs" className="muted">{' · not yet'}</Text>}
          </span>
        </li>
      ))}
    </ol>
  );
}
