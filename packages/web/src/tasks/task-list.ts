/**
 * My tasks and messages: Tasks owned by the signed-in user and Communications addressed to them,
 * as one list, open first (most urgent, then soonest due, then newest), then the done ones.
 * The ordering is pure; `loadMyWork` reads both through the FHIR API with the patients included.
 */
import type { Bundle, Communication, Patient, Task } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';
import { humanName } from '../fhir/format.ts';
import { isOpen } from '../inbox/review-task.ts';

export interface WorkItem {
  kind: 'task' | 'message';
  resource: Task | Communication;
  open: boolean;
  priority: 'routine' | 'urgent' | 'asap' | 'stat';
  due: string | undefined;
  date: string | undefined;
  patientRef: string | undefined;
  patient: Patient | undefined;
  /** Who assigned the task or sent the message, when known. */
  from?: string;
}

const RANK = { stat: 0, asap: 1, urgent: 2, routine: 3 } as const;

/** Open before done; then stat, asap, urgent, routine; then the soonest due; then the newest. */
export function compareWork(a: WorkItem, b: WorkItem): number {
  if (a.open !== b.open) return a.open ? -1 : 1;
  if (RANK[a.priority] !== RANK[b.priority]) return RANK[a.priority] - RANK[b.priority];
  const due = (x: WorkItem) => (x.due ? Date.parse(x.due) : Infinity);
  if (due(a) !== due(b)) return due(a) - due(b);
  return (b.date ? Date.parse(b.date) : 0) - (a.date ? Date.parse(a.date) : 0);
}

export function taskItem(t: Task, patients: ReadonlyMap<string, Patient>, names: ReadonlyMap<string, string> = new Map()): WorkItem {
  const ref = t.for?.reference;
  const from = t.requester?.display ?? (t.requester?.reference ? names.get(t.requester.reference) : undefined);
  return {
    ...(from ? { from } : {}),
    kind: 'task',
    resource: t,
    open: isOpen(t),
    priority: t.priority ?? 'routine',
    due: t.restriction?.period?.end,
    date: t.authoredOn ?? t.meta?.lastUpdated,
    patientRef: ref,
    patient: ref ? patients.get(ref) : undefined,
  };
}

/** A message is open until it is marked read (its `received` time is set). */
export function messageItem(c: Communication, patients: ReadonlyMap<string, Patient>, names: ReadonlyMap<string, string> = new Map()): WorkItem {
  const ref = c.subject?.reference;
  const from = c.sender?.display ?? (c.sender?.reference ? names.get(c.sender.reference) : undefined);
  return {
    ...(from ? { from } : {}),
    kind: 'message',
    resource: c,
    open: !c.received && c.status !== 'entered-in-error',
    priority: c.priority ?? 'routine',
    due: undefined,
    date: c.sent ?? c.meta?.lastUpdated,
    patientRef: ref,
    patient: ref ? patients.get(ref) : undefined,
  };
}

const patientsOf = (b: Bundle): Map<string, Patient> =>
  new Map((b.entry ?? []).flatMap((e) => (e.resource?.resourceType === 'Patient' ? [[`Patient/${e.resource.id}`, e.resource] as const] : [])));
const namesOf = (b: Bundle): [string, string][] =>
  (b.entry ?? []).flatMap((e) => (e.resource?.resourceType === 'Practitioner' ? [[`Practitioner/${e.resource.id}`, humanName((e.resource).name)] as [string, string]] : []));
const matchesOf = <T>(b: Bundle, type: string): T[] => (b.entry ?? []).filter((e) => e.search?.mode !== 'include' && e.resource?.resourceType === type).map((e) => e.resource as T);

export async function loadMyWork(client: FhirClient, me: string, signal?: AbortSignal): Promise<WorkItem[]> {
  const [tasks, messages] = await Promise.all([
    client.search('Task', [['owner', me], ['_include', 'Task:patient'], ['_include', 'Task:requester'], ['_sort', '-authored-on'], ['_count', '100']], signal),
    client.search('Communication', [['recipient', me], ['_include', 'Communication:patient'], ['_include', 'Communication:sender'], ['_sort', '-sent'], ['_count', '100']], signal),
  ]);
  const patients = new Map([...patientsOf(tasks), ...patientsOf(messages)]);
  const names = new Map([...namesOf(tasks), ...namesOf(messages)]);
  return [...matchesOf<Task>(tasks, 'Task').map((t) => taskItem(t, patients, names)), ...matchesOf<Communication>(messages, 'Communication').map((c) => messageItem(c, patients, names))].sort(compareWork);
}
