/** Find a patient as you type (name, birth date, MRN or phone); a result opens the chart. */
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Anchor, Button, Card, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Patient } from '@medplum/fhirtypes';
import { useLoad } from '../fhir/use-fhir.ts';
import { age, formatDate, humanName, mrn, sexLabel } from '../fhir/format.ts';
import { patientQuery } from './patient-query.ts';

function phone(p: Patient): string {
  return p.telecom?.find((t) => t.system === 'phone')?.value ?? '';
}

export function PatientSearch() {
  const [text, setText] = useState('');
  const [debounced] = useDebouncedValue(text, 250);
  const navigate = useNavigate();
  const query = patientQuery(debounced);
  const { data, error, loading } = useLoad(
    async (client, signal) => (query ? client.searchResources('Patient', query, signal) : undefined),
    [JSON.stringify(query)],
  );
  return (
    <Stack maw={1100} gap="md">
      <Group justify="space-between" align="center">
        <Title order={1} size="h2">
          Patients
        </Title>
        <Button component={Link} to="/patients/new">
          New patient
        </Button>
      </Group>
      <Card withBorder padding="lg">
        <TextInput
          label="Search patients"
          description="Name, birth date (YYYY-MM-DD), MRN or phone"
          placeholder="e.g. Peterson, 1984-03-02, S785-0000001"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          rightSection={loading && query ? <Loader role="progressbar" size="xs" aria-label="Searching" /> : null}
          size="md"
          autoFocus
          autoComplete="off"
          spellCheck={false}
        />
      </Card>
      {error && (
        <Alert color="red" title="Search failed" role="alert">
          {error.message}
        </Alert>
      )}
      {!query && <Text className="muted">Type at least two characters to search.</Text>}
      {query && data && data.length === 0 && !loading && <Text role="status">No patient matches “{debounced.trim()}”.</Text>}
      {query && data && data.length > 0 && (
        <Card withBorder padding={0}>
          <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label="Search results">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Birth date</Table.Th>
                <Table.Th>Sex</Table.Th>
                <Table.Th>MRN</Table.Th>
                <Table.Th>Phone</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.map((p) => (
                <Table.Tr key={p.id} className="result-row" onClick={() => navigate(`/patients/${p.id}/summary`)}>
                  <Table.Td>
                    <Anchor component={Link} to={`/patients/${p.id}/summary`} fw={600} onClick={(e) => e.stopPropagation()}>
                      {humanName(p.name)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    {formatDate(p.birthDate)} <span className="muted">({age(p.birthDate)})</span>
                  </Table.Td>
                  <Table.Td>{sexLabel(p.gender)}</Table.Td>
                  <Table.Td>{mrn(p.identifier) ?? ''}</Table.Td>
                  <Table.Td>{phone(p)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </Stack>
  );
}
