/**
 * Appointments that did not become encounters: past no-shows and patient cancellations
 * (MGMA-style rates of a few percent to ~10% of visits) and future bookings in the 90 days after
 * `now` — a well visit when one is due and a follow-up for anyone with a managed chronic
 * condition. Participants are the patient, a practitioner and a location.
 */
import type { Appointment } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { reasonCodes } from './encounters.ts';
import { DAY, HOUR, MINUTE, isoDateTime, weekday } from './time.ts';

function book(ctx: PatientContext, start: number, status: Appointment['status'], description: string, followup: boolean, reasons: NonNullable<Appointment['reasonCode']>): void {
  const loc = ctx.person.clinic.locations[0];
  const minutes = followup ? 20 : 40;
  const appt: Appointment = {
    resourceType: 'Appointment', id: ctx.ids.next('Appointment'), status,
    appointmentType: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code: followup ? 'FOLLOWUP' : 'ROUTINE', display: followup ? 'A follow up visit from a previous appointment' : 'Routine appointment - default if not valued' }] },
    ...(reasons.length > 0 ? { reasonCode: reasons } : {}),
    description, start: isoDateTime(start), end: isoDateTime(start + minutes * MINUTE), minutesDuration: minutes,
    created: isoDateTime(Math.min(ctx.now, start) - ctx.rng.int(5, 45) * DAY),
    participant: [
      { actor: ctx.patient, required: 'required', status: status === 'cancelled' ? 'declined' : 'accepted' },
      { actor: practitionerRef(ctx.person.pcp), required: 'required', status: 'accepted' },
      ...(loc ? [{ actor: ref('Location', loc.id, loc.name), required: 'required' as const, status: 'accepted' as const }] : []),
    ],
  };
  if (status === 'cancelled') {
    appt.cancelationReason = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason', code: 'pat', display: 'Patient' }] };
  }
  emit(ctx, appt);
}

function slot(ctx: PatientContext, day: number): number {
  return weekday(Math.floor(day / DAY) * DAY) + 16 * HOUR + ctx.rng.int(0, 27) * 15 * MINUTE;
}

export function emitAppointments(ctx: PatientContext, records: readonly VisitRecord[]): void {
  const { rng } = ctx;
  for (const r of records) {
    if (r.visit.kind !== 'well' && r.visit.kind !== 'followup') continue;
    // A missed or cancelled booking shortly before some kept visits.
    if (rng.chance(0.08)) {
      const missed = r.visit.start - rng.int(7, 30) * DAY;
      if (missed > ctx.person.birth) book(ctx, slot(ctx, missed), rng.chance(0.5) ? 'noshow' : 'cancelled', 'Missed visit', r.visit.kind === 'followup', reasonCodes(ctx, r.visit));
    }
  }
  const lastWell = [...records].reverse().find((r) => r.visit.kind === 'well');
  if (!lastWell || ctx.now - lastWell.visit.start > 300 * DAY) {
    if (rng.chance(0.5)) book(ctx, slot(ctx, ctx.now + rng.int(3, 90) * DAY), 'booked', ctx.person.age < 18 ? 'Well child visit' : 'Annual preventive visit', false, []);
  }
  const lastFollow = [...records].reverse().find((r) => r.visit.kind === 'followup');
  if (lastFollow && rng.chance(0.7)) {
    const reasons = reasonCodes(ctx, lastFollow.visit);
    book(ctx, slot(ctx, ctx.now + rng.int(2, 90) * DAY), 'booked', 'Chronic care follow-up', true, reasons);
  }
}
