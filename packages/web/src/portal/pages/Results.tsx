/**
 * Lab results for patients: each report with its values, and beside every value what it means in
 * plain words ("Above the normal range (4.0–5.6 %)", result-explain.ts). A legend explains the
 * letters a lab prints and what a normal range is. The wording states the facts and no more.
 */
import type { Observation } from '@medplum/fhirtypes';
import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { conceptText, formatDate, observationValue } from '../../fhir/format.ts';
import { usePortal } from '../portal-context.ts';
import { Empty, Failed, Loading, PageTitle, Section, SourceBadge } from '../page-parts.tsx';
import { loadLabReports, reportDate, type LabReport } from '../results-data.ts';
import { explainResult, FLAG_GLOSSARY, RANGE_NOTE, testName, type Explanation } from '../result-explain.ts';

/** Badge colours per tone, with their text shades set for AA contrast on the light fill. */
const TONES: Record<Explanation['tone'], { color: string; text: string }> = {
  normal: { color: 'teal', text: '#0b5f56' },
  outside: { color: 'orange', text: '#8a3b00' },
  critical: { color: 'red', text: '#8f1d1d' },
  unknown: { color: 'gray', text: '#3d4650' },
};

function ResultRow({ observation }: { observation: Observation }) {
  const e = explainResult(observation);
  const tone = TONES[e.tone];
  return (
    <Table.Tr data-result={testName(observation)} data-flag={e.flag ?? 'N'}>
      <Table.Td>
        <Text fw={600}>{testName(observation)}</Text>
      </Table.Td>
      <Table.Td className="nowrap">
        <Text fw={700}>{observationValue(observation)}</Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <Group gap={6}>
            <Badge variant="light" color={tone.color} c={tone.text} tt="none" radius="sm">
              {e.label}
            </Badge>
            <SourceBadge resource={observation} />
          </Group>
          <Text size="sm" className="explanation">
            {e.sentence}
          </Text>
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

function Report({ lab }: { lab: LabReport }) {
  const { report, results } = lab;
  const id = `report-${report.id}`;
  return (
    <Section title={conceptText(report.code)} id={id} action={<Text size="sm" className="muted">{formatDate(reportDate(report))}</Text>}>
      {report.conclusion && <Text mb="sm">{report.conclusion}</Text>}
      {results.length === 0 ? (
        <Empty>The values of this report are not available yet.</Empty>
      ) : (
        <Table className="results-table" verticalSpacing="sm" aria-labelledby={id}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Test</Table.Th>
              <Table.Th>Your result</Table.Th>
              <Table.Th>What it means</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {results.map((o) => (
              <ResultRow key={o.id} observation={o} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}

function Legend() {
  return (
    <Section title="Reading your results" id="results-legend">
      <Text mb="sm">{RANGE_NOTE}</Text>
      <dl className="glossary">
        {FLAG_GLOSSARY.map((g) => (
          <div key={g.code}>
            <dt>{g.code}</dt>
            <dd>{g.meaning}</dd>
          </div>
        ))}
      </dl>
      <Text size="sm" className="muted" mt="sm">
        Questions about a result? Send your care team a message.
      </Text>
    </Section>
  );
}

export function Results() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad((c, signal) => loadLabReports(c, patientId, 50, signal), [patientId]);
  return (
    <>
      <PageTitle title="Test results" intro="Your lab results, newest first, with what each value means." />
      <div className="card-stack">
        {loading ? <Loading what="results" /> : error ? <Failed what="results" error={error} /> : !data?.length ? <Empty>No results yet.</Empty> : data.map((lab) => <Report key={lab.report.id} lab={lab} />)}
        <Legend />
      </div>
    </>
  );
}
