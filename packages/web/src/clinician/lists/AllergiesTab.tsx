/**
 * The Allergies tab: every allergy and intolerance on record (active first), added and edited
 * in a form whose substance is picked from RxNorm (or typed, uncoded, when RxNorm has no entry:
 * foods, pollens), resolved, or marked entered in error; each with its history.
 */
import { useCallback, useState } from 'react';
import { NativeSelect, SimpleGrid, Text, Textarea, TextInput } from '@mantine/core';
import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { conceptText, formatDate } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { RXNORM } from '../../fhir/terminology.ts';
import { CodePicker } from '../../ui/CodePicker.tsx';
import {
  ALLERGY_FIELDS,
  allergyEnteredInError,
  allergyForm,
  allergyResource,
  allergyStatus,
  CATEGORY_LABELS,
  CLINICAL_LABELS,
  CRITICALITY_LABELS,
  EMPTY_ALLERGY,
  resolveAllergy,
  SEVERITY_LABELS,
  TYPE_LABELS,
  validateAllergy,
  VERIFICATION_LABELS,
  type AllergyErrors,
  type AllergyForm,
} from './allergy.ts';
import { useEntryWriter } from './entry-writer.tsx';
import { EntryModal } from './EntryModal.tsx';
import { EntryTable, type EntryRow } from './EntryTable.tsx';
import { HistoryDrawer } from './HistoryDrawer.tsx';
import { ListFrame, type ListTabProps } from './ListFrame.tsx';
import { useRecorder } from './use-recorder.ts';
import { ExternalBadge } from '../../exchange/external/ExternalBadge.tsx';

const options = (labels: Record<string, string>, none?: string) => [...(none ? [{ value: '', label: none }] : []), ...Object.entries(labels).map(([value, label]) => ({ value, label }))];

function AllergyFields({ form, set, errors, editing }: { form: AllergyForm; set: <K extends keyof AllergyForm>(k: K, v: AllergyForm[K]) => void; errors: AllergyErrors; editing: boolean }) {
  return (
    <>
      <CodePicker label="Substance" system={RXNORM} value={form.substance} onChange={(c) => set('substance', c)} required freeText error={errors.substance} description="A drug from RxNorm, or type a food or other substance and keep it without a code" />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <NativeSelect label="Type" value={form.type} onChange={(e) => set('type', e.currentTarget.value as AllergyForm['type'])} data={options(TYPE_LABELS, 'Not specified')} />
        <NativeSelect label="Category" value={form.category} onChange={(e) => set('category', e.currentTarget.value as AllergyForm['category'])} data={options(CATEGORY_LABELS, 'Not specified')} />
        <NativeSelect label="Criticality" value={form.criticality} onChange={(e) => set('criticality', e.currentTarget.value as AllergyForm['criticality'])} data={options(CRITICALITY_LABELS, 'Not assessed')} />
        <NativeSelect label="Verification" value={form.verification} onChange={(e) => set('verification', e.currentTarget.value as AllergyForm['verification'])} data={options(VERIFICATION_LABELS)} />
        <TextInput label="Reaction" placeholder="e.g. Hives" value={form.manifestation} onChange={(e) => set('manifestation', e.currentTarget.value)} error={errors.manifestation} />
        <NativeSelect label="Reaction severity" value={form.severity} onChange={(e) => set('severity', e.currentTarget.value as AllergyForm['severity'])} data={options(SEVERITY_LABELS, 'Not specified')} />
        <TextInput label="Onset date" type="date" value={form.onset} onChange={(e) => set('onset', e.currentTarget.value)} error={errors.onset} />
        {editing && <NativeSelect label="Clinical status" value={form.clinical} onChange={(e) => set('clinical', e.currentTarget.value as AllergyForm['clinical'])} data={options(CLINICAL_LABELS)} />}
      </SimpleGrid>
      <Textarea label="Note" rows={2} value={form.note} onChange={(e) => set('note', e.currentTarget.value)} />
    </>
  );
}

function AllergyFormModal({ base, onClose, onSave }: { base: AllergyIntolerance | undefined; onClose: () => void; onSave: (form: AllergyForm) => Promise<boolean> }) {
  const [form, setForm] = useState<AllergyForm>(base ? allergyForm(base) : EMPTY_ALLERGY);
  const [errors, setErrors] = useState<AllergyErrors>({});
  const set = <K extends keyof AllergyForm>(k: K, v: AllergyForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  return (
    <EntryModal
      opened
      title={base ? `Edit allergy: ${conceptText(base.code)}` : 'Add allergy'}
      submitLabel={base ? 'Save changes' : 'Add allergy'}
      onClose={onClose}
      onSubmit={async () => {
        const e = validateAllergy(form);
        setErrors(e);
        if (Object.keys(e).length > 0) return false;
        return onSave(form);
      }}
    >
      <AllergyFields form={form} set={set} errors={errors} editing={base !== undefined} />
    </EntryModal>
  );
}

type Pending = { kind: 'form'; base?: AllergyIntolerance } | { kind: 'resolve' | 'error'; entry: AllergyIntolerance };

export function AllergiesTab({ patientId, onChanged }: ListTabProps) {
  const me = useRecorder();
  const [revision, setRevision] = useState(0);
  const { data, error, loading } = useLoad((c, signal) => c.searchResources('AllergyIntolerance', { patient: patientId, _count: '200' }, signal), [patientId, revision]);
  const refresh = useCallback(() => {
    setRevision((r) => r + 1);
    onChanged();
  }, [onChanged]);
  const writer = useEntryWriter<AllergyIntolerance>('allergy', ALLERGY_FIELDS, me, refresh);
  const [pending, setPending] = useState<Pending>();
  const [history, setHistory] = useState<AllergyIntolerance>();
  const close = () => setPending(undefined);

  const rows: EntryRow[] = (data ?? []).map((a) => {
    const status = allergyStatus(a);
    const reaction = a.reaction?.[0];
    const name = conceptText(a.code);
    return {
      key: a.id ?? name,
      name,
      status,
      sortDate: a.recordedDate,
      cells: [
        <>
          <Text size="sm" fw={600}>
            {name}
          </Text>
          <ExternalBadge resource={a} imported />
          <Text size="xs" className="muted">
            {[a.type ? TYPE_LABELS[a.type] : undefined, a.category?.map((c) => CATEGORY_LABELS[c]).join(', '), a.code?.coding?.[0]?.code ? `RxNorm ${a.code.coding[0].code}` : 'Not coded'].filter(Boolean).join(' · ')}
          </Text>
        </>,
        reaction ? `${reaction.manifestation.map(conceptText).join(', ')}${reaction.severity ? ` (${SEVERITY_LABELS[reaction.severity].toLowerCase()})` : ''}` : '—',
        a.criticality ? CRITICALITY_LABELS[a.criticality] : '—',
        formatDate(a.onsetDateTime) || '—',
      ],
      actions:
        status.tone === 'error'
          ? [{ label: 'History', onClick: () => setHistory(a) }]
          : [
              { label: 'Edit', onClick: () => setPending({ kind: 'form', base: a }) },
              ...(status.tone === 'active' ? [{ label: 'Resolve', onClick: () => setPending({ kind: 'resolve', entry: a }) }] : []),
              { label: 'History', onClick: () => setHistory(a) },
              { label: 'Mark entered in error', onClick: () => setPending({ kind: 'error', entry: a }), danger: true },
            ],
    };
  });

  return (
    <>
      <ListFrame title="Allergies and intolerances" addLabel="Add allergy" onAdd={() => setPending({ kind: 'form' })} error={error} loading={loading && !data}>
        <EntryTable caption="Allergies and intolerances" columns={['Substance', 'Reaction', 'Criticality', 'Onset']} rows={rows} empty="No allergies recorded. Add one, or record “No known allergies” in a note." />
      </ListFrame>
      {pending?.kind === 'form' && (
        <AllergyFormModal
          key={pending.base?.id ?? 'new'}
          base={pending.base}
          onClose={close}
          onSave={async (form) => (await writer.save(allergyResource(form, patientId, me, pending.base), pending.base, close)) !== undefined}
        />
      )}
      {pending && pending.kind !== 'form' && (
        <EntryModal
          opened
          size="md"
          title={pending.kind === 'resolve' ? `Resolve allergy: ${conceptText(pending.entry.code)}` : `Mark entered in error: ${conceptText(pending.entry.code)}`}
          submitLabel={pending.kind === 'resolve' ? 'Resolve' : 'Mark entered in error'}
          danger={pending.kind === 'error'}
          onClose={close}
          onSubmit={async () => {
            const next = pending.kind === 'resolve' ? resolveAllergy(pending.entry) : allergyEnteredInError(pending.entry);
            return (await writer.save(next, pending.entry, close)) !== undefined;
          }}
        >
          <Text size="sm">
            {pending.kind === 'resolve'
              ? 'The patient no longer has this allergy (for example after desensitisation). It stays in the list as resolved.'
              : 'This allergy was recorded by mistake. It stays in the history but no longer counts as an allergy.'}
          </Text>
        </EntryModal>
      )}
      <HistoryDrawer entry={history} name={history ? conceptText(history.code) : ''} fields={ALLERGY_FIELDS} onClose={() => setHistory(undefined)} />
      {writer.dialog}
    </>
  );
}
