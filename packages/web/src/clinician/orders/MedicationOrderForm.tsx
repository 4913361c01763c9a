/**
 * The medication order form: the drug (RxNorm, from the medication catalogue), a structured dose, route and frequency (the
 * directions are written from them and shown as the label will read), as-needed, dispense
 * quantity and refills, the duration in days, whether a generic may be substituted (and why not),
 * the pharmacy the e-prescription goes to, and a note to the pharmacy.
 */
import { useCallback, useRef } from 'react';
import { useParams } from 'react-router-dom';
import { Checkbox, Group, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { PharmacyPicker } from '../prescriptions/PharmacyPicker.tsx';
import { MedicationPicker } from '../../ui/MedicationPicker.tsx';
import { checkMedication, DOSE_UNITS, FREQUENCIES, ROUTES, sigText, type Errors, type FrequencyCode, type MedicationDraft, type PharmacyChoice, type RouteKey } from './order-model.ts';

export function MedicationOrderForm({ draft, errors, onChange, patientId }: { draft: MedicationDraft; errors: Errors<MedicationDraft>; onChange: (d: MedicationDraft) => void; patientId?: string }) {
  const set = <K extends keyof MedicationDraft>(k: K, v: MedicationDraft[K]) => onChange({ ...draft, [k]: v });
  // Under the chart's route: the patient whose last pharmacy the picker starts at.
  const params = useParams();
  const patient = patientId ?? params.id;
  // The picker may choose a default once loaded: it must change the draft as it is then.
  const latest = useRef({ draft, onChange });
  latest.current = { draft, onChange };
  const setPharmacy = useCallback((p: PharmacyChoice | undefined) => latest.current.onChange({ ...latest.current.draft, pharmacy: p }), []);
  const complete = Object.keys(checkMedication({ ...draft, medication: draft.medication ?? { code: 'x' } })).length === 0;
  return (
    <Stack gap="sm">
      <MedicationPicker label="Medication" value={draft.medication} onChange={(m) => set('medication', m)} required error={errors.medication} />
      <SimpleGrid cols={{ base: 1, sm: 4 }} spacing="sm">
        <TextInput label="Dose" inputMode="decimal" value={draft.dose} onChange={(e) => set('dose', e.currentTarget.value)} required error={errors.dose} />
        <Select label="Dose unit" data={Object.entries(DOSE_UNITS).map(([value, u]) => ({ value, label: u.many }))} value={draft.doseUnit} onChange={(v) => v && set('doseUnit', v)} allowDeselect={false} required error={errors.doseUnit} />
        <Select label="Route" data={Object.entries(ROUTES).map(([value, r]) => ({ value, label: r.words }))} value={draft.route} onChange={(v) => v && set('route', v as RouteKey)} allowDeselect={false} required />
        <Select label="Frequency" data={Object.entries(FREQUENCIES).map(([value, f]) => ({ value, label: f.label }))} value={draft.frequency} onChange={(v) => v && set('frequency', v as FrequencyCode)} allowDeselect={false} required />
      </SimpleGrid>
      <Group gap="md" align="flex-end">
        <Checkbox label="As needed" checked={draft.asNeeded} onChange={(e) => set('asNeeded', e.currentTarget.checked)} />
        {draft.asNeeded && <TextInput label="As needed for" placeholder="e.g. pain, wheezing" value={draft.asNeededFor} onChange={(e) => set('asNeededFor', e.currentTarget.value)} maxLength={100} />}
      </Group>
      <Text size="sm" aria-live="polite" data-sig>
        <Text span fw={600}>
          Directions:{' '}
        </Text>
        {complete ? sigText(draft) : 'complete the dose to see the directions'}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TextInput label="Quantity to dispense" inputMode="numeric" value={draft.quantity} onChange={(e) => set('quantity', e.currentTarget.value)} required error={errors.quantity} />
        <TextInput label="Refills" inputMode="numeric" value={draft.refills} onChange={(e) => set('refills', e.currentTarget.value)} required error={errors.refills} />
        <TextInput label="Duration (days)" inputMode="numeric" placeholder="e.g. 30" value={draft.durationDays} onChange={(e) => set('durationDays', e.currentTarget.value)} error={errors.durationDays} />
      </SimpleGrid>
      <Group gap="md" align="flex-end">
        <Checkbox label="Generic substitution allowed" checked={draft.substitutionAllowed} onChange={(e) => set('substitutionAllowed', e.currentTarget.checked)} />
        {!draft.substitutionAllowed && <TextInput label="Why dispense as written" required value={draft.substitutionReason} onChange={(e) => set('substitutionReason', e.currentTarget.value)} error={errors.substitutionReason} maxLength={200} />}
      </Group>
      <PharmacyPicker value={draft.pharmacy} onChange={setPharmacy} {...(patient ? { patientId: patient } : {})} />
      <Textarea label="Note to the pharmacy" value={draft.noteToPharmacy} onChange={(e) => set('noteToPharmacy', e.currentTarget.value)} rows={2} maxLength={1000} />
    </Stack>
  );
}
