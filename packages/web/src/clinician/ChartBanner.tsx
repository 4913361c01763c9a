/** The banner at the top of every chart page: who the patient is, allergies, primary care. */
import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { AllergyIntolerance, Patient } from '@medplum/fhirtypes';
import { age, conceptText, formatDate, humanName, mrn, refText, sexLabel } from '../fhir/format.ts';

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" fw={600} tt="uppercase" className="muted">
        {label}
      </Text>
      <Text size="sm" fw={500} data-field={label}>
        {value}
      </Text>
    </div>
  );
}

export function ChartBanner({ patient, allergies, allergiesDenied = false }: { patient: Patient; allergies: AllergyIntolerance[]; allergiesDenied?: boolean }) {
  const pcp = patient.generalPractitioner?.map(refText).filter(Boolean).join(', ');
  return (
    <Paper withBorder shadow="xs" p="md" className="chart-banner" component="section" aria-label="Patient banner">
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
          <div>
            <Title order={1} size="h2">
              {humanName(patient.name)}
            </Title>
            <Text size="sm" className="muted">
              {age(patient.birthDate)} · {sexLabel(patient.gender)} · born {formatDate(patient.birthDate)}
            </Text>
          </div>
          <Group gap="xl" wrap="wrap">
            <Field label="MRN" value={mrn(patient.identifier) ?? 'None'} />
            <Field label="Age" value={age(patient.birthDate)} />
            <Field label="Sex" value={sexLabel(patient.gender)} />
            <Field label="Primary care" value={pcp || 'None recorded'} />
          </Group>
        </Group>
        <Group gap="xs" aria-label="Allergies" role="group">
          <Text size="sm" fw={600}>
            Allergies:
          </Text>
          {allergiesDenied ? (
            <Text size="sm">Not available to your role</Text>
          ) : allergies.length === 0 ? (
            <Text size="sm">No allergies recorded</Text>
          ) : (
            allergies.map((a) => (
              <Badge key={a.id} color="red.9" variant="filled" size="lg" radius="sm" tt="none" data-allergy>
                {conceptText(a.code)}
                {a.criticality === 'high' ? ' (high risk)' : ''}
              </Badge>
            ))
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
