/**
 * The portal's FHIR operations for scheduling (see portal/routes.ts): `$book`, `$booking-policy`,
 * and `$cancel` / `$reschedule` on an appointment the caller may see (the guard answers 404 for
 * another patient's). The handlers check the caller's right to book for the patient themselves.
 */
import type { Route } from '../../api/router.ts';
import { bookOperation } from './book.ts';
import { bookingPolicyOperation } from './booking-policy.ts';
import { cancelOperation } from './cancel.ts';
import { rescheduleOperation } from './reschedule.ts';

const onAppointments = () => ({ interaction: 'operation' as const, type: 'Appointment' });
const onAppointment = (_m: string, [id]: string[]) => ({ interaction: 'operation' as const, type: 'Appointment', target: { type: 'Appointment', id: id! } });

export const SCHEDULING_ROUTES: Route[] = [
  { pattern: ['Appointment', '$book'], methods: { POST: bookOperation }, access: onAppointments },
  { pattern: ['Appointment', '$booking-policy'], methods: { GET: bookingPolicyOperation }, access: onAppointments },
  { pattern: ['Appointment', ':id', '$cancel'], methods: { POST: (ctx, req, id) => cancelOperation(ctx, req, id) }, access: onAppointment },
  { pattern: ['Appointment', ':id', '$reschedule'], methods: { POST: (ctx, req, id) => rescheduleOperation(ctx, req, id) }, access: onAppointment },
];
