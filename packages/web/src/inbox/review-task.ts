/**
 * The FHIR shape of a clinician's review of a result: a `Task` (code `result-review`) whose focus
 * is the DiagnosticReport, for the patient, owned by the clinician who must review it.
 *
 * - Results of my own orders need no Task to be "new": a report `based-on` a ServiceRequest I
 *   requested is new to me until I own a completed review Task for it. So a report posted by any
 *   API client (a lab interface, a SMART app) reaches the inbox with no server automation.
 * - Acknowledging completes my open review Task for the report, or records a completed one.
 * - Forwarding creates a requested review Task for the other practitioner, with the note, the
 *   forwarder as `requester`; my own review of it is completed at the same time (forwarding is a
 *   decision on it), in one transaction.
 * Pure: builds resources and bundles, sends nothing.
 */
import type { Bundle, DiagnosticReport, Reference, Task } from '@medplum/fhirtypes';

export const TASK_CODES = 'urn:continuum:task-code';
export const REVIEW = { system: TASK_CODES, code: 'result-review', display: 'Review result' } as const;
/** The search value for review Tasks (`code=` token). */
export const REVIEW_TOKEN = `${REVIEW.system}|${REVIEW.code}`;

export const isOpen = (t: Task): boolean => ['requested', 'received', 'accepted', 'in-progress', 'ready', 'on-hold', 'draft'].includes(t.status);

function reportRef(report: DiagnosticReport): Reference {
  return { reference: `DiagnosticReport/${report.id}`, ...(report.code.text ? { display: report.code.text } : {}) };
}

/** A completed review by `me` of a report nobody asked me to review by Task (one of my orders). */
export function acknowledgement(report: DiagnosticReport, me: string, now: Date): Task {
  return {
    resourceType: 'Task',
    status: 'completed',
    intent: 'order',
    code: { coding: [{ ...REVIEW }], text: 'Review result' },
    focus: reportRef(report),
    ...(report.subject ? { for: report.subject } : {}),
    owner: { reference: me },
    authoredOn: now.toISOString(),
    lastModified: now.toISOString(),
    executionPeriod: { end: now.toISOString() },
  };
}

/**
 * An open review Task (forwarded to me, or raised by the server for a critical result), completed.
 * A Task's lastModified may not precede its authoredOn (inv-1): a device clock a little behind the
 * server's is clamped to the Task's own time rather than refused.
 */
export function completed(task: Task, now: Date): Task {
  const floor = Math.max(Date.parse(task.authoredOn ?? '') || 0, Date.parse(task.lastModified ?? '') || 0);
  const at = new Date(Math.max(now.getTime(), floor)).toISOString();
  return { ...task, status: 'completed', lastModified: at, executionPeriod: { ...task.executionPeriod, end: at } };
}

/** A review of `report` asked of `to` by `me`, with the forwarder's note. */
export function forwarded(report: DiagnosticReport, me: string, to: string, note: string, now: Date): Task {
  const text = note.trim();
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ ...REVIEW }], text: 'Review result' },
    description: 'Forwarded result to review',
    focus: reportRef(report),
    ...(report.subject ? { for: report.subject } : {}),
    requester: { reference: me },
    owner: { reference: to },
    authoredOn: now.toISOString(),
    lastModified: now.toISOString(),
    ...(text ? { note: [{ text, authorReference: { reference: me }, time: now.toISOString() }] } : {}),
  };
}

/**
 * The writes that acknowledge a report: my open review Tasks for it completed, or a new completed
 * one when I have none open. Plus, when forwarding, the other clinician's new Task. All at once.
 */
export function reviewBundle(report: DiagnosticReport, me: string, open: readonly Task[], now: Date, forward?: { to: string; note: string }): Bundle {
  const entries: NonNullable<Bundle['entry']> = [];
  if (open.length === 0) entries.push({ resource: acknowledgement(report, me, now), request: { method: 'POST', url: 'Task' } });
  for (const t of open) {
    entries.push({ resource: completed(t, now), request: { method: 'PUT', url: `Task/${t.id}`, ...(t.meta?.versionId ? { ifMatch: `W/"${t.meta.versionId}"` } : {}) } });
  }
  if (forward) entries.push({ resource: forwarded(report, me, forward.to, forward.note, now), request: { method: 'POST', url: 'Task' } });
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}
