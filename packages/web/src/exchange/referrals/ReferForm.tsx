/**
 * "Refer to another organization": the partner (from `Organization/$partners`), the reason, the
 * specialty, the priority and a note. Sent with `Patient/<id>/$refer`; the answer says whether it
 * reached the partner (if not, the referral is kept and can be resent).
 */
import { useState } from 'react';
import { Alert, Button, Card, Group, Select, SimpleGrid, Stack, Textarea, TextInput, Title } from '@mantine/core';
import type { Parameters } from '@medplum/fhirtypes';
import { errorMessage } from '../../fhir/client.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import type { PartnerRow } from '../admin/partners-model.ts';
import { PRIORITIES, referParameters, SPECIALTIES, validateRefer, type Priority, type ReferForm as Form, type ReferFormErrors } from './referral-model.ts';

const EMPTY: Form = { partner: '', reason: '', specialty: '', priority: 'routine', note: '' };
const PRIORITY_LABELS: Record<Priority, string> = { routine: 'Routine', urgent: 'Urgent', asap: 'As soon as possible', stat: 'Immediately (stat)' };

export function ReferForm({ patientId, partners, onSent, onCancel }: { patientId: string; partners: PartnerRow[]; onSent: (delivered: boolean, partner: string) => void; onCancel: () => void }) {
  const client = useFhir();
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<ReferFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const active = partners.filter((p) => p.active);

  const submit = async () => {
    const found = validateRefer(form);
    setErrors(found);
    setError(undefined);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const answer = await client.operation<Parameters>(`Patient/${patientId}/$refer`, referParameters(form));
      const delivered = answer.parameter?.find((p) => p.name === 'delivered')?.valueBoolean !== false;
      onSent(delivered, active.find((p) => p.organizationId === form.partner)?.name ?? 'the partner');
      setForm(EMPTY);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder padding="md">
      <form
        aria-label="Refer to another organization"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            Refer to another organization
          </Title>
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
            <Select
              label="Refer to"
              required
              placeholder={active.length === 0 ? 'No active partner' : 'Choose an organization'}
              data={active.map((p) => ({ value: p.organizationId, label: p.name }))}
              value={form.partner || null}
              onChange={(v) => setForm({ ...form, partner: v ?? '' })}
              error={errors.partner}
              searchable
            />
            <Select
              label="Specialty"
              placeholder="Any"
              data={SPECIALTIES.map((s) => ({ value: s.code ?? '', label: s.display ?? '' }))}
              value={form.specialty || null}
              onChange={(v) => setForm({ ...form, specialty: v ?? '' })}
              error={errors.specialty}
              searchable
              clearable
              clearButtonProps={{ 'aria-label': 'Clear the specialty' }}
            />
            <Select
              label="Priority"
              required
              data={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
              value={form.priority}
              onChange={(v) => setForm({ ...form, priority: (v ?? 'routine') as Priority })}
              error={errors.priority}
              allowDeselect={false}
            />
          </SimpleGrid>
          <TextInput label="Reason for referral" required value={form.reason} onChange={(e) => setForm({ ...form, reason: e.currentTarget.value })} error={errors.reason} />
          <Textarea label="Note to the receiving clinician" autosize minRows={2} value={form.note} onChange={(e) => setForm({ ...form, note: e.currentTarget.value })} />
          {error && (
            <Alert color="red" role="alert" title="The referral was not sent">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Send referral
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
