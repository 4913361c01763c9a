/**
 * `POST Appointment/$book` (Parameters `slot`, `patient`, optional `appointmentType` Coding from
 * the schedule's serviceType, default its first, and `reason`): books a free slot for a patient.
 * In one transaction the slot turns busy and a `booked` Appointment is stored (the slot, its times,
 * the type, the patient, the schedule's practitioner and location, all `accepted`, the reason);
 * answers 201 with it. A slot already taken is a 409, a slot in the past, beyond the booking
 * horizon or (patients) too soon a 422; a patient or proxy books only for the patients they act
 * for (another patient is a 404, as if unknown).
 */
import type { Appointment, AppointmentParticipant, Coding, Schedule, Slot } from '@medplum/fhirtypes';
import { isOutcomeError, unprocessable } from '@continuum/fhir';
import type { Principal } from '../../access/policy.ts';
import { writeResponse } from '../../api/respond.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import type { Repository } from '../../store/repository.ts';
import { bookingPolicy, checkBookable, checkMayBookFor, claimSlot, readSlot } from './booking.ts';
import { OperationInputs } from '../operation-inputs.ts';

const OP = '$book';

/** What to book: a slot for a patient, of a type, for a reason. */
export interface BookingRequest {
  slotId: string;
  patientId: string;
  appointmentType?: Coding | undefined;
  reason?: string | undefined;
}

/** The type booked: the requested one if the schedule offers it (else 422), or the schedule's first. */
function chosenType(schedule: Schedule, requested: Coding | undefined): Coding {
  const offered = (schedule.serviceType ?? []).flatMap((c) => c.coding ?? []);
  if (requested === undefined) {
    if (!offered[0]) throw unprocessable(`This schedule offers no appointment types to book`);
    return offered[0];
  }
  const match = offered.find((c) => c.code === requested.code && (requested.system === undefined || c.system === requested.system));
  if (!match) throw unprocessable(`This schedule does not offer the appointment type '${requested.code ?? ''}'`);
  return match;
}

/** The schedule a slot belongs to; 422 when it is unknown or not taking appointments. */
async function slotSchedule(repo: Repository, slot: Slot): Promise<Schedule> {
  const ref = slot.schedule.reference ?? '';
  const id = ref.startsWith('Schedule/') ? ref.slice('Schedule/'.length) : '';
  const unknown = (): Error => unprocessable(`This slot's schedule (${ref}) is not known`);
  if (!id) throw unknown();
  const schedule = (await repo.read('Schedule', id).catch((err: unknown) => {
    throw isOutcomeError(err) ? unknown() : err;
  })) as Schedule;
  if (schedule.active === false) throw unprocessable('This schedule is not taking appointments');
  return schedule;
}

/**
 * Books in the caller's transaction: claims the slot and stores the appointment. Shared with
 * `$reschedule`, which cancels the old appointment in the same transaction.
 */
export async function bookInTransaction(repo: Repository, p: Principal | undefined, request: BookingRequest, now: Date): Promise<Appointment> {
  const current = await readSlot(repo, request.slotId);
  checkBookable(p, current.slot, bookingPolicy(), now);
  const schedule = await slotSchedule(repo, current.slot);
  const type = chosenType(schedule, request.appointmentType);
  const claimed = await claimSlot(repo, current);
  const participant: AppointmentParticipant[] = [
    { actor: { reference: `Patient/${request.patientId}` }, required: 'required', status: 'accepted' },
    ...schedule.actor.map((actor): AppointmentParticipant => ({ actor, required: 'required', status: 'accepted' })),
  ];
  const minutes = Math.round((Date.parse(claimed.end) - Date.parse(claimed.start)) / 60_000);
  const appointment: Appointment = {
    resourceType: 'Appointment',
    status: 'booked',
    appointmentType: { coding: [type], ...(type.display ? { text: type.display } : {}) },
    ...(request.reason ? { reasonCode: [{ text: request.reason }] } : {}),
    start: claimed.start,
    end: claimed.end,
    minutesDuration: minutes,
    slot: [{ reference: `Slot/${request.slotId}` }],
    created: now.toISOString(),
    participant,
  };
  return (await repo.create(appointment)).resource as Appointment;
}

export async function bookOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const inputs = OperationInputs.read(req, OP, ['slot', 'patient', 'appointmentType', 'reason']);
  const request: BookingRequest = {
    slotId: inputs.requiredReference('slot', 'Slot'),
    patientId: inputs.requiredReference('patient', 'Patient'),
    appointmentType: inputs.coding('appointmentType'),
    reason: inputs.string('reason'),
  };
  await checkMayBookFor(ctx, request.patientId, 'c');
  const appointment = await ctx.repo.inTransaction((repo) => bookInTransaction(repo, ctx.principal, request, new Date()));
  return writeResponse(req, 201, appointment, ctx.baseUrl);
}
