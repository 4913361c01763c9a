/**
 * The rules shared by `$book`, `$cancel` and `$reschedule`: who may book for whom, the booking
 * policy's windows, and the slot's claim and release. A slot is claimed by writing it `busy` as
 * the version it was read at (If-Match): of two requests racing for one slot, the second finds the
 * version moved on (PostgreSQL re-checks the guarded UPDATE once the first commits; PGlite runs
 * transactions one at a time, so the second reads it busy) and gets a 409, inside the transaction
 * that would have stored its appointment, so nothing of it is kept.
 */
import type { Appointment, Patient, Slot } from '@medplum/fhirtypes';
import { conflict, forbidden, isOutcomeError, notFound, unprocessable } from '@continuum/fhir';
import { covers, permits, usableRules, visible, type Principal } from '../../access/policy.ts';
import type { Permission } from '../../access/scopes.ts';
import { accessInfo } from '../../api/guard.ts';
import type { ApiContext } from '../../api/types.ts';
import type { Repository } from '../../store/repository.ts';
import { parseBookingPolicy, type BookingPolicy } from './codes.ts';

const HOUR = 3_600_000;

const isPatientUser = (p: Principal | undefined): boolean => p?.kind === 'patient' || p?.kind === 'proxy';

/** The booking policy in force: the clinic's settings (`CONTINUUM_BOOKING_*`), else the defaults. */
export function bookingPolicy(env: NodeJS.ProcessEnv = process.env): BookingPolicy {
  return parseBookingPolicy(env);
}

/**
 * The caller may write appointments of this patient: the patient is visible to it (else 404), and
 * its scopes (a patient's or proxy's) or scopes and role (staff) allow `permission` on Appointment.
 * Patients and proxies may not write appointments directly (access/policy.ts): their scope, not
 * the type-level decision, says whether they may book through the operations.
 */
export async function checkMayBookFor(ctx: ApiContext, patientId: string, permission: Permission): Promise<void> {
  const p = ctx.principal;
  const patient = (await ctx.repo.read('Patient', patientId).catch((err: unknown) => {
    if (isOutcomeError(err)) throw notFound(`Patient/${patientId} is not known`);
    throw err;
  })) as Patient;
  if (p === undefined) return;
  if (!visible(p, patient, accessInfo(ctx, patient), 'read')) throw notFound(`Patient/${patientId} is not known`);
  const allowed = isPatientUser(p) ? usableRules(p).some((rule) => covers(rule, 'Appointment', permission)) : permits(p, 'update', 'Appointment', permission);
  if (!allowed) throw forbidden('Your access does not allow booking or changing appointments');
}

/** The current version of a slot; 404 when there is none. */
export async function readSlot(repo: Repository, id: string): Promise<{ slot: Slot; versionId: number }> {
  const stored = await repo.readStored('Slot', id).catch((err: unknown) => {
    if (isOutcomeError(err)) throw notFound(`Slot/${id} is not known`);
    throw err;
  });
  return { slot: JSON.parse(stored.content!) as Slot, versionId: stored.versionId };
}

/** A slot may be booked: not in the past, not beyond the booking horizon, and (patients) with enough notice. */
export function checkBookable(p: Principal | undefined, slot: Slot, policy: BookingPolicy, now: Date): void {
  const start = Date.parse(slot.start);
  if (start <= now.getTime()) throw unprocessable('That time is in the past: choose another one');
  if (start > now.getTime() + policy.bookAheadDays * 24 * HOUR) {
    throw unprocessable(`Appointments can be booked at most ${policy.bookAheadDays} days ahead: choose an earlier time`);
  }
  if (isPatientUser(p) && start < now.getTime() + policy.minNoticeHours * HOUR) {
    throw unprocessable(`Online booking needs at least ${policy.minNoticeHours} hours' notice: choose a later time, or call the clinic`);
  }
}

/** Claims a free slot, as read in the caller's transaction (see the header); 409 when it is taken. */
export async function claimSlot(repo: Repository, { slot, versionId }: { slot: Slot; versionId: number }): Promise<Slot> {
  const id = slot.id!;
  const taken = (): Error => conflict('That time was just taken: choose another one');
  if (slot.status !== 'free') throw taken();
  try {
    const res = await repo.update('Slot', id, { ...slot, status: 'busy' }, { ifMatch: versionId });
    return res.resource as Slot;
  } catch (err) {
    if (isOutcomeError(err) && err.status === 412) throw taken();
    throw err;
  }
}

/** Frees the appointment's slots (those still busy) in the caller's transaction. */
export async function releaseSlots(repo: Repository, appointment: Appointment): Promise<void> {
  for (const ref of appointment.slot ?? []) {
    const id = ref.reference?.startsWith('Slot/') ? ref.reference.slice('Slot/'.length) : undefined;
    if (!id || !(await repo.exists('Slot', id))) continue;
    await repo.patch('Slot', id, (s) => ((s as Slot).status === 'busy' ? { ...s, status: 'free' } : s) as Slot);
  }
}

/** The patient an appointment is for (its Patient participant). */
export function appointmentPatient(appointment: Appointment): string {
  const ref = appointment.participant.find((x) => x.actor?.reference?.startsWith('Patient/'))?.actor?.reference;
  if (!ref) throw unprocessable(`Appointment/${appointment.id ?? ''} has no patient`);
  return ref.slice('Patient/'.length);
}

/**
 * An appointment may be cancelled by this caller now: it is still upcoming and booked (else 422),
 * and a patient or proxy cancels only before the policy's cut-off.
 */
export function checkCancellable(p: Principal | undefined, appointment: Appointment, policy: BookingPolicy, now: Date): void {
  if (!['proposed', 'pending', 'booked'].includes(appointment.status)) {
    throw unprocessable(`This appointment is ${appointment.status}: it cannot be cancelled or rescheduled`);
  }
  if (!isPatientUser(p)) return;
  const start = appointment.start ? Date.parse(appointment.start) : Number.NaN;
  if (!(start > now.getTime())) throw unprocessable('This appointment has already taken place: it cannot be cancelled or rescheduled');
  if (start < now.getTime() + policy.cancelHours * HOUR) {
    throw unprocessable(`Appointments can be cancelled or rescheduled online up to ${policy.cancelHours} hours before they start. Please call the clinic.`);
  }
}
