/**
 * Recording vitals at /patients/:id/vitals/new, for the encounter in progress: blood pressure,
 * heart and respiratory rate, temperature (°C or °F), oxygen saturation, weight (kg or lb) and
 * height (cm or in), with BMI computed as they are typed. The form is checked before anything is
 * sent (each field says what is wrong); then every Observation is saved in one transaction.
 */
import '../notes/documentation.css';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Anchor, Button, Card, Group, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useFhir } from '../../fhir/use-fhir.ts';
import { useCurrentPractitioner } from '../../auth/me.ts';
import { EncounterBar } from '../encounters/EncounterBar.tsx';
import { useCurrentEncounter } from '../encounters/use-encounter.ts';
import { bmi, EMPTY_VITALS, metricValues, validateVitals, vitalsBundle, vitalsObservations, type VitalField, type VitalsErrors, type VitalsForm } from './vitals-form.ts';
import { errorMessage } from '../../fhir/client.ts';

function UnitSwitch<U extends string>({ label, value, options, onChange }: { label: string; value: U; options: readonly { value: U; label: string }[]; onChange: (u: U) => void }) {
  return <SegmentedControl aria-label={label} size="xs" value={value} onChange={(v) => onChange(v as U)} data={[...options]} />;
}

export function VitalsEntry({ patientId }: { patientId: string }) {
  const client = useFhir();
  const navigate = useNavigate();
  const current = useCurrentEncounter(patientId);
  const { reference: me } = useCurrentPractitioner();
  const [form, setForm] = useState<VitalsForm>(EMPTY_VITALS);
  const [errors, setErrors] = useState<VitalsErrors>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();

  const setValue = (field: VitalField, value: string) => {
    setForm((f) => ({ ...f, values: { ...f.values, [field]: value } }));
    if (errors[field] || errors.form) setErrors((e) => ({ ...e, [field]: undefined, form: undefined }));
  };
  const field = (name: VitalField, label: string, unit: string, extra: { w?: number } = {}) => (
    <TextInput
      label={label}
      inputMode="decimal"
      autoComplete="off"
      value={form.values[name]}
      onChange={(e) => setValue(name, e.currentTarget.value)}
      error={errors[name]}
      rightSection={<Text size="xs" className="muted" aria-hidden>{unit}</Text>}
      rightSectionWidth={48}
      {...extra}
    />
  );
  const metric = metricValues(form);
  const computedBmi = bmi(metric.weight, metric.height);

  const save = async () => {
    setFailure(undefined);
    const found = validateVitals(form);
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    if (!current.encounter?.id || !me) {
      setFailure(!me ? 'Only a practitioner can record vitals here' : 'Start an encounter first');
      return;
    }
    setBusy(true);
    try {
      const observations = vitalsObservations(form, { patientId, encounterId: current.encounter.id, performer: me, now: new Date() });
      await client.transaction(vitalsBundle(observations));
      navigate(`/patients/${patientId}/vitals`, { state: { saved: observations.length } });
    } catch (err) {
      setFailure(errorMessage(err));
      setBusy(false);
    }
  };

  const errorList = Object.entries(errors).filter(([, v]) => v);
  return (
    <Stack gap="md">
      <EncounterBar current={current} />
      <Card withBorder padding="lg" component="section" aria-labelledby="vitals-title" className="vitals-card">
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Stack gap="md">
            <Group justify="space-between">
              <Title order={2} size="h3" id="vitals-title">
                Record vitals
              </Title>
              <Anchor component={Link} to={`/patients/${patientId}/vitals`} size="sm">
                Cancel
              </Anchor>
            </Group>
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              {field('systolic', 'Systolic BP', 'mmHg')}
              {field('diastolic', 'Diastolic BP', 'mmHg')}
              {field('heartRate', 'Heart rate', '/min')}
              {field('respRate', 'Respiratory rate', '/min')}
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Group align="flex-end" gap="xs" wrap="nowrap">
                {field('temperature', 'Temperature', form.tempUnit === 'C' ? '°C' : '°F')}
                <UnitSwitch label="Temperature unit" value={form.tempUnit} options={[{ value: 'C', label: '°C' }, { value: 'F', label: '°F' }]} onChange={(u) => setForm((f) => ({ ...f, tempUnit: u }))} />
              </Group>
              {field('spo2', 'Oxygen saturation (SpO₂)', '%')}
              <Group align="flex-end" gap="xs" wrap="nowrap">
                {field('weight', 'Weight', form.weightUnit)}
                <UnitSwitch label="Weight unit" value={form.weightUnit} options={[{ value: 'kg', label: 'kg' }, { value: 'lb', label: 'lb' }]} onChange={(u) => setForm((f) => ({ ...f, weightUnit: u }))} />
              </Group>
              <Group align="flex-end" gap="xs" wrap="nowrap">
                {field('height', 'Height', form.heightUnit)}
                <UnitSwitch label="Height unit" value={form.heightUnit} options={[{ value: 'cm', label: 'cm' }, { value: 'in', label: 'in' }]} onChange={(u) => setForm((f) => ({ ...f, heightUnit: u }))} />
              </Group>
            </SimpleGrid>
            <TextInput
              type="datetime-local"
              label="Taken at"
              description="Leave empty for now"
              value={form.takenAt}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setForm((f) => ({ ...f, takenAt: v }));
                if (errors.takenAt) setErrors((x) => ({ ...x, takenAt: undefined }));
              }}
              error={errors.takenAt}
              w={260}
            />
            <Text size="sm" aria-live="polite" data-testid="bmi">
              BMI: {computedBmi !== undefined && !errors.weight && !errors.height ? <strong>{computedBmi} kg/m²</strong> : <span className="muted">computed from weight and height</span>}
            </Text>
            {errorList.length > 0 && (
              <Alert color="red" role="alert" title="Check the values">
                {errors.form ?? `${errorList.length} ${errorList.length === 1 ? 'value needs' : 'values need'} correcting before saving.`}
              </Alert>
            )}
            {failure && (
              <Alert color="red" role="alert" title="The vitals were not saved">
                {failure}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button type="submit" loading={busy} disabled={!current.encounter}>
                Save vitals
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}
