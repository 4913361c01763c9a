/**
 * Booking rules as the portal applies them: the policy read from `$booking-policy` (defaults for
 * missing parts), the booking window (minimum notice, days ahead), free slots grouped by calendar
 * day in the patient's time zone, upcoming versus past visits, and when a visit can no longer be
 * changed online.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment, Slot } from '@medplum/fhirtypes';
import { bookableSlots, canChangeOnline, cancelPolicyText, DEFAULT_POLICY, groupSlotsByDay, readPolicy, splitAppointments } from '../../src/portal/b/appointments/schedule.ts';

const NOW = new Date('2026-03-10T15:00:00Z');
const slot = (id: string, start: string, status: Slot['status'] = 'free'): Slot => ({ resourceType: 'Slot', id, schedule: { reference: 'Schedule/s1' }, status, start, end: start });
const visit = (id: string, start: string, status: Appointment['status'] = 'booked'): Appointment => ({ resourceType: 'Appointment', id, status, start, end: new Date(Date.parse(start) + 20 * 60_000).toISOString(), participant: [] });

describe('booking policy', () => {
  it('reads the parts the server sends and keeps the defaults for the others', () => {
    const policy = readPolicy({ resourceType: 'Parameters', parameter: [{ name: 'cancelHours', valueInteger: 48 }, { name: 'bookAheadDays', valueInteger: 30 }] });
    assert.deepEqual(policy, { cancelHours: 48, bookAheadDays: 30, minNoticeHours: 2 });
    assert.deepEqual(readPolicy(undefined), { cancelHours: 24, bookAheadDays: 60, minNoticeHours: 2 });
  });

  it('states the cancellation rule in plain words', () => {
    assert.equal(cancelPolicyText({ ...DEFAULT_POLICY, cancelHours: 24 }), 'You can cancel or reschedule online up to 24 hours before your visit. After that, please call the clinic.');
    assert.match(cancelPolicyText({ ...DEFAULT_POLICY, cancelHours: 1 }), /up to 1 hour before/);
  });
});

describe('bookable slots', () => {
  it('keeps free slots at least the notice ahead and before the horizon, earliest first', () => {
    const slots = [
      slot('too-soon', '2026-03-10T16:40:00Z'), // 1 h 40 min ahead: under 2 h notice
      slot('later', '2026-03-12T09:00:00Z'),
      slot('busy', '2026-03-11T09:00:00Z', 'busy'),
      slot('first', '2026-03-10T17:00:00Z'), // exactly 2 h ahead: allowed
      slot('too-far', '2026-05-10T09:00:00Z'), // 61 days ahead
    ];
    assert.deepEqual(bookableSlots(slots, DEFAULT_POLICY, NOW).map((s) => s.id), ['first', 'later']);
  });

  it('groups by the calendar day of the given time zone', () => {
    const slots = [slot('b', '2026-03-12T01:00:00Z'), slot('a', '2026-03-11T23:00:00Z'), slot('c', '2026-03-12T14:00:00Z')];
    // In UTC, a is on the 11th, b and c on the 12th.
    assert.deepEqual(groupSlotsByDay(slots, 'UTC').map((d) => [d.day, d.slots.map((s) => s.id)]), [['2026-03-11', ['a']], ['2026-03-12', ['b', 'c']]]);
    // In New York (UTC-4 in March after DST), 23:00Z and 01:00Z are both the evening of the 11th.
    assert.deepEqual(groupSlotsByDay(slots, 'America/New_York').map((d) => [d.day, d.slots.map((s) => s.id)]), [['2026-03-11', ['a', 'b']], ['2026-03-12', ['c']]]);
  });
});

describe('visits', () => {
  it('splits upcoming (soonest first) from past and cancelled (newest first)', () => {
    const list = [visit('next-week', '2026-03-17T14:00:00Z'), visit('last-month', '2026-02-10T14:00:00Z', 'fulfilled'), visit('tomorrow', '2026-03-11T14:00:00Z'), visit('cancelled', '2026-03-20T14:00:00Z', 'cancelled'), visit('now', '2026-03-10T14:50:00Z')];
    const { upcoming, past } = splitAppointments(list, NOW);
    // "now" started 10 minutes ago and ends in 10: still upcoming.
    assert.deepEqual(upcoming.map((a) => a.id), ['now', 'tomorrow', 'next-week']);
    assert.deepEqual(past.map((a) => a.id), ['cancelled', 'last-month']);
  });

  it('allows changing online until the cancellation window, then says to call', () => {
    assert.deepEqual(canChangeOnline(visit('a', '2026-03-11T15:00:00Z'), DEFAULT_POLICY, NOW), { allowed: true });
    const late = canChangeOnline(visit('b', '2026-03-11T14:59:00Z'), DEFAULT_POLICY, NOW);
    assert.equal(late.allowed, false);
    assert.match(late.allowed ? '' : late.reason, /less than 24 hours.*call the clinic/);
    assert.equal(canChangeOnline(visit('c', '2026-03-09T15:00:00Z'), DEFAULT_POLICY, NOW).allowed, false);
    assert.equal(canChangeOnline(visit('d', '2026-03-20T15:00:00Z', 'cancelled'), DEFAULT_POLICY, NOW).allowed, false);
  });
});
