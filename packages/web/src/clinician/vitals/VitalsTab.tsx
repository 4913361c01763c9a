/**
 * The chart's vitals at /patients/:id/vitals: the encounter in progress, the latest value of each
 * vital sign with when it was taken, and the way to record a new set (/patients/:id/vitals/new).
 */
import { Link, useLocation } from 'react-router-dom';
import { Alert, Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { FhirError } from '../../fhir/client.ts';
import '../notes/documentation.css';
import { formatDateTime, observationValue } from '../../fhir/format.ts';
import { vitalName } from '../trends/measures.ts';
import { latestPerCode, summaryCriteria } from '../chart-data.ts';
import { EncounterBar } from '../encounters/EncounterBar.tsx';
import { useCurrentEncounter } from '../encounters/use-encounter.ts';

export function VitalsTab({ patientId }: { patientId: string }) {
  const current = useCurrentEncounter(patientId);
  const location = useLocation();
  const saved = (location.state as { saved?: number } | null)?.saved;
  const { data, error, loading } = useLoad(async (client, signal) => latestPerCode(await client.searchResources('Observation', summaryCriteria(patientId).vitals, signal)), [patientId]);
  return (
    <Stack gap="md">
      <EncounterBar current={current} />
      {saved !== undefined && (
        <Alert color="green" role="status" title="Vitals saved" className="saved-alert">
          {saved} {saved === 1 ? 'measurement was' : 'measurements were'} recorded for this encounter.
        </Alert>
      )}
      <Card withBorder padding="md" component="section" aria-labelledby="latest-vitals-title">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4" id="latest-vitals-title">
            Latest vitals
          </Title>
          {current.encounter ? (
            <Button component={Link} to={`/patients/${patientId}/vitals/new`}>
              Record vitals
            </Button>
          ) : (
            <Text size="sm" className="muted">
              Start an encounter to record vitals.
            </Text>
          )}
        </Group>
        {error ? (
          <Alert color="red" role="alert">
            {error instanceof FhirError && error.status === 403 ? 'Vitals are not available to your role.' : error.message}
          </Alert>
        ) : loading || !data ? (
          <Center h={120}>
            <Loader role="progressbar" aria-label="Loading vitals" />
          </Center>
        ) : data.length === 0 ? (
          <Text size="sm" className="muted">
            No vitals recorded.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={480}>
            <Table aria-label="Latest vitals" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Measure</Table.Th>
                  <Table.Th scope="col">Value</Table.Th>
                  <Table.Th scope="col">Taken</Table.Th>
                  <Table.Th scope="col">By</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((o) => (
                  <Table.Tr key={o.id}>
                    <Table.Th scope="row" fw={500}>
                      {vitalName(o)}
                    </Table.Th>
                    <Table.Td>{observationValue(o)}</Table.Td>
                    <Table.Td className="nowrap">{formatDateTime(o.effectiveDateTime)}</Table.Td>
                    <Table.Td>{o.performer?.[0]?.display ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
