/**
 * One report in the inbox: the patient, the test, when, who forwarded it and why (or that it is a
 * critical result still to acknowledge, shown boxed in red and in words), a link to the result
 * review screen, and each result with its value, flag, reference range and trend; Acknowledge and
 * Forward act on the report.
 */
import { Link } from 'react-router-dom';
import { Anchor, Button, Card, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { Observation } from '@medplum/fhirtypes';
import { conceptText, formatDateTime, humanName, observationValue } from '../fhir/format.ts';
import { FlagBadge } from './FlagBadge.tsx';
import { Sparkline } from './Sparkline.tsx';
import type { InboxItem } from './inbox-data.ts';
import type { Directory } from './practitioners.ts';
import { flagSeverity, rangeText, resultFlag } from './result-flags.ts';

export function ResultRow({ o }: { o: Observation }) {
  const flag = resultFlag(o);
  return (
    <Table.Tr data-observation={o.id}>
      <Table.Td>{conceptText(o.code)}</Table.Td>
      <Table.Td className={flagSeverity(flag) > 0 ? 'inbox-value-abnormal' : undefined} data-value>
        {observationValue(o)}
      </Table.Td>
      <Table.Td>
        <FlagBadge flag={flag} />
      </Table.Td>
      <Table.Td data-range>{rangeText(o)}</Table.Td>
      <Table.Td>
        <Sparkline observation={o} />
      </Table.Td>
    </Table.Tr>
  );
}

export function ResultCard({ item, directory, busy, onAcknowledge, onForward }: { item: InboxItem; directory: Directory; busy: boolean; onAcknowledge: () => void; onForward: () => void }) {
  const title = conceptText(item.report.code);
  const patientName = item.patient ? humanName(item.patient.name) : (item.report.subject?.display ?? 'Unknown patient');
  const id = `result-${item.report.id}`;
  return (
    <Card withBorder padding="md" component="article" aria-labelledby={id} className={`inbox-card${item.open.some((t) => t.priority === 'stat' && !t.requester) ? ' critical-unacknowledged' : ''}`} data-flag={item.flag ?? 'N'} data-report={item.report.id}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={2}>
          <Group gap="xs">
            <Title order={2} size="h4" id={id}>
              {title} · {patientName}
            </Title>
            <FlagBadge flag={item.flag} />
          </Group>
          <Text size="sm" className="muted">
            {item.date ? `Resulted ${formatDateTime(item.date)}` : 'Result date unknown'}
            {' · '}
            <Anchor component={Link} to={`/results/${item.report.id}`} size="sm">
              Open result<VisuallyHidden>: {title} for {patientName}</VisuallyHidden>
            </Anchor>
            {item.patient?.id && (
              <>
                {' · '}
                <Anchor component={Link} to={`/patients/${item.patient.id}/summary`} size="sm">
                  Open chart<VisuallyHidden> of {patientName}</VisuallyHidden>
                </Anchor>
              </>
            )}
          </Text>
          {item.reviewedAt && (
            <Text size="sm" c="green.9" data-reviewed>
              Acknowledged {formatDateTime(item.reviewedAt)}
            </Text>
          )}
          {item.open.some((t) => t.priority === 'stat' && !t.requester) && (
            <Text size="sm" fw={700} c="red.9" className="critical-unacknowledged-text" data-critical-unacknowledged>
              Critical result: acknowledgement required
            </Text>
          )}
          {item.open.filter((t) => t.requester).map((t) => (
            <Text size="sm" key={t.id} data-forwarded-by={t.requester?.reference}>
              <Text span fw={600}>
                Forwarded by {directory.name(t.requester?.reference)}
              </Text>
              {t.note?.[0]?.text ? `: “${t.note[0].text}”` : ''}
            </Text>
          ))}
        </Stack>
        <Group gap="xs">
          <Button variant="default" onClick={onForward} disabled={busy} aria-label={`Forward ${title} for ${patientName}`}>
            Forward…
          </Button>
          {!item.reviewedAt && (
            <Button onClick={onAcknowledge} loading={busy} aria-label={`Acknowledge ${title} for ${patientName}`}>
              Acknowledge
            </Button>
          )}
        </Group>
      </Group>
      <Table.ScrollContainer minWidth={560} mt="sm">
        <Table className="inbox-table" verticalSpacing={6} aria-label={`${title} results`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Test</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>Flag</Table.Th>
              <Table.Th>Reference range</Table.Th>
              <Table.Th>Trend</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {item.observations.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <Text size="sm" className="muted">
                    {item.report.conclusion ?? 'No results attached to this report'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              item.observations.map((o) => <ResultRow key={o.id} o={o} />)
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
