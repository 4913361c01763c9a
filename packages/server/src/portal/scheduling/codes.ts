/**
 * The codes and canonical URLs of portal scheduling and intake (see /work's portal contract):
 * appointment types, the intake form and its appointment extension, the intake-review Task code
 * and the booking policy's defaults. Shared by the seed, the operations and the intake companion.
 */
import type { Coding } from '@medplum/fhirtypes';

export const APPOINTMENT_TYPE_SYSTEM = 'urn:continuum:appointment-type';

/** The appointment types a demo schedule offers, in the order a patient is shown them. */
export const APPOINTMENT_TYPES: readonly Coding[] = [
  { system: APPOINTMENT_TYPE_SYSTEM, code: 'follow-up', display: 'Follow-up visit' },
  { system: APPOINTMENT_TYPE_SYSTEM, code: 'sick-visit', display: 'Sick visit' },
  { system: APPOINTMENT_TYPE_SYSTEM, code: 'annual-physical', display: 'Annual physical' },
  { system: APPOINTMENT_TYPE_SYSTEM, code: 'new-patient', display: 'New patient visit' },
];

export const INTAKE_QUESTIONNAIRE_ID = 'pre-visit-intake';
export const INTAKE_QUESTIONNAIRE_URL = 'https://continuum.dev/fhir/Questionnaire/pre-visit-intake';
/** On a QuestionnaireResponse: the Appointment the intake form was filled in for. */
export const INTAKE_APPOINTMENT_EXTENSION = 'https://continuum.dev/fhir/StructureDefinition/intake-appointment';

export const TASK_CODE_SYSTEM = 'urn:continuum:task-code';
export const INTAKE_REVIEW: Coding = { system: TASK_CODE_SYSTEM, code: 'intake-review', display: 'Review pre-visit intake' };

/** When patients and proxies may book and cancel (staff are held only to "not in the past"). */
export interface BookingPolicy {
  /** No cancelling (or rescheduling) by the patient within this many hours of the start. */
  cancelHours: number;
  /** No booking further ahead than this many days. */
  bookAheadDays: number;
  /** No booking by the patient of a slot starting within this many hours. */
  minNoticeHours: number;
}

export const DEFAULT_BOOKING_POLICY: BookingPolicy = { cancelHours: 24, bookAheadDays: 60, minNoticeHours: 2 };

/**
 * The clinic's booking policy from `CONTINUUM_BOOKING_CANCEL_HOURS`, `CONTINUUM_BOOKING_AHEAD_DAYS`
 * and `CONTINUUM_BOOKING_NOTICE_HOURS` (whole numbers; the hours may be 0, the days at least 1),
 * each defaulting to DEFAULT_BOOKING_POLICY. A bad value throws, naming the variable: the server's
 * start-up checks it (config.ts), so a typo stops the start instead of failing every booking.
 */
export function parseBookingPolicy(env: NodeJS.ProcessEnv): BookingPolicy {
  const read = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number of at least ${min}, got '${raw}'`);
    return n;
  };
  return {
    cancelHours: read('CONTINUUM_BOOKING_CANCEL_HOURS', DEFAULT_BOOKING_POLICY.cancelHours, 0),
    bookAheadDays: read('CONTINUUM_BOOKING_AHEAD_DAYS', DEFAULT_BOOKING_POLICY.bookAheadDays, 1),
    minNoticeHours: read('CONTINUUM_BOOKING_NOTICE_HOURS', DEFAULT_BOOKING_POLICY.minNoticeHours, 0),
  };
}
