/**
 * The demo clinic's bookable time, as resources (no I/O): a Schedule per clinic physician (the
 * practitioner and their clinic location, offering every appointment type) and its 20-minute
 * Slots on weekdays, 09:00-12:00 and 13:00-17:00 in the server's time zone, over the days ahead.
 * Ids are derived from the physician and the start, so a seed run can tell which already exist.
 * About one slot in twelve starts busy (booked by phone, say), picked by a hash of its id so that
 * every run picks the same ones.
 */
import { createHash } from 'node:crypto';
import type { PractitionerRole, Schedule, Slot } from '@medplum/fhirtypes';
import { APPOINTMENT_TYPES } from './codes.ts';

export const SLOT_MINUTES = 20;
/** Opening hours, as [from, to) in hours of the server's local day. */
const SESSIONS: readonly [number, number][] = [
  [9, 12],
  [13, 17],
];

export const scheduleIdFor = (practitionerId: string): string => `sched-${practitionerId}`.slice(0, 64);

export function demoSchedule(role: PractitionerRole): Schedule | undefined {
  const practitioner = role.practitioner;
  const location = role.location?.[0];
  const id = practitioner?.reference?.split('/')[1];
  if (!practitioner || !location || !id) return undefined;
  return {
    resourceType: 'Schedule',
    id: scheduleIdFor(id),
    active: true,
    serviceType: APPOINTMENT_TYPES.map((coding) => ({ coding: [coding], text: coding.display! })),
    ...(role.specialty ? { specialty: role.specialty } : {}),
    actor: [practitioner, location],
    comment: `Office visits of ${SLOT_MINUTES} minutes`,
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The local-time starts of the bookable slots on the `days` days from `from`'s day on. */
export function slotStarts(from: Date, days: number): Date[] {
  const out: Date[] = [];
  for (let d = 0; d < days; d++) {
    const day = new Date(from.getFullYear(), from.getMonth(), from.getDate() + d);
    if (day.getDay() === 0 || day.getDay() === 6) continue;
    for (const [open, close] of SESSIONS) {
      for (let minutes = open * 60; minutes < close * 60; minutes += SLOT_MINUTES) {
        out.push(new Date(day.getFullYear(), day.getMonth(), day.getDate(), 0, minutes));
      }
    }
  }
  return out;
}

export function slotId(scheduleId: string, start: Date): string {
  const stamp = `${start.getFullYear()}${pad(start.getMonth() + 1)}${pad(start.getDate())}${pad(start.getHours())}${pad(start.getMinutes())}`;
  return `${scheduleId.slice(0, 50)}-${stamp}`;
}

const prebooked = (id: string): boolean => createHash('sha256').update(id).digest()[0]! < 256 / 12;

export function demoSlot(scheduleId: string, start: Date): Slot {
  const id = slotId(scheduleId, start);
  return {
    resourceType: 'Slot',
    id,
    schedule: { reference: `Schedule/${scheduleId}` },
    status: prebooked(id) ? 'busy' : 'free',
    start: start.toISOString(),
    end: new Date(start.getTime() + SLOT_MINUTES * 60_000).toISOString(),
  };
}
