/**
 * A patient's pre-visit intake at /intake/:questionnaireResponseId, read-only: who filled it in and
 * when, the appointment it is for, each question with its answer, and the PHQ-2 score (flagged
 * when 3 or more). "Mark reviewed" completes the intake-review Task(s) that are still open; the
 * Tasks page links here.
 */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Anchor, Badge, Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useFhir, useLoad } from '../fhir/use-fhir.ts';
import { conceptText, formatDateTime, humanName, refText } from '../fhir/format.ts';
import { errorMessage } from '../fhir/client.ts';
import { isOpen } from '../inbox/review-task.ts';
import { intakeLines, loadIntake, phq2Score } from './intake-model.ts';
import '../inbox/inbox.css';

export function IntakeReview() {
  const { id = '' } = useParams();
  const client = useFhir();
  const [reload, setReload] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const intake = useLoad((c, signal) => loadIntake(c, id, signal), [id, reload]);
  const d = intake.data;
  const patientName = d?.patient ? humanName(d.patient.name) : undefined;
  useEffect(() => {
    document.title = `Pre-visit intake${patientName ? ` · ${patientName}` : ''} · Continuum`;
  }, [patientName]);

  if (intake.error) {
    return (
      <Alert color="red" role="alert" title="The intake could not be loaded" maw={700}>
        {intake.error.message}
      </Alert>
    );
  }
  if (!d) {
    return (
      <Center h={200}>
        <Loader role="progressbar" aria-label="Loading the intake" />
      </Center>
    );
  }
  const open = d.tasks.filter(isOpen);
  const reviewed = d.tasks.length > 0 && open.length === 0;
  const score = phq2Score(d.response);
  const markReviewed = async () => {
    setBusy(true);
    setError(undefined);
    const now = new Date().toISOString();
    try {
      for (const t of open) await client.update({ ...t, status: 'completed', lastModified: now, executionPeriod: { ...t.executionPeriod, end: now } });
      setReload((n) => n + 1);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const appointment = d.appointment;
  return (
    <Stack gap="md" maw={900}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={1} size="h2">
            Pre-visit intake
          </Title>
          <Text size="sm">
            {d.patient?.id ? (
              <Anchor component={Link} to={`/patients/${d.patient.id}/summary`} underline="always">
                {patientName}
              </Anchor>
            ) : (
              (d.response.subject?.display ?? 'Unknown patient')
            )}
            {` · submitted ${formatDateTime(d.response.authored ?? d.response.meta?.lastUpdated)}`}
            {d.response.author && d.response.author.reference !== d.response.subject?.reference ? ` by ${refText(d.response.author) ?? 'a proxy'}` : ''}
          </Text>
          {appointment && (
            <Text size="sm" data-appointment>
              Appointment: {conceptText(appointment.appointmentType) || 'visit'}, {formatDateTime(appointment.start)}
              {appointment.status !== 'booked' ? ` (${appointment.status})` : ''}
            </Text>
          )}
          <Anchor component={Link} to="/tasks" size="sm">
            Back to my tasks
          </Anchor>
        </Stack>
        {reviewed ? (
          <Badge size="lg" variant="light" color="green" c="green.9">
            Reviewed
          </Badge>
        ) : (
          open.length > 0 && (
            <Button onClick={() => void markReviewed()} loading={busy}>
              Mark reviewed
            </Button>
          )
        )}
      </Group>
      {error && (
        <Alert color="red" role="alert" title="That did not work" withCloseButton onClose={() => setError(undefined)}>
          {error}
        </Alert>
      )}
      {score !== undefined && (
        <Group gap="sm" data-phq2={score}>
          <Badge size="lg" variant="filled" color={score >= 3 ? 'orange.9' : 'gray.8'}>
            PHQ-2 score {score} of 6
          </Badge>
          <Text size="sm">{score >= 3 ? 'Positive depression screen: consider a PHQ-9 at the visit.' : 'Negative depression screen.'}</Text>
        </Group>
      )}
      <Card withBorder padding={0}>
        <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Intake answers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Question</Table.Th>
              <Table.Th>Answer</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {intakeLines(d.form, d.response).map((line) => (
              <Table.Tr key={line.linkId} data-link-id={line.linkId}>
                <Table.Td>
                  <Text size="sm">{line.question}</Text>
                </Table.Td>
                <Table.Td>
                  {line.answer === undefined ? (
                    <Text size="sm" className="muted">
                      Not answered
                    </Text>
                  ) : (
                    <Text size="sm" fw={600} style={{ whiteSpace: 'pre-wrap' }}>
                      {line.answer}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
