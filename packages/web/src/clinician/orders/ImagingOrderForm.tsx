/** The imaging order form: the study (LOINC, from the catalogue), body site, priority, reason and a note to radiology. */
import { Select, Stack, Textarea, TextInput } from '@mantine/core';
import type { Condition } from '@medplum/fhirtypes';
import type { Catalogue, ImagingDraft } from './lab-model.ts';
import { PriorityField, ReasonField } from './LabSetForm.tsx';

export function ImagingOrderForm({ catalogue, draft, errors, problems, onChange }: { catalogue: Catalogue; draft: ImagingDraft; errors: Partial<Record<keyof ImagingDraft, string>>; problems: Condition[]; onChange: (d: ImagingDraft) => void }) {
  const studies = catalogue.items.filter((i) => i.kind === 'imaging');
  return (
    <Stack gap="sm">
      <Select
        label="Study"
        placeholder="Choose the imaging study"
        data={studies.map((i) => ({ value: i.canonical, label: `${i.title} (LOINC ${i.code.code})` }))}
        value={draft.study ?? null}
        onChange={(v) => {
          const study = studies.find((i) => i.canonical === v);
          onChange({ ...draft, study: v ?? undefined, bodySite: study?.bodySite ?? draft.bodySite });
        }}
        searchable
        required
        error={errors.study}
      />
      <TextInput label="Body site" value={draft.bodySite} onChange={(e) => onChange({ ...draft, bodySite: e.currentTarget.value })} required error={errors.bodySite} maxLength={200} />
      <PriorityField value={draft.priority} onChange={(priority) => onChange({ ...draft, priority })} />
      <ReasonField problems={problems} value={draft.reasons} onChange={(reasons) => onChange({ ...draft, reasons })} error={errors.reasons} />
      <Textarea label="Clinical information for the radiologist" value={draft.noteToRadiology} onChange={(e) => onChange({ ...draft, noteToRadiology: e.currentTarget.value })} rows={2} maxLength={1000} />
    </Stack>
  );
}

