/**
 * The lab ordering form: an order set (which fills the tests) and/or panels and single tests from
 * the catalogue, each with its specimen and, for a panel, its member tests; priority, the problems
 * it is for, fasting, and a note to the lab. The performing lab is the catalogue's.
 */
import { Checkbox, Group, List, MultiSelect, Radio, Select, Stack, Text, Textarea } from '@mantine/core';
import type { Condition } from '@medplum/fhirtypes';
import { conceptText } from '../../fhir/format.ts';
import type { Catalogue, LabSetDraft } from './lab-model.ts';
import type { Priority } from './order-model.ts';

export function PriorityField({ value, onChange }: { value: Priority; onChange: (p: Priority) => void }) {
  return (
    <Radio.Group label="Priority" value={value} onChange={(v) => onChange(v as Priority)}>
      <Group gap="lg" mt={4}>
        <Radio value="routine" label="Routine" />
        <Radio value="urgent" label="Urgent" />
        <Radio value="stat" label="STAT" />
      </Group>
    </Radio.Group>
  );
}

export function ReasonField({ problems, value, onChange, error }: { problems: Condition[]; value: LabSetDraft['reasons']; onChange: (r: LabSetDraft['reasons']) => void; error?: string | undefined }) {
  const byId = new Map(problems.map((c) => [`Condition/${c.id}`, c]));
  return (
    <MultiSelect
      label="Reason for the order"
      description="The patient's active problems"
      placeholder={problems.length === 0 ? 'No active problems recorded' : 'Choose problems'}
      data={problems.map((c) => ({ value: `Condition/${c.id}`, label: conceptText(c.code) }))}
      value={value.map((r) => r.reference ?? '')}
      onChange={(refs) => onChange(refs.map((reference) => ({ reference, display: conceptText(byId.get(reference)?.code) })))}
      searchable
      clearable
      disabled={problems.length === 0}
      error={error}
    />
  );
}

export function LabSetForm({ catalogue, draft, errors, problems, onChange }: { catalogue: Catalogue; draft: LabSetDraft; errors: Partial<Record<keyof LabSetDraft, string>>; problems: Condition[]; onChange: (d: LabSetDraft) => void }) {
  const labs = catalogue.items.filter((i) => i.kind === 'lab');
  const chosen = draft.tests.map((c) => labs.find((i) => i.canonical === c)).filter((i) => i !== undefined);
  const set = catalogue.sets.find((s) => s.canonical === draft.set);
  return (
    <Stack gap="sm">
      <Select
        label="Order set"
        description="Optional: fills in the tests, which you can then change"
        placeholder="No order set"
        data={catalogue.sets.map((s) => ({ value: s.canonical, label: s.title }))}
        value={draft.set ?? null}
        onChange={(v) => {
          const s = catalogue.sets.find((x) => x.canonical === v);
          onChange({ ...draft, set: v ?? undefined, tests: s ? s.items.map((i) => i.canonical) : draft.tests });
        }}
        clearable
      />
      {set && (
        <Text size="sm" className="muted">
          {set.description}
        </Text>
      )}
      <MultiSelect
        label="Tests and panels"
        placeholder={chosen.length === 0 ? 'Choose tests' : undefined}
        data={labs.map((i) => ({ value: i.canonical, label: `${i.title} (LOINC ${i.code.code})` }))}
        value={draft.tests}
        onChange={(tests) => onChange({ ...draft, tests })}
        searchable
        required
        error={errors.tests}
      />
      {chosen.length > 0 && (
        <List size="sm" spacing={2} aria-label="Specimens and panel contents">
          {chosen.map((i) => (
            <List.Item key={i.canonical}>
              <Text span size="sm" fw={600}>
                {i.title}
              </Text>
              {`: ${i.specimen ? `${i.specimen.text}${i.specimen.container ? ` (${i.specimen.container})` : ''}` : 'no specimen stated'}`}
              {i.members.length > 0 && <Text size="xs" className="muted">{`Includes ${i.members.map((m) => m.display ?? m.code).join('; ')}`}</Text>}
            </List.Item>
          ))}
        </List>
      )}
      <PriorityField value={draft.priority} onChange={(priority) => onChange({ ...draft, priority })} />
      <ReasonField problems={problems} value={draft.reasons} onChange={(reasons) => onChange({ ...draft, reasons })} />
      <Checkbox label="Fasting specimen" checked={draft.fasting} onChange={(e) => onChange({ ...draft, fasting: e.currentTarget.checked })} />
      <Textarea label="Note to the lab" value={draft.noteToLab} onChange={(e) => onChange({ ...draft, noteToLab: e.currentTarget.value })} rows={2} maxLength={1000} />
      <Text size="sm" className="muted">
        Performed by {catalogue.lab?.display ?? 'the lab your clinic uses'}
      </Text>
    </Stack>
  );
}
