/**
 * The Medications tab: the medication list. Active prescriptions (MedicationRequests) show where
 * their e-prescription stands, and are renewed, changed or discontinued from here (see
 * ../prescriptions/), with a detail drawer for each; reported medications (MedicationStatements: what the patient
 * takes from home or another prescriber) are added here from RxNorm with how they are taken,
 * edited, discontinued (why, and when) or marked entered in error, each with its history.
 */
import { useCallback, useEffect, useState } from 'react';
import { Badge, Group, SimpleGrid, Text, Textarea, TextInput } from '@mantine/core';
import type { MedicationRequest, MedicationStatement, Task } from '@medplum/fhirtypes';
import { ChangeDialog, DiscontinueDialog, RenewDialog } from '../prescriptions/PrescriptionDialogs.tsx';
import { PrescriptionDetail, TransmissionBadge } from '../prescriptions/PrescriptionDetail.tsx';
import { ERX_TASK, transmission } from '../prescriptions/prescription-model.ts';
import { conceptText, formatDate } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { RXNORM } from '../../fhir/terminology.ts';
import { CodePicker } from '../../ui/CodePicker.tsx';
import { today } from './coding.ts';
import { useEntryWriter } from './entry-writer.tsx';
import { EntryModal } from './EntryModal.tsx';
import { EntryTable, type EntryRow } from './EntryTable.tsx';
import { HistoryDrawer } from './HistoryDrawer.tsx';
import { ListFrame, type ListTabProps } from './ListFrame.tsx';
import { discontinueMedication, EMPTY_MEDICATION, MEDICATION_FIELDS, medicationEnteredInError, medicationForm, medicationResource, medicationStatus, validateDiscontinue, validateMedication, type MedicationErrors, type MedicationForm } from './medication.ts';
import { useRecorder } from './use-recorder.ts';
import { ExternalBadge } from '../../exchange/external/ExternalBadge.tsx';
import { externalSource } from '../../exchange/external/external-source.ts';

function MedicationFormModal({ base, onClose, onSave }: { base: MedicationStatement | undefined; onClose: () => void; onSave: (form: MedicationForm) => Promise<boolean> }) {
  const [form, setForm] = useState<MedicationForm>(base ? medicationForm(base) : EMPTY_MEDICATION);
  const [errors, setErrors] = useState<MedicationErrors>({});
  const set = <K extends keyof MedicationForm>(k: K, v: MedicationForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  return (
    <EntryModal
      opened
      title={base ? `Edit medication: ${conceptText(base.medicationCodeableConcept)}` : 'Add reported medication'}
      submitLabel={base ? 'Save changes' : 'Add medication'}
      onClose={onClose}
      onSubmit={async () => {
        const e = validateMedication(form);
        setErrors(e);
        return Object.keys(e).length > 0 ? false : onSave(form);
      }}
    >
      <CodePicker label="Medication" system={RXNORM} value={form.medication} onChange={(c) => set('medication', c)} required error={errors.medication} description="A medication the patient takes that was not prescribed here" />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput label="How it is taken" placeholder="e.g. 1 tablet by mouth daily" value={form.dosage} onChange={(e) => set('dosage', e.currentTarget.value)} error={errors.dosage} withAsterisk />
        <TextInput label="Start date" type="date" value={form.start} onChange={(e) => set('start', e.currentTarget.value)} error={errors.start} />
      </SimpleGrid>
      <Textarea label="Note" rows={2} value={form.note} onChange={(e) => set('note', e.currentTarget.value)} />
    </EntryModal>
  );
}

function DiscontinueModal({ entry, onClose, onStop }: { entry: MedicationStatement; onClose: () => void; onStop: (reason: string, end: string) => Promise<boolean> }) {
  const [reason, setReason] = useState('');
  const [end, setEnd] = useState(today());
  const [errors, setErrors] = useState<MedicationErrors>({});
  return (
    <EntryModal
      opened
      size="md"
      title={`Discontinue: ${conceptText(entry.medicationCodeableConcept)}`}
      submitLabel="Discontinue"
      danger
      onClose={onClose}
      onSubmit={async () => {
        const e = validateDiscontinue(reason, end, entry.effectivePeriod?.start);
        setErrors(e);
        return Object.keys(e).length > 0 ? false : onStop(reason, end);
      }}
    >
      <TextInput label="Reason" placeholder="e.g. Side effects" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} withAsterisk data-autofocus />
      <TextInput label="Stopped on" type="date" value={end} onChange={(e) => setEnd(e.currentTarget.value)} error={errors.end} withAsterisk />
    </EntryModal>
  );
}

type Pending = { kind: 'form'; base?: MedicationStatement } | { kind: 'stop' | 'error'; entry: MedicationStatement } | { kind: 'renew' | 'change' | 'discontinue'; order: MedicationRequest };

export function MedicationsTab({ patientId, onChanged }: ListTabProps) {
  const me = useRecorder();
  const [revision, setRevision] = useState(0);
  const { data, error, loading } = useLoad(
    async (c, signal) => {
      const [requests, statements, sends] = await Promise.all([
        c.searchResources('MedicationRequest', { patient: patientId, status: 'active', _count: '200' }, signal),
        c.searchResources('MedicationStatement', { patient: patientId, _count: '200' }, signal),
        // Where each e-prescription stands; a role that may not read Tasks still sees the list.
        c.searchResources('Task', { patient: patientId, code: ERX_TASK, _count: '200' }, signal).catch(() => [] as Task[]),
      ]);
      return { requests, statements, sends };
    },
    [patientId, revision],
  );
  const refresh = useCallback(() => {
    setRevision((r) => r + 1);
    onChanged();
  }, [onChanged]);
  const writer = useEntryWriter<MedicationStatement>('medication', MEDICATION_FIELDS, me, refresh);
  const [pending, setPending] = useState<Pending>();
  const [history, setHistory] = useState<MedicationStatement>();
  const [detail, setDetail] = useState<MedicationRequest>();
  // While an e-prescription is on its way, look again every few seconds until it is sent or fails.
  const waiting = (data?.sends ?? []).some((t) => t.status === 'requested' || t.status === 'in-progress');
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => setRevision((r) => r + 1), 4000);
    return () => clearTimeout(timer);
  }, [waiting, data]);
  const prescriber = me?.reference?.startsWith('Practitioner/') ? me.reference : undefined;
  const close = () => setPending(undefined);

  const source = (label: string) => (
    <Badge variant="light" color="gray" c="gray.9" tt="none" radius="sm">
      {label}
    </Badge>
  );
  const name = (m: MedicationRequest) => (m.medicationCodeableConcept ? conceptText(m.medicationCodeableConcept) : (m.medicationReference?.display ?? 'Medication'));
  const rows: EntryRow[] = [
    ...(data?.requests ?? []).map((m): EntryRow => ({
      key: `MedicationRequest/${m.id ?? ''}`,
      // Named apart from a reported medication of the same drug ("Actions for prescription of ...").
      name: `prescription of ${name(m)}`,
      status: medicationStatus(m),
      sortDate: m.authoredOn,
      cells: [
        <Text size="sm" fw={600} key="n">
          {name(m)}
        </Text>,
        m.dosageInstruction?.map((d) => d.text).filter(Boolean).join('; ') || '—',
        formatDate(m.authoredOn) || '—',
        <Group gap={4} key="s">
          {externalSource(m) ? <ExternalBadge resource={m} imported /> : source('Prescribed here')}
          <TransmissionBadge status={transmission(m, data?.sends ?? [])} />
        </Group>,
      ],
      actions: [
        ...(prescriber
          ? [
              { label: 'Renew', onClick: () => setPending({ kind: 'renew', order: m }) },
              { label: 'Change', onClick: () => setPending({ kind: 'change', order: m }) },
              { label: 'Discontinue', onClick: () => setPending({ kind: 'discontinue', order: m }), danger: true },
            ]
          : []),
        { label: 'Details', onClick: () => setDetail(m) },
      ],
    })),
    ...(data?.statements ?? []).map((s): EntryRow => {
      const status = medicationStatus(s);
      const n = conceptText(s.medicationCodeableConcept);
      const ended = s.effectivePeriod?.end ? ` – ${formatDate(s.effectivePeriod.end)}` : '';
      return {
        key: `MedicationStatement/${s.id ?? ''}`,
        name: n,
        status,
        sortDate: s.effectivePeriod?.start ?? s.dateAsserted,
        cells: [
          <>
            <Text size="sm" fw={600}>
              {n}
            </Text>
            <ExternalBadge resource={s} imported />
            {s.statusReason && (
              <Text size="xs" className="muted">
                Stopped: {s.statusReason.map(conceptText).join('; ')}
              </Text>
            )}
          </>,
          s.dosage?.map((d) => d.text).filter(Boolean).join('; ') || '—',
          `${formatDate(s.effectivePeriod?.start ?? s.effectiveDateTime) || '—'}${ended}`,
          source('Reported'),
        ],
        actions:
          status.tone === 'error'
            ? [{ label: 'History', onClick: () => setHistory(s) }]
            : [
                { label: 'Edit', onClick: () => setPending({ kind: 'form', base: s }) },
                ...(status.tone === 'active' ? [{ label: 'Discontinue', onClick: () => setPending({ kind: 'stop', entry: s }) }] : []),
                { label: 'History', onClick: () => setHistory(s) },
                { label: 'Mark entered in error', onClick: () => setPending({ kind: 'error', entry: s }), danger: true },
              ],
      };
    }),
  ];

  return (
    <>
      <ListFrame title="Medications" addLabel="Add reported medication" onAdd={() => setPending({ kind: 'form' })} error={error} loading={loading && !data}>
        <EntryTable caption="Medications" columns={['Medication', 'How taken', 'Dates', 'Source']} rows={rows} empty="No medications recorded." />
      </ListFrame>
      {pending?.kind === 'form' && (
        <MedicationFormModal key={pending.base?.id ?? 'new'} base={pending.base} onClose={close} onSave={async (form) => (await writer.save(medicationResource(form, patientId, me, pending.base), pending.base, close)) !== undefined} />
      )}
      {pending?.kind === 'stop' && <DiscontinueModal entry={pending.entry} onClose={close} onStop={async (reason, end) => (await writer.save(discontinueMedication(pending.entry, reason, end), pending.entry, close)) !== undefined} />}
      {pending?.kind === 'error' && (
        <EntryModal opened size="md" danger title={`Mark entered in error: ${conceptText(pending.entry.medicationCodeableConcept)}`} submitLabel="Mark entered in error" onClose={close} onSubmit={async () => (await writer.save(medicationEnteredInError(pending.entry), pending.entry, close)) !== undefined}>
          <Text size="sm">This medication was recorded by mistake. It stays in the history but leaves the medication list.</Text>
        </EntryModal>
      )}
      {prescriber && (pending?.kind === 'renew' || pending?.kind === 'change' || pending?.kind === 'discontinue') && (
        <>
          {pending.kind === 'renew' && <RenewDialog order={pending.order} patientId={patientId} me={prescriber} onClose={close} onDone={refresh} />}
          {pending.kind === 'change' && <ChangeDialog order={pending.order} patientId={patientId} me={prescriber} onClose={close} onDone={refresh} />}
          {pending.kind === 'discontinue' && <DiscontinueDialog order={pending.order} patientId={patientId} me={prescriber} onClose={close} onDone={refresh} />}
        </>
      )}
      <PrescriptionDetail order={detail} onClose={() => setDetail(undefined)} />
      <HistoryDrawer entry={history} name={history ? conceptText(history.medicationCodeableConcept) : ''} fields={MEDICATION_FIELDS} onClose={() => setHistory(undefined)} />
      {writer.dialog}
    </>
  );
}
