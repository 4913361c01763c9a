/**
 * The Immunizations tab: vaccines given or declined, newest first within status, coded from CVX
 * with date, lot, site and route, or the reason a vaccine was not given, and whether this clinic
 * is the primary source; add, edit, mark entered in error, and each entry's history.
 */
import { useCallback, useState } from 'react';
import { Checkbox, NativeSelect, SegmentedControl, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import type { Immunization } from '@medplum/fhirtypes';
import { conceptText, formatDate } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { CVX } from '../../fhir/terminology.ts';
import { CodePicker } from '../../ui/CodePicker.tsx';
import { useEntryWriter } from './entry-writer.tsx';
import { EntryModal } from './EntryModal.tsx';
import { EntryTable, type EntryRow } from './EntryTable.tsx';
import { HistoryDrawer } from './HistoryDrawer.tsx';
import { emptyImmunization, IMMUNIZATION_FIELDS, immunizationEnteredInError, immunizationForm, immunizationResource, immunizationStatus, NOT_DONE_REASONS, ROUTES, SITES, validateImmunization, type ImmunizationErrors, type ImmunizationForm } from './immunization.ts';
import { ListFrame, type ListTabProps } from './ListFrame.tsx';
import { useRecorder } from './use-recorder.ts';
import { ExternalBadge } from '../../exchange/external/ExternalBadge.tsx';

const options = (labels: Record<string, string>, none: string) => [{ value: '', label: none }, ...Object.entries(labels).map(([value, label]) => ({ value, label }))];

function ImmunizationFormModal({ base, onClose, onSave }: { base: Immunization | undefined; onClose: () => void; onSave: (form: ImmunizationForm) => Promise<boolean> }) {
  const [form, setForm] = useState<ImmunizationForm>(base ? immunizationForm(base) : emptyImmunization());
  const [errors, setErrors] = useState<ImmunizationErrors>({});
  const set = <K extends keyof ImmunizationForm>(k: K, v: ImmunizationForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const given = form.status === 'completed';
  return (
    <EntryModal
      opened
      title={base ? `Edit immunization: ${conceptText(base.vaccineCode)}` : 'Add immunization'}
      submitLabel={base ? 'Save changes' : 'Add immunization'}
      onClose={onClose}
      onSubmit={async () => {
        const e = validateImmunization(form);
        setErrors(e);
        return Object.keys(e).length > 0 ? false : onSave(form);
      }}
    >
      <CodePicker label="Vaccine" system={CVX} value={form.vaccine} onChange={(c) => set('vaccine', c)} required error={errors.vaccine} description="Search CVX by vaccine name or code" />
      <Stack gap={4}>
        <Text size="sm" fw={500} id="immunization-status-label">
          Status
        </Text>
        <SegmentedControl
          aria-labelledby="immunization-status-label"
          value={form.status}
          onChange={(v) => set('status', v as ImmunizationForm['status'])}
          data={[
            { value: 'completed', label: 'Given' },
            { value: 'not-done', label: 'Not given' },
          ]}
        />
      </Stack>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput label={given ? 'Date given' : 'Date'} type="date" value={form.date} onChange={(e) => set('date', e.currentTarget.value)} error={errors.date} withAsterisk />
        {given ? (
          <>
            <TextInput label="Lot number" value={form.lot} onChange={(e) => set('lot', e.currentTarget.value)} />
            <NativeSelect label="Site" value={form.site} onChange={(e) => set('site', e.currentTarget.value as ImmunizationForm['site'])} data={options(SITES, 'Not recorded')} />
            <NativeSelect label="Route" value={form.route} onChange={(e) => set('route', e.currentTarget.value as ImmunizationForm['route'])} data={options(ROUTES, 'Not recorded')} />
          </>
        ) : (
          <NativeSelect label="Reason not given" value={form.reason} onChange={(e) => set('reason', e.currentTarget.value as ImmunizationForm['reason'])} data={options(NOT_DONE_REASONS, 'Choose a reason')} error={errors.reason} withAsterisk />
        )}
      </SimpleGrid>
      <Checkbox label="Given here (primary source); untick when reported by the patient or another provider" checked={form.primarySource} onChange={(e) => set('primarySource', e.currentTarget.checked)} />
      <Textarea label="Note" rows={2} value={form.note} onChange={(e) => set('note', e.currentTarget.value)} />
    </EntryModal>
  );
}

type Pending = { kind: 'form'; base?: Immunization } | { kind: 'error'; entry: Immunization };

export function ImmunizationsTab({ patientId, onChanged }: ListTabProps) {
  const me = useRecorder();
  const [revision, setRevision] = useState(0);
  const { data, error, loading } = useLoad((c, signal) => c.searchResources('Immunization', { patient: patientId, _sort: '-date', _count: '200' }, signal), [patientId, revision]);
  const refresh = useCallback(() => {
    setRevision((r) => r + 1);
    onChanged();
  }, [onChanged]);
  const writer = useEntryWriter<Immunization>('immunization', IMMUNIZATION_FIELDS, me, refresh);
  const [pending, setPending] = useState<Pending>();
  const [history, setHistory] = useState<Immunization>();
  const close = () => setPending(undefined);

  const rows: EntryRow[] = (data ?? []).map((i) => {
    const status = immunizationStatus(i);
    const name = conceptText(i.vaccineCode);
    return {
      key: i.id ?? name,
      name,
      status,
      sortDate: i.occurrenceDateTime,
      cells: [
        <>
          <Text size="sm" fw={600}>
            {name}
          </Text>
          <ExternalBadge resource={i} imported />
          <Text size="xs" className="muted">
            {[i.vaccineCode.coding?.[0]?.code ? `CVX ${i.vaccineCode.coding[0].code}` : undefined, i.primarySource === false ? 'Reported' : undefined].filter(Boolean).join(' · ')}
          </Text>
        </>,
        formatDate(i.occurrenceDateTime) || '—',
        i.status === 'not-done' ? (i.statusReason ? `Not given: ${conceptText(i.statusReason)}` : 'Not given') : [i.lotNumber ? `Lot ${i.lotNumber}` : undefined, i.site ? conceptText(i.site) : undefined, i.route ? conceptText(i.route) : undefined].filter(Boolean).join(' · ') || '—',
      ],
      actions:
        status.tone === 'error'
          ? [{ label: 'History', onClick: () => setHistory(i) }]
          : [
              { label: 'Edit', onClick: () => setPending({ kind: 'form', base: i }) },
              { label: 'History', onClick: () => setHistory(i) },
              { label: 'Mark entered in error', onClick: () => setPending({ kind: 'error', entry: i }), danger: true },
            ],
    };
  });

  return (
    <>
      <ListFrame title="Immunizations" addLabel="Add immunization" onAdd={() => setPending({ kind: 'form' })} error={error} loading={loading && !data}>
        <EntryTable caption="Immunizations" columns={['Vaccine', 'Date', 'Details']} rows={rows} empty="No immunizations recorded." />
      </ListFrame>
      {pending?.kind === 'form' && (
        <ImmunizationFormModal key={pending.base?.id ?? 'new'} base={pending.base} onClose={close} onSave={async (form) => (await writer.save(immunizationResource(form, patientId, pending.base), pending.base, close)) !== undefined} />
      )}
      {pending?.kind === 'error' && (
        <EntryModal opened size="md" danger title={`Mark entered in error: ${conceptText(pending.entry.vaccineCode)}`} submitLabel="Mark entered in error" onClose={close} onSubmit={async () => (await writer.save(immunizationEnteredInError(pending.entry), pending.entry, close)) !== undefined}>
          <Text size="sm">This immunization was recorded by mistake. It stays in the history but no longer counts.</Text>
        </EntryModal>
      )}
      <HistoryDrawer entry={history} name={history ? conceptText(history.vaccineCode) : ''} fields={IMMUNIZATION_FIELDS} onClose={() => setHistory(undefined)} />
      {writer.dialog}
    </>
  );
}
