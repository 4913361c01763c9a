/**
 * The likely matches found before a new patient is created, each with why it matched and a way
 * to open that chart instead; then the explicit choice to create a new patient anyway, which is
 * not offered when another patient already holds the MRN.
 */
import { Alert, Button, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { age, formatDate, humanName, mrn, sexLabel } from '../../fhir/format.ts';
import { mrnTaken, type LikelyMatch } from './duplicate-check.ts';

interface Props {
  matches: LikelyMatch[];
  busy: boolean;
  onOpen: (id: string) => void;
  onCreateAnyway: () => void;
  onBack: () => void;
}

export function DuplicateReview({ matches, busy, onOpen, onCreateAnyway, onBack }: Props) {
  const blocked = mrnTaken(matches);
  return (
    <section aria-label="Possible duplicates">
      <Alert color="yellow" title={`${matches.length === 1 ? 'A patient' : `${matches.length} patients`} may already be registered`} variant="light">
        <Stack gap="sm">
          <Text size="sm">Check whether the person in front of you is one of these before creating a new record.</Text>
          <Table verticalSpacing="xs" aria-label="Likely matches">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Birth date</Table.Th>
                <Table.Th>Sex</Table.Th>
                <Table.Th>MRN</Table.Th>
                <Table.Th>Matches on</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Action</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {matches.map(({ patient, reasons }) => (
                <Table.Tr key={patient.id}>
                  <Table.Td fw={600}>{humanName(patient.name)}</Table.Td>
                  <Table.Td>
                    {formatDate(patient.birthDate)} <span className="muted">({age(patient.birthDate)})</span>
                  </Table.Td>
                  <Table.Td>{sexLabel(patient.gender)}</Table.Td>
                  <Table.Td>{mrn(patient.identifier) ?? ''}</Table.Td>
                  <Table.Td>{reasons.join(', ')}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="light" onClick={() => onOpen(patient.id ?? '')} aria-label={`This is the same person — open ${humanName(patient.name)}'s chart`}>
                      This is the same person — open chart
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {blocked && (
            <Text size="sm" c="red.8" role="alert">
              Another patient already has this MRN. Open that chart, or go back and correct the MRN.
            </Text>
          )}
          <Group gap="sm">
            <Button variant="default" onClick={onBack} disabled={busy}>
              Back to the form
            </Button>
            {!blocked && (
              <Button color="orange" onClick={onCreateAnyway} loading={busy}>
                Create new patient anyway
              </Button>
            )}
          </Group>
        </Stack>
      </Alert>
    </section>
  );
}
