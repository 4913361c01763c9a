/**
 * Amendment requests (HIPAA's right to ask for a correction) as the portal lists them, without
 * I/O: a Task `amendment-request` read into what was asked, about which item, its status in
 * the patient's words, the decision and its reason, and the date by which the clinic must answer
 * (`restriction.period.end`, 60 days after the request).
 */
import type { Task } from '@medplum/fhirtypes';

export const AMENDMENT_CODE = { system: 'urn:continuum:task-code', code: 'amendment-request' } as const;

export interface AmendmentRow {
  id: string;
  text: string;
  /** What the request is about: the item's display, or undefined for the record in general. */
  about: string | undefined;
  requested: string | undefined;
  /** The clinic's deadline to decide. */
  answerBy: string | undefined;
  status: 'waiting' | 'accepted' | 'denied' | 'withdrawn';
  statusLabel: string;
  decision: string | undefined;
  reason: string | undefined;
}

const STATUS: Record<AmendmentRow['status'], string> = { waiting: 'Waiting for review', accepted: 'Accepted', denied: 'Denied', withdrawn: 'Withdrawn' };

/** Task statuses that end a request; any other status means the clinic has not decided yet. */
const CLOSED: Partial<Record<Task['status'], AmendmentRow['status']>> = { completed: 'accepted', rejected: 'denied', cancelled: 'withdrawn', 'entered-in-error': 'withdrawn' };

const statusOf = (task: Task): AmendmentRow['status'] => CLOSED[task.status] ?? 'waiting';

export function amendmentRow(task: Task): AmendmentRow {
  const status = statusOf(task);
  return {
    id: task.id ?? '',
    text: task.input?.find((i) => i.valueString)?.valueString ?? task.description ?? '',
    about: task.focus?.display ?? task.focus?.reference,
    requested: task.authoredOn,
    answerBy: task.restriction?.period?.end,
    status,
    statusLabel: STATUS[status],
    decision: task.businessStatus?.text,
    reason: task.statusReason?.text,
  };
}

/** The amendment requests among `tasks`, newest first. */
export function amendmentRows(tasks: readonly Task[]): AmendmentRow[] {
  return tasks
    .filter((t) => t.code?.coding?.some((c) => c.system === AMENDMENT_CODE.system && c.code === AMENDMENT_CODE.code))
    .map(amendmentRow)
    .sort((a, b) => (b.requested ?? '').localeCompare(a.requested ?? ''));
}
