/**
 * The referral's state machine, shared by both sides: requested → accepted | rejected;
 * accepted → in-progress (businessStatus scheduled) → completed (with the report); accepted may
 * also go straight to completed, and a scheduled referral may be rescheduled. Rejected and
 * completed are final. Any other move is a 409. Pure: no I/O.
 */
import type { Task } from '@medplum/fhirtypes';
import { conflict } from '@continuum/fhir';
import { SCHEDULED } from './referral-codes.ts';

export type ReferralAction = 'accept' | 'decline' | 'schedule' | 'complete';
export const REFERRAL_ACTIONS: readonly ReferralAction[] = ['accept', 'decline', 'schedule', 'complete'];

export type ReferralStatus = 'requested' | 'accepted' | 'rejected' | 'in-progress' | 'completed';

export interface ReferralState {
  status: ReferralStatus;
  /** `scheduled` while in progress; absent otherwise. */
  businessStatus?: string;
}

const TARGET: Record<ReferralAction, ReferralState> = {
  accept: { status: 'accepted' },
  decline: { status: 'rejected' },
  schedule: { status: 'in-progress', businessStatus: SCHEDULED },
  complete: { status: 'completed' },
};

const ALLOWED: Record<ReferralStatus, readonly ReferralStatus[]> = {
  requested: ['accepted', 'rejected'],
  accepted: ['in-progress', 'completed'],
  'in-progress': ['in-progress', 'completed'],
  rejected: [],
  completed: [],
};

export function isReferralStatus(s: unknown): s is ReferralStatus {
  return typeof s === 'string' && s in ALLOWED;
}

/** The state an action leads to. */
export function targetOf(action: ReferralAction): ReferralState {
  return TARGET[action];
}

/** Whether a referral may move from `from` to `to`. */
export function canMove(from: ReferralStatus, to: ReferralStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** The referral status of a Task (an unknown status counts as final: nothing may move it). */
export function statusOf(task: Task): ReferralStatus | undefined {
  return isReferralStatus(task.status) ? task.status : undefined;
}

/** Throws 409 unless the Task may move to `to`. */
export function checkMove(task: Task, to: ReferralStatus): void {
  const from = statusOf(task);
  if (!from || !canMove(from, to)) throw conflict(`The referral is ${task.status}; it cannot become ${to}`);
}
