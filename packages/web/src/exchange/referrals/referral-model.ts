/**
 * Referrals to and from partner organizations, without React: which way a referral Task goes,
 * its state and the timeline of its states (from the Task's versions), the actions a side may
 * take now, and the checks and Parameters of the refer and respond forms.
 *
 * Direction: a referral Task that came from a partner (`$referral-receive`) carries the EXTERNAL
 * tag or the external-source extension, and its requester is only a display (the partner's name);
 * anything else is one this organization sent (its requester is a local Practitioner, its owner
 * the partner Organization).
 */
import type { Coding, Extension, ParametersParameter, Reference, ServiceRequest, Task } from '@medplum/fhirtypes';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG } from './codes.ts';

export type ReferralState = 'not-delivered' | 'requested' | 'accepted' | 'declined' | 'scheduled' | 'completed' | 'cancelled';
export type Direction = 'outgoing' | 'incoming';

export const STATE_LABELS: Record<ReferralState, string> = {
  'not-delivered': 'Not delivered',
  requested: 'Requested',
  accepted: 'Accepted',
  declined: 'Declined',
  scheduled: 'Scheduled',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export const STATE_COLORS: Record<ReferralState, string> = {
  'not-delivered': 'red.9',
  requested: 'blue.9',
  accepted: 'teal.9',
  declined: 'red.9',
  scheduled: 'violet.9',
  completed: 'green.9',
  cancelled: 'gray.8',
};

const sourceExt = (t: Task): Extension | undefined => t.extension?.find((x) => x.url === EXTERNAL_SOURCE_EXT);

export function direction(t: Task): Direction {
  const tagged = t.meta?.tag?.some((g) => g.system === EXTERNAL_TAG.system && g.code === EXTERNAL_TAG.code) ?? false;
  if (tagged || sourceExt(t)) return 'incoming';
  return t.requester && !t.requester.reference && t.requester.display ? 'incoming' : 'outgoing';
}

export function referralState(t: Task): ReferralState {
  switch (t.status) {
    case 'draft':
    case 'requested':
    case 'received':
    case 'ready':
      return t.businessStatus?.coding?.some((c) => c.code === 'not-delivered') || t.businessStatus?.text === 'not-delivered' ? 'not-delivered' : 'requested';
    case 'accepted':
      return 'accepted';
    case 'rejected':
      return 'declined';
    case 'in-progress':
    case 'on-hold':
      return 'scheduled';
    case 'completed':
      return 'completed';
    case 'cancelled':
    case 'failed':
    case 'entered-in-error':
      return 'cancelled';
  }
}

/** The report the other side returned (or this side sent): Task.output's reference. */
export function reportOf(t: Task): Reference | undefined {
  for (const o of t.output ?? []) {
    if (o.valueReference?.reference) return o.valueReference;
  }
  return undefined;
}

const INPUT_DATE = /appointment|scheduled/i;

/** When the appointment is, as the Task records it (restriction, execution period or an input). */
export function appointmentDate(t: Task): string | undefined {
  return (
    t.restriction?.period?.start ??
    t.executionPeriod?.start ??
    t.input?.find((i) => INPUT_DATE.test(`${i.type.text ?? ''} ${i.type.coding?.map((c) => c.code).join(' ') ?? ''}`))?.valueDateTime ??
    t.extension?.find((x) => INPUT_DATE.test(x.url))?.valueDateTime
  );
}

/** The other organization's name: the owner of an outgoing referral, the sender of an incoming one. */
export function partnerName(t: Task, names: (orgRef: string) => string | undefined = () => undefined): string {
  if (direction(t) === 'incoming') return sourceExt(t)?.valueReference?.display ?? t.requester?.display ?? 'Partner organization';
  return t.owner?.display ?? (t.owner?.reference ? names(t.owner.reference) : undefined) ?? 'Partner organization';
}

export interface TimelineStep {
  key: 'requested' | 'not-delivered' | 'accepted' | 'declined' | 'scheduled' | 'completed' | 'report';
  label: string;
  /** When it happened (the first version in that state), when known. */
  at: string | undefined;
  /** Reached (true), or still to come. */
  done: boolean;
  detail?: string;
}

const when = (t: Task): string | undefined => t.meta?.lastUpdated ?? t.lastModified;
const RANK: Record<ReferralState, number> = { 'not-delivered': 0, requested: 0, accepted: 1, declined: 1, scheduled: 2, completed: 3, cancelled: 0 };

/**
 * The referral's states in order, from its versions (any order; the newest is the current one).
 * The happy path shows what is still to come; a decline ends it; a referral that did not reach
 * the partner says so after "Requested".
 */
export function referralTimeline(versions: readonly Task[]): TimelineStep[] {
  const sorted = [...versions].sort((a, b) => (Date.parse(when(a) ?? '') || 0) - (Date.parse(when(b) ?? '') || 0));
  const current = sorted[sorted.length - 1];
  if (!current) return [];
  const state = referralState(current);
  const firstAt = (s: ReferralState): string | undefined => when(sorted.find((v) => referralState(v) === s) ?? ({} as Task));
  const steps: TimelineStep[] = [{ key: 'requested', label: 'Requested', at: current.authoredOn ?? when(sorted[0]!), done: true }];
  if (state === 'not-delivered') {
    steps.push({ key: 'not-delivered', label: 'Not delivered to the partner', at: firstAt('not-delivered'), done: true });
    return steps;
  }
  if (state === 'declined') {
    steps.push({ key: 'declined', label: 'Declined', at: firstAt('declined'), done: true, ...(current.statusReason?.text ? { detail: current.statusReason.text } : {}) });
    return steps;
  }
  if (state === 'cancelled') return steps;
  const rank = RANK[state];
  const date = appointmentDate(current) ?? sorted.map(appointmentDate).filter(Boolean).pop();
  steps.push({ key: 'accepted', label: 'Accepted', at: firstAt('accepted'), done: rank >= 1 });
  steps.push({ key: 'scheduled', label: 'Scheduled', at: firstAt('scheduled'), done: rank >= 2 || Boolean(date), ...(date ? { detail: date } : {}) });
  steps.push({ key: 'completed', label: 'Completed', at: firstAt('completed'), done: rank >= 3 });
  const report = reportOf(current);
  const reportAt = sorted.find((v) => reportOf(v))?.meta?.lastUpdated;
  steps.push({ key: 'report', label: 'Report returned', at: report ? reportAt : undefined, done: Boolean(report), ...(report?.display ? { detail: report.display } : {}) });
  return steps;
}

export type RespondAction = 'accept' | 'decline' | 'schedule' | 'complete';

/** What the receiving side may do with an incoming referral in this state. */
export function allowedActions(state: ReferralState): RespondAction[] {
  switch (state) {
    case 'requested':
      return ['accept', 'decline'];
    case 'accepted':
      return ['schedule', 'complete', 'decline'];
    case 'scheduled':
      return ['schedule', 'complete'];
    case 'not-delivered':
    case 'declined':
    case 'completed':
    case 'cancelled':
      return [];
  }
}

export interface RespondForm {
  action: RespondAction;
  reason: string;
  /** `YYYY-MM-DDTHH:mm` from a datetime-local input. */
  appointmentDate: string;
  report: string;
}

/** What is wrong with a response (undefined when it can be sent). */
export function validateRespond(f: RespondForm): string | undefined {
  if (f.action === 'decline' && !f.reason.trim()) return 'Say why you decline the referral.';
  if (f.action === 'schedule') {
    if (!f.appointmentDate) return 'Choose the appointment date and time.';
    if (Number.isNaN(Date.parse(f.appointmentDate))) return 'The appointment date is not a valid date.';
  }
  if (f.action === 'complete' && !f.report.trim()) return 'Write the consult report the referring clinician will receive.';
  return undefined;
}

export function respondParameters(f: RespondForm): ParametersParameter[] {
  return [
    { name: 'action', valueCode: f.action },
    ...(f.reason.trim() ? [{ name: 'reason', valueString: f.reason.trim() }] : []),
    ...(f.action === 'schedule' ? [{ name: 'appointmentDate', valueDateTime: new Date(f.appointmentDate).toISOString() }] : []),
    ...(f.action === 'complete' ? [{ name: 'report', valueString: f.report.trim() }] : []),
  ];
}

export type Priority = 'routine' | 'urgent' | 'asap' | 'stat';
export const PRIORITIES: readonly Priority[] = ['routine', 'urgent', 'asap', 'stat'];

/** Specialties a referral is commonly made to (SNOMED CT practice setting codes). */
export const SPECIALTIES: readonly Coding[] = [
  ['394579002', 'Cardiology'],
  ['394582007', 'Dermatology'],
  ['394583002', 'Endocrinology'],
  ['394584008', 'Gastroenterology'],
  ['394589003', 'Nephrology'],
  ['394591006', 'Neurology'],
  ['394586005', 'Gynecology'],
  ['394592004', 'Clinical oncology'],
  ['394594003', 'Ophthalmology'],
  ['394801008', 'Trauma and orthopedics'],
  ['418960008', 'Otolaryngology'],
  ['394587001', 'Psychiatry'],
  ['418112009', 'Pulmonary medicine'],
  ['394810000', 'Rheumatology'],
  ['394612005', 'Urology'],
].map(([code, display]) => ({ system: 'http://snomed.info/sct', code, display }));

export interface ReferForm {
  partner: string;
  reason: string;
  specialty: string;
  priority: Priority;
  note: string;
}

export type ReferFormErrors = Partial<Record<keyof ReferForm, string>>;

export function validateRefer(f: ReferForm): ReferFormErrors {
  const errors: ReferFormErrors = {};
  if (!f.partner) errors.partner = 'Choose the organization to refer to.';
  if (!f.reason.trim()) errors.reason = 'Say why you refer the patient.';
  else if (f.reason.trim().length > 1000) errors.reason = 'Keep the reason under 1000 characters; put details in the note.';
  if (!PRIORITIES.includes(f.priority)) errors.priority = 'Choose a priority.';
  if (f.specialty && !SPECIALTIES.some((s) => s.code === f.specialty)) errors.specialty = 'Choose a specialty from the list.';
  return errors;
}

export function referParameters(f: ReferForm): ParametersParameter[] {
  const specialty = SPECIALTIES.find((s) => s.code === f.specialty);
  return [
    { name: 'partner', valueReference: { reference: `Organization/${f.partner}` } },
    { name: 'reason', valueString: f.reason.trim() },
    ...(specialty ? [{ name: 'specialty', valueCoding: specialty }] : []),
    { name: 'priority', valueCode: f.priority },
    ...(f.note.trim() ? [{ name: 'note', valueString: f.note.trim() }] : []),
  ];
}

/** The reason and specialty of a referral, from its ServiceRequest when included, else the Task. */
export function referralReason(t: Task, sr: ServiceRequest | undefined): { reason: string; specialty: string | undefined; note: string | undefined } {
  const reason = sr?.reasonCode?.[0]?.text ?? sr?.reasonCode?.[0]?.coding?.[0]?.display ?? t.reasonCode?.text ?? t.description ?? 'No reason given';
  const specialty = sr?.performerType?.text ?? sr?.performerType?.coding?.[0]?.display ?? sr?.code?.coding?.find((c) => c.system === 'http://snomed.info/sct' && SPECIALTIES.some((s) => s.code === c.code))?.display;
  const note = [...(sr?.note ?? []), ...(t.note ?? [])].map((n) => n.text).find(Boolean);
  return { reason, specialty, note };
}
