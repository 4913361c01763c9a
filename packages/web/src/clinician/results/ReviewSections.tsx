/**
 * The parts of the result review screen that only show: the results with ranges, flags and
 * earlier values; the orders the report answers; the imaging study and report text; the
 * acknowledgements and comments.
 */
import { Card, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import type { Communication, DiagnosticReport, ImagingStudy, Observation, ServiceRequest, Task } from '@medplum/fhirtypes';
import { useLoad } from '../../fhir/use-fhir.ts';
import { conceptText, formatDate, formatDateTime, observationValue } from '../../fhir/format.ts';
import { loadTrend } from '../../inbox/inbox-data.ts';
import type { Directory } from '../../inbox/practitioners.ts';
import { ResultRow } from '../../inbox/ResultCard.tsx';
import { reportText } from './review-data.ts';

function Previous({ o }: { o: Observation }) {
  const { data } = useLoad((c, signal) => loadTrend(c, o, signal), [o.id]);
  const earlier = (data ?? []).filter((x) => x.id !== o.id).reverse().slice(0, 4);
  if (!data) return null;
  return (
    <Text size="xs" className="muted" data-previous={o.id}>
      {conceptText(o.code)}: {earlier.length === 0 ? 'no earlier values' : `earlier ${earlier.map((x) => `${observationValue(x)} (${formatDate(x.effectiveDateTime ?? x.issued)})`).join(', ')}`}
    </Text>
  );
}

export function ResultsTable({ title, observations, conclusion }: { title: string; observations: Observation[]; conclusion: string | undefined }) {
  if (observations.length === 0) return conclusion ? null : <Text className="muted">No results attached to this report.</Text>;
  return (
    <Stack gap={4}>
      <Table.ScrollContainer minWidth={560}>
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
            {observations.map((o) => (
              <ResultRow key={o.id} o={o} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {observations.map((o) => (
        <Previous key={o.id} o={o} />
      ))}
    </Stack>
  );
}

export function ImagingSection({ report, studies }: { report: DiagnosticReport; studies: ImagingStudy[] }) {
  const text = reportText(report);
  if (studies.length === 0 && !text && !report.conclusion) return null;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="imaging-title">
      <Title order={2} size="h4" id="imaging-title">
        Report
      </Title>
      {studies.map((s) => (
        <Text size="sm" key={s.id} data-imaging-study={s.id}>
          Imaging study: {(s.modality ?? []).map((m) => m.code).join(', ') || 'modality not stated'}, {s.status}
          {s.started ? `, ${formatDateTime(s.started)}` : ''}
          {s.numberOfSeries !== undefined ? `, ${s.numberOfSeries} series` : ''}
          {s.numberOfInstances !== undefined ? `, ${s.numberOfInstances} images` : ''}
        </Text>
      ))}
      {report.conclusion && (
        <Text mt="xs">
          <Text span fw={700}>
            Conclusion:{' '}
          </Text>
          {report.conclusion}
        </Text>
      )}
      {text && <pre className="report-text">{text}</pre>}
    </Card>
  );
}

export function OrdersSection({ orders, directory }: { orders: ServiceRequest[]; directory: Directory }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="order-title">
      <Title order={2} size="h4" id="order-title">
        Order
      </Title>
      {orders.length === 0 ? (
        <Text size="sm" className="muted">
          This result is not matched to an order.
        </Text>
      ) : (
        <List size="sm" spacing={2}>
          {orders.map((o) => (
            <List.Item key={o.id} data-matched-order={o.id}>
              {conceptText(o.code)}, ordered {formatDateTime(o.authoredOn)} by {directory.name(o.requester?.reference)}; {o.status}
              {o.requisition?.value ? `; requisition ${o.requisition.value}` : ''}
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}

export function HistorySection({ tasks, comments, directory }: { tasks: Task[]; comments: Communication[]; directory: Directory }) {
  const done = tasks.filter((t) => t.status === 'completed');
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="history-title">
      <Title order={2} size="h4" id="history-title">
        Review and comments
      </Title>
      <Stack gap={4}>
        {done.length === 0 && comments.length === 0 && (
          <Text size="sm" className="muted">
            Nobody has acknowledged or commented on this result yet.
          </Text>
        )}
        {done.map((t) => (
          <Text size="sm" key={t.id} data-acknowledged-by={t.owner?.reference}>
            {t.priority === 'stat' ? 'Critical result acknowledged' : 'Acknowledged'} by {directory.name(t.owner?.reference)} on {formatDateTime(t.executionPeriod?.end ?? t.lastModified)}
          </Text>
        ))}
        {comments.map((c) => (
          <Group gap={4} key={c.id} data-comment={c.id}>
            <Text size="sm" fw={600}>
              {directory.name(c.sender?.reference)}, {formatDateTime(c.sent)}:
            </Text>
            <Text size="sm">{c.payload?.[0]?.contentString}</Text>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
