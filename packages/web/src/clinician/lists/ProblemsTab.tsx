/**
 * The Problems tab: the problem list (Conditions of category problem-list-item), active first,
 * coded from ICD-10-CM; add, edit, resolve (with the date it resolved), mark entered in error,
 * and each entry's history.
 */
import { useCallback, useState } from 'react';
import { NativeSelect, SimpleGrid, Text, Textarea, TextInput } from '@mantine/core';
import type { Condition } from '@medplum/fhirtypes';
import { conceptText, formatDate } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { ICD10CM } from '../../fhir/terminology.ts';
import { CodePicker } from '../../ui/CodePicker.tsx';
import { codeOf, today, validPastDate } from './coding.ts';
import { useEntryWriter } from './entry-writer.tsx';
import { EntryModal } from './EntryModal.tsx';
import { EntryTable, type EntryRow } from './EntryTable.tsx';
import { HistoryDrawer } from './HistoryDrawer.tsx';
import { ListFrame, type ListTabProps } from './ListFrame.tsx';
import { EMPTY_PROBLEM, PROBLEM_CLINICAL, PROBLEM_FIELDS, problemEnteredInError, problemForm, problemResource, problemStatus, resolveProblem, validateProblem, type ProblemErrors, type ProblemForm } from './problem.ts';
import { useRecorder } from './use-recorder.ts';
import { ExternalBadge } from '../../exchange/external/ExternalBadge.tsx';

function ProblemFormModal({ base, onClose, onSave }: { base: Condition | undefined; onClose: () => void; onSave: (form: ProblemForm) => Promise<boolean> }) {
  const [form, setForm] = useState<ProblemForm>(base ? problemForm(base) : EMPTY_PROBLEM);
  const [errors, setErrors] = useState<ProblemErrors>({});
  const set = <K extends keyof ProblemForm>(k: K, v: ProblemForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  return (
    <EntryModal
      opened
      title={base ? `Edit problem: ${conceptText(base.code)}` : 'Add problem'}
      submitLabel={base ? 'Save changes' : 'Add problem'}
      onClose={onClose}
      onSubmit={async () => {
        const e = validateProblem(form);
        setErrors(e);
        return Object.keys(e).length > 0 ? false : onSave(form);
      }}
    >
      <CodePicker label="Problem" system={ICD10CM} value={form.code} onChange={(c) => set('code', c)} required error={errors.code} description="Search ICD-10-CM by words of the diagnosis or by code" />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput label="Onset date" type="date" value={form.onset} onChange={(e) => set('onset', e.currentTarget.value)} error={errors.onset} />
        <NativeSelect label="Clinical status" value={form.clinical} onChange={(e) => set('clinical', e.currentTarget.value as ProblemForm['clinical'])} data={Object.entries(PROBLEM_CLINICAL).map(([value, label]) => ({ value, label }))} />
      </SimpleGrid>
      <Textarea label="Note" rows={2} value={form.note} onChange={(e) => set('note', e.currentTarget.value)} />
    </EntryModal>
  );
}

function ResolveModal({ entry, onClose, onResolve }: { entry: Condition; onClose: () => void; onResolve: (date: string) => Promise<boolean> }) {
  const [date, setDate] = useState(today());
  const [error, setError] = useState<string>();
  return (
    <EntryModal
      opened
      size="md"
      title={`Resolve problem: ${conceptText(entry.code)}`}
      submitLabel="Resolve"
      onClose={onClose}
      onSubmit={async () => {
        const bad = !validPastDate(date, today()) ? 'Enter a real date that is not in the future' : entry.onsetDateTime && date < entry.onsetDateTime.slice(0, 10) ? 'The problem cannot resolve before its onset' : undefined;
        setError(bad);
        return bad ? false : onResolve(date);
      }}
    >
      <TextInput label="Resolved on" type="date" value={date} onChange={(e) => setDate(e.currentTarget.value)} error={error} required />
    </EntryModal>
  );
}

type Pending = { kind: 'form'; base?: Condition } | { kind: 'resolve' | 'error'; entry: Condition };

export function ProblemsTab({ patientId, onChanged }: ListTabProps) {
  const me = useRecorder();
  const [revision, setRevision] = useState(0);
  const { data, error, loading } = useLoad((c, signal) => c.searchResources('Condition', { patient: patientId, category: 'problem-list-item', _count: '200' }, signal), [patientId, revision]);
  const refresh = useCallback(() => {
    setRevision((r) => r + 1);
    onChanged();
  }, [onChanged]);
  const writer = useEntryWriter<Condition>('problem', PROBLEM_FIELDS, me, refresh);
  const [pending, setPending] = useState<Pending>();
  const [history, setHistory] = useState<Condition>();
  const close = () => setPending(undefined);

  const rows: EntryRow[] = (data ?? []).map((c) => {
    const status = problemStatus(c);
    const name = conceptText(c.code);
    return {
      key: c.id ?? name,
      name,
      status,
      sortDate: c.onsetDateTime ?? c.recordedDate,
      cells: [
        <div key="name">
          <Text size="sm" fw={600}>
            {name}
          </Text>
          <ExternalBadge resource={c} imported />
        </div>,
        <Text size="sm" ff="monospace" key="code">
          {codeOf(c.code, ICD10CM) ?? '—'}
        </Text>,
        formatDate(c.onsetDateTime) || '—',
        formatDate(c.abatementDateTime) || '—',
      ],
      actions:
        status.tone === 'error'
          ? [{ label: 'History', onClick: () => setHistory(c) }]
          : [
              { label: 'Edit', onClick: () => setPending({ kind: 'form', base: c }) },
              ...(status.tone === 'active' ? [{ label: 'Resolve', onClick: () => setPending({ kind: 'resolve', entry: c }) }] : []),
              { label: 'History', onClick: () => setHistory(c) },
              { label: 'Mark entered in error', onClick: () => setPending({ kind: 'error', entry: c }), danger: true },
            ],
    };
  });

  return (
    <>
      <ListFrame title="Problem list" addLabel="Add problem" onAdd={() => setPending({ kind: 'form' })} error={error} loading={loading && !data}>
        <EntryTable caption="Problem list" columns={['Problem', 'ICD-10-CM', 'Onset', 'Resolved']} rows={rows} empty="No problems recorded." />
      </ListFrame>
      {pending?.kind === 'form' && (
        <ProblemFormModal key={pending.base?.id ?? 'new'} base={pending.base} onClose={close} onSave={async (form) => (await writer.save(problemResource(form, patientId, me, pending.base), pending.base, close)) !== undefined} />
      )}
      {pending?.kind === 'resolve' && <ResolveModal entry={pending.entry} onClose={close} onResolve={async (date) => (await writer.save(resolveProblem(pending.entry, date), pending.entry, close)) !== undefined} />}
      {pending?.kind === 'error' && (
        <EntryModal opened size="md" danger title={`Mark entered in error: ${conceptText(pending.entry.code)}`} submitLabel="Mark entered in error" onClose={close} onSubmit={async () => (await writer.save(problemEnteredInError(pending.entry), pending.entry, close)) !== undefined}>
          <Text size="sm">This problem was recorded by mistake. It stays in the history but no longer counts as a problem.</Text>
        </EntryModal>
      )}
      <HistoryDrawer entry={history} name={history ? conceptText(history.code) : ''} fields={PROBLEM_FIELDS} onClose={() => setHistory(undefined)} />
      {writer.dialog}
    </>
  );
}
