/**
 * Refill requests from the medication list: `POST MedicationRequest/{id}/$request-refill`
 * (P-msg's operation, which answers the Task it opened), and the status of each medication's
 * latest request read from the patient's `refill-request` Tasks, in words for the patient.
 */
import type { Task } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';

export const REFILL_CODE = 'urn:continuum:task-code|refill-request';

export async function requestRefill(client: FhirClient, medicationRequestId: string, note?: string): Promise<Task> {
  return client.operation<Task>(`MedicationRequest/${encodeURIComponent(medicationRequestId)}/$request-refill`, note ? [{ name: 'note', valueString: note }] : []);
}

/** The newest refill Task per MedicationRequest reference. */
export function latestRefills(tasks: readonly Task[]): Map<string, Task> {
  const out = new Map<string, Task>();
  for (const t of tasks) {
    const focus = t.focus?.reference;
    if (!focus) continue;
    const seen = out.get(focus);
    if (!seen || (t.authoredOn ?? '') > (seen.authoredOn ?? '')) out.set(focus, t);
  }
  return out;
}

/** A refill Task's status for the patient: "Refill requested", "Refill approved", "Refill declined: <reason>". */
export function refillStatusText(t: Task): string {
  if (t.status === 'completed') return 'Refill approved';
  if (t.status === 'rejected' || t.status === 'cancelled' || t.status === 'failed') return t.statusReason?.text ? `Refill declined: ${t.statusReason.text}` : 'Refill declined';
  return 'Refill requested';
}

/** Whether a refill request is still waiting for the care team (a new one would be refused, 409). */
export const refillOpen = (t: Task | undefined): boolean => t !== undefined && ['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'].includes(t.status);
