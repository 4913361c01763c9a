/** The chart summary: one card per kind of fact, newest first where order matters. */
import { useEffect, type ReactNode } from 'react';
import { Badge, Card, Group, List, Table, Text, Title } from '@mantine/core';
import type { Observation } from '@medplum/fhirtypes';
import type { ChartSummary, SummarySection } from './chart-data.ts';
import { PatientViewCards } from '../cds/PatientViewCards.tsx';
import { vitalName } from './trends/measures.ts';
import { conceptText, effectiveDate, formatDate, formatDateTime, labFlag, observationValue } from '../fhir/format.ts';

function Section({ title, count, className, children }: { title: string; count?: number; className?: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby={id} className={className}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {count !== undefined && (
          <Badge variant="light" color="gray" c="gray.9" aria-label={`${count} items`}>
            {count}
          </Badge>
        )}
      </Group>
      {children}
    </Card>
  );
}

function Empty({ children }: { children: ReactNode }) {
  return <Text size="sm" className="muted">{children}</Text>;
}

/** What an empty section says: none recorded, or that the user's role may not see it. */
function None({ data, section, children }: { data: ChartSummary; section: SummarySection; children: ReactNode }) {
  return data.denied.has(section) ? <Empty>Not available to your role</Empty> : <Empty>{children}</Empty>;
}

function Flag({ o }: { o: Observation }) {
  const flag = labFlag(o);
  if (!flag) return null;
  const label = flag === 'H' ? 'High' : flag === 'L' ? 'Low' : 'Abnormal';
  return (
    <Badge color={flag === 'L' ? 'blue.9' : 'red.9'} variant="filled" size="md" radius="sm" className="flag" title={label} aria-label={label} data-flag={flag}>
      {flag}
    </Badge>
  );
}

export function Summary({ data }: { data: ChartSummary }) {
  useEffect(() => {
    // Every section is in once this has rendered: the chart-open benchmark measures up to here.
    performance.mark('chart-summary-ready');
  }, [data]);
  return (
    <>
    {data.patient.id && <PatientViewCards patientId={data.patient.id} />}
    <div className="summary-grid" data-summary-ready="">
      <Section title="Active problems" count={data.denied.has('problems') ? undefined : data.problems.length}>
        {data.problems.length === 0 ? (
          <None data={data} section="problems">No active problems</None>
        ) : (
          <List spacing={4} size="sm">
            {data.problems.map((c) => (
              <List.Item key={c.id}>
                {conceptText(c.code)}
                {c.onsetDateTime && <span className="muted"> · since {formatDate(c.onsetDateTime)}</span>}
              </List.Item>
            ))}
          </List>
        )}
      </Section>
      <Section title="Active medications" count={data.denied.has('medications') ? undefined : data.medications.length}>
        {data.medications.length === 0 ? (
          <None data={data} section="medications">No active medications</None>
        ) : (
          <List spacing={4} size="sm">
            {data.medications.map((m) => (
              <List.Item key={m.request.id}>
                {m.name}
                {m.request.dosageInstruction?.[0]?.text && <span className="muted"> · {m.request.dosageInstruction[0].text}</span>}
              </List.Item>
            ))}
          </List>
        )}
      </Section>
      <Section title="Allergies" count={data.denied.has('allergies') ? undefined : data.allergies.length}>
        {data.allergies.length === 0 ? (
          <None data={data} section="allergies">No allergies recorded</None>
        ) : (
          <List spacing={4} size="sm">
            {data.allergies.map((a) => (
              <List.Item key={a.id}>
                {conceptText(a.code)}
                {a.reaction?.[0]?.manifestation?.[0] && <span className="muted"> · {conceptText(a.reaction[0].manifestation[0])}</span>}
              </List.Item>
            ))}
          </List>
        )}
      </Section>
      <Section title="Recent labs" className="span-2">
        {data.labs.length === 0 ? (
          <None data={data} section="labs">No lab results</None>
        ) : (
          <Table verticalSpacing={4} fz="sm" aria-label="Recent labs">
            <Table.Tbody>
              {data.labs.map((o) => (
                <Table.Tr key={o.id} data-lab={o.id}>
                  <Table.Td>{conceptText(o.code)}</Table.Td>
                  <Table.Td fw={600} className="nowrap">
                    <Group gap={6} wrap="nowrap">
                      {observationValue(o)}
                      <Flag o={o} />
                    </Group>
                  </Table.Td>
                  <Table.Td className="muted nowrap">{formatDate(effectiveDate(o))}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
      <Section title="Latest vitals">
        {data.vitals.length === 0 ? (
          <None data={data} section="vitals">No vital signs recorded</None>
        ) : (
          <Table verticalSpacing={4} fz="sm" aria-label="Latest vitals">
            <Table.Tbody>
              {data.vitals.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>{vitalName(o)}</Table.Td>
                  <Table.Td className="nowrap">
                    <Text size="sm" fw={600}>
                      {observationValue(o)}
                    </Text>
                    <Text size="xs" className="muted">
                      {formatDate(effectiveDate(o))}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
      <Section title="Immunizations">
        {data.immunizations.length === 0 ? (
          <None data={data} section="immunizations">No immunizations recorded</None>
        ) : (
          <List spacing={4} size="sm">
            {data.immunizations.map((i) => (
              <List.Item key={i.id}>
                {conceptText(i.vaccineCode)} <span className="muted">· {formatDate(i.occurrenceDateTime ?? i.occurrenceString)}</span>
              </List.Item>
            ))}
          </List>
        )}
      </Section>
      <Section title="Care team" count={data.denied.has('careTeam') ? undefined : data.careTeam.length}>
        {data.careTeam.length === 0 ? (
          <None data={data} section="careTeam">No care team recorded</None>
        ) : (
          <List spacing={6} size="sm" listStyleType="none">
            {data.careTeam.map((m) => (
              <List.Item key={m.reference ?? m.name} data-care-team-member={m.reference}>
                <Text size="sm" fw={600} span>
                  {m.name}
                </Text>
                <span className="muted"> · {m.role}</span>
              </List.Item>
            ))}
          </List>
        )}
      </Section>
      <Section title="Upcoming appointments" count={data.denied.has('appointments') ? undefined : data.appointments.length}>
        {data.appointments.length === 0 ? (
          <None data={data} section="appointments">No upcoming appointments</None>
        ) : (
          <List spacing={4} size="sm">
            {data.appointments.map((a) => (
              <List.Item key={a.id}>
                <Text size="sm" fw={600} span>
                  {formatDateTime(a.start)}
                </Text>
                <span className="muted"> · {a.description ?? conceptText(a.serviceType?.[0] ?? a.appointmentType)}</span>
              </List.Item>
            ))}
          </List>
        )}
      </Section>
    </div>
    </>
  );
}
