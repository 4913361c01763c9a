/**
 * What patients ask the clinic from the portal, as Tasks on the clinician's Tasks page, without
 * React: which Tasks are refill or amendment requests, the approval of a refill (the existing
 * renewal, with the request completed in the same transaction and pointing at the new order), its
 * denial (rejected, with the reason the patient sees), and an amendment decision's Parameters.
 */
import type { Bundle, MedicationRequest, Parameters, Task } from '@medplum/fhirtypes';
import { renewBundle, type RenewChoices } from '../clinician/prescriptions/prescription-model.ts';

const TASK_CODE = 'urn:continuum:task-code';

export type PortalRequestKind = 'refill' | 'amendment';

export function portalRequestKind(t: Task): PortalRequestKind | undefined {
  const code = t.code?.coding?.find((c) => c.system === TASK_CODE)?.code;
  return code === 'refill-request' ? 'refill' : code === 'amendment-request' ? 'amendment' : undefined;
}

/** What the patient asked: the amendment's text, or the refill's note. */
export const requestText = (t: Task): string | undefined => t.input?.find((i) => i.valueString)?.valueString ?? t.note?.map((n) => n.text).join(' ');

const closed = (t: Task, status: 'completed' | 'rejected', business: string, now: Date): Task => ({
  ...t,
  status,
  businessStatus: { text: business },
  lastModified: now.toISOString(),
  executionPeriod: { ...t.executionPeriod, end: now.toISOString() },
});

/** Approve: renew the medication and complete the request, in one transaction. */
export function approveRefillBundle(task: Task, order: MedicationRequest, choices: RenewChoices, me: string, now: Date): Bundle {
  const patient = order.subject?.reference ?? task.for?.reference ?? '';
  const renewal = renewBundle(order, choices, { patient, requester: me, now });
  const renewed = renewal.entry![0]!.fullUrl!;
  const done: Task = { ...closed(task, 'completed', 'Renewed', now), output: [{ type: { text: 'Renewed prescription' }, valueReference: { reference: renewed } }] };
  return { ...renewal, entry: [...renewal.entry!, { resource: done, request: { method: 'PUT', url: `Task/${task.id ?? ''}`, ...(task.meta?.versionId ? { ifMatch: `W/"${task.meta.versionId}"` } : {}) } }] };
}

/** Deny: the request rejected with the reason (required: the patient is told why). */
export function denyRefill(task: Task, reason: string, now: Date): Task {
  const why = reason.trim();
  if (!why) throw new Error('Say why the refill is denied');
  return { ...closed(task, 'rejected', 'Denied', now), statusReason: { text: why } };
}

export function amendmentDecision(decision: 'accepted' | 'denied', reason: string): Parameters {
  const why = reason.trim();
  if (decision === 'denied' && !why) throw new Error('Say why the amendment is denied');
  return { resourceType: 'Parameters', parameter: [{ name: 'decision', valueCode: decision }, ...(why ? [{ name: 'reason', valueString: why }] : [])] };
}
