/**
 * The Tasks the portal raises for the clinic (codes under `urn:continuum:task-code`): what they
 * share, and which statuses still await a decision.
 */
import type { CodeableConcept } from '@medplum/fhirtypes';

export const TASK_CODE_SYSTEM = 'urn:continuum:task-code';
export const REFILL_REQUEST: CodeableConcept = { coding: [{ system: TASK_CODE_SYSTEM, code: 'refill-request', display: 'Refill request' }], text: 'Refill request' };
export const AMENDMENT_REQUEST: CodeableConcept = { coding: [{ system: TASK_CODE_SYSTEM, code: 'amendment-request', display: 'Amendment request' }], text: 'Amendment request' };

/** Task statuses that still await the clinic. */
export const OPEN_TASK_STATUSES = ['requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'] as const;

export const hasCode = (code: CodeableConcept | undefined, wanted: CodeableConcept): boolean =>
  code?.coding?.some((c) => c.system === TASK_CODE_SYSTEM && c.code === wanted.coding![0]!.code) ?? false;
