/** The lab order form: test (LOINC), priority, the problems it is for, and a note to the lab. */
import { MultiSelect, Radio, Group, Stack, Textarea } from '@mantine/core';
import type { Condition } from '@medplum/fhirtypes';
import { conceptText } from '../../fhir/format.ts';
import { OrderPicker } from './order-picker.ts';
import { LOINC, type Errors, type LabDraft, type Priority } from './order-model.ts';

export function LabOrderForm({ draft, errors, problems, onChange }: { draft: LabDraft; errors: Errors<LabDraft>; problems: Condition[]; onChange: (d: LabDraft) => void }) {
  const byId = new Map(problems.map((c) => [`Condition/${c.id}`, c]));
  return (
    <Stack gap="sm">
      <OrderPicker label="Test" system={LOINC} value={draft.test} onChange={(test) => onChange({ ...draft, test })} required error={errors.test} />
      <Radio.Group label="Priority" value={draft.priority} onChange={(v) => onChange({ ...draft, priority: v as Priority })}>
        <Group gap="lg" mt={4}>
          <Radio value="routine" label="Routine" />
          <Radio value="urgent" label="Urgent" />
          <Radio value="stat" label="STAT" />
        </Group>
      </Radio.Group>
      <MultiSelect
        label="Reason for the test"
        description="The patient's active problems"
        placeholder={problems.length === 0 ? 'No active problems recorded' : 'Choose problems'}
        data={problems.map((c) => ({ value: `Condition/${c.id}`, label: conceptText(c.code) }))}
        value={draft.reasons.map((r) => r.reference ?? '')}
        onChange={(refs) => onChange({ ...draft, reasons: refs.map((reference) => ({ reference, display: conceptText(byId.get(reference)?.code) })) })}
        searchable
        clearable
        disabled={problems.length === 0}
      />
      <Textarea label="Note to the lab" value={draft.noteToLab} onChange={(e) => onChange({ ...draft, noteToLab: e.currentTarget.value })} rows={2} maxLength={1000} />
    </Stack>
  );
}
