/**
 * The banner at the top of every chart page, always visible: who the patient is (name, age,
 * sex, MRN), code status, allergies, other active flags (fall risk, ...) and the primary care
 * provider. A part the user's role may not read says so, never "none".
 */
import type { ReactNode } from 'react';
import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { AllergyIntolerance, Flag } from '@medplum/fhirtypes';
import { age, conceptText, formatDate, humanName, mrn, sexLabel } from '../fhir/format.ts';
import type { ChartSummary } from './chart-data.ts';
import type { CodeStatus } from './chart-flags.ts';
import { PortalInvite } from './PortalInvite.tsx';

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

function CodeStatusBadge({ status, denied }: { status: CodeStatus | undefined; denied: boolean }) {
  const text = denied ? 'Not available to your role' : status ? status.label : 'Not recorded';
  const detail = status ? `${status.detail}${status.since ? `, recorded ${formatDate(status.since)}` : ''}` : undefined;
  return (
    <div className="code-status" role="group" aria-label="Code status">
      <Text size="xs" fw={600} tt="uppercase" className="muted">
        Code status
      </Text>
      {status && !denied ? (
        <Badge color={status.limited ? 'grape.9' : 'green.9'} variant="filled" size="xl" radius="sm" tt="none" title={detail} data-code-status={status.label}>
          {status.label}
        </Badge>
      ) : (
        <Text size="sm" fw={500} data-code-status="">
          {text}
        </Text>
      )}
    </div>
  );
}

function Chips({ label, denied, empty, children }: { label: string; denied: boolean; empty: string; children: ReactNode[] }) {
  return (
    <Group gap="xs" aria-label={label} role="group">
      <Text size="sm" fw={600}>
        {label}:
      </Text>
      {denied ? <Text size="sm">Not available to your role</Text> : children.length === 0 ? <Text size="sm">{empty}</Text> : children}
    </Group>
  );
}

const allergyBadge = (a: AllergyIntolerance) => (
  <Badge key={a.id} color="red.9" variant="filled" size="lg" radius="sm" tt="none" data-allergy>
    {conceptText(a.code)}
    {a.criticality === 'high' ? ' (high risk)' : ''}
  </Badge>
);

const flagBadge = (f: Flag) => (
  <Badge key={f.id} color="orange.9" variant="filled" size="lg" radius="sm" tt="none" data-flag-item>
    {conceptText(f.code)}
  </Badge>
);

export function ChartBanner({ data }: { data: ChartSummary }) {
  const { patient, denied } = data;
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
            <PortalInvite patient={patient} />
          </div>
          <Group gap="xl" wrap="wrap" align="flex-start">
            <Field label="MRN" value={mrn(patient.identifier) ?? 'None'} />
            <Field label="Age" value={age(patient.birthDate)} />
            <Field label="Sex" value={sexLabel(patient.gender)} />
            <Field label="Primary care" value={data.pcp.join(', ') || 'None recorded'} />
            <CodeStatusBadge status={data.codeStatus} denied={denied.has('flags')} />
          </Group>
        </Group>
        <Group gap="xl" wrap="wrap" align="center">
          <Chips label="Allergies" denied={denied.has('allergies')} empty="No allergies recorded">
            {data.allergies.map(allergyBadge)}
          </Chips>
          <Chips label="Flags" denied={denied.has('flags')} empty="None">
            {data.flags.map(flagBadge)}
          </Chips>
        </Group>
      </Stack>
    </Paper>
  );
}
