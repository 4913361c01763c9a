/**
 * The rules of booking and cancelling as the portal shows them, without I/O: the clinic's policy
 * (from `$booking-policy`), which free slots may still be booked, slots grouped by day, upcoming
 * versus past visits, and whether a visit can still be cancelled online. The server enforces the
 * same rules (422); these only spare the patient a button that cannot work.
 */
import type { Appointment, Parameters, Slot } from '@medplum/fhirtypes';
import { partNumber } from '../parameters.ts';

export interface BookingPolicy {
  /** Online cancellation closes this many hours before the start. */
  cancelHours: number;
  /** Slots may be booked this many days ahead at most. */
  bookAheadDays: number;
  /** A slot must start at least this many hours from now. */
  minNoticeHours: number;
}

export const DEFAULT_POLICY: BookingPolicy = { cancelHours: 24, bookAheadDays: 60, minNoticeHours: 2 };

const HOUR = 3_600_000;

export function readPolicy(params: Parameters | undefined): BookingPolicy {
  return {
    cancelHours: partNumber(params, 'cancelHours') ?? DEFAULT_POLICY.cancelHours,
    bookAheadDays: partNumber(params, 'bookAheadDays') ?? DEFAULT_POLICY.bookAheadDays,
    minNoticeHours: partNumber(params, 'minNoticeHours') ?? DEFAULT_POLICY.minNoticeHours,
  };
}

/** The policy in the patient's words. */
export function cancelPolicyText(policy: BookingPolicy): string {
  const hours = policy.cancelHours === 1 ? '1 hour' : `${policy.cancelHours} hours`;
  return `You can cancel or reschedule online up to ${hours} before your visit. After that, please call the clinic.`;
}

/** The time range in which a slot may be booked now: [from, to). */
export function bookingWindow(policy: BookingPolicy, now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() + policy.minNoticeHours * HOUR), to: new Date(now.getTime() + policy.bookAheadDays * 24 * HOUR) };
}

/** The free slots inside the booking window, earliest first. */
export function bookableSlots(slots: readonly Slot[], policy: BookingPolicy, now: Date): Slot[] {
  const { from, to } = bookingWindow(policy, now);
  return slots
    .filter((s) => s.status === 'free')
    .filter((s) => {
      const start = Date.parse(s.start);
      return start >= from.getTime() && start < to.getTime();
    })
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

export interface SlotDay {
  /** The calendar day in `timeZone`, `YYYY-MM-DD`. */
  day: string;
  slots: Slot[];
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone (the browser's by default). */
export function dayKey(instant: string | Date, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...(timeZone ? { timeZone } : {}) }).format(new Date(instant));
}

/** Slots grouped by their calendar day, days and slots in time order. */
export function groupSlotsByDay(slots: readonly Slot[], timeZone?: string): SlotDay[] {
  const days = new Map<string, Slot[]>();
  for (const slot of [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
    const key = dayKey(slot.start, timeZone);
    days.set(key, [...(days.get(key) ?? []), slot]);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, list]) => ({ day, slots: list }));
}

const ACTIVE: ReadonlyArray<Appointment['status']> = ['proposed', 'pending', 'booked', 'arrived', 'checked-in', 'waitlist'];

/** Upcoming: active visits that have not ended, soonest first. Past: the rest, newest first. */
export function splitAppointments(appointments: readonly Appointment[], now: Date): { upcoming: Appointment[]; past: Appointment[] } {
  const end = (a: Appointment) => Date.parse(a.end ?? a.start ?? '');
  const start = (a: Appointment) => Date.parse(a.start ?? '');
  const upcoming = appointments.filter((a) => ACTIVE.includes(a.status) && end(a) >= now.getTime()).sort((a, b) => start(a) - start(b));
  const past = appointments.filter((a) => !upcoming.includes(a)).sort((a, b) => start(b) - start(a));
  return { upcoming, past };
}

export type ChangeCheck = { allowed: true } | { allowed: false; reason: string };

/** Whether the patient may still cancel or reschedule `appointment` online at `now`. */
export function canChangeOnline(appointment: Appointment, policy: BookingPolicy, now: Date): ChangeCheck {
  if (!ACTIVE.includes(appointment.status)) return { allowed: false, reason: 'This visit is no longer booked.' };
  const start = Date.parse(appointment.start ?? '');
  if (!Number.isFinite(start) || start <= now.getTime()) return { allowed: false, reason: 'This visit has already started or is in the past.' };
  if (start - now.getTime() < policy.cancelHours * HOUR) {
    return { allowed: false, reason: `This visit starts in less than ${policy.cancelHours} hours, too late to change online. Please call the clinic.` };
  }
  return { allowed: true };
}

/** "Tue, Dec 1, 9:20 AM": a visit's start as patients read it. */
export function visitTime(instant: string | undefined, timeZone?: string): string {
  if (!instant) return 'Time not set';
  return new Date(instant).toLocaleString('en-US', { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', ...(timeZone ? { timeZone } : {}) });
}

/** "9:20 AM": a slot's start time. */
export function slotTime(instant: string, timeZone?: string): string {
  return new Date(instant).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', ...(timeZone ? { timeZone } : {}) });
}

/** "Tue, Dec 1" for a `YYYY-MM-DD` day key. */
export function dayLabel(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
}
