/** The clinic's booking policy from its settings, and the start-up refusing a bad one (pure: no server). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { configFromEnv } from '../../src/config.ts';
import { bookingPolicy } from '../../src/portal/scheduling/booking.ts';
import { DEFAULT_BOOKING_POLICY, parseBookingPolicy } from '../../src/portal/scheduling/codes.ts';

it('uses the defaults when nothing is set, and each setting when set', () => {
  assert.deepEqual(parseBookingPolicy({}), { cancelHours: 24, bookAheadDays: 60, minNoticeHours: 2 });
  assert.deepEqual(parseBookingPolicy({}), DEFAULT_BOOKING_POLICY);
  assert.deepEqual(
    parseBookingPolicy({ CONTINUUM_BOOKING_CANCEL_HOURS: '48', CONTINUUM_BOOKING_AHEAD_DAYS: '90', CONTINUUM_BOOKING_NOTICE_HOURS: '0' }),
    { cancelHours: 48, bookAheadDays: 90, minNoticeHours: 0 },
  );
  assert.deepEqual(bookingPolicy({ CONTINUUM_BOOKING_CANCEL_HOURS: '0' }), { ...DEFAULT_BOOKING_POLICY, cancelHours: 0 }, 'no cut-off at all');
});

it('refuses a value that is not a whole number in range, naming the setting, and so does the start-up', () => {
  for (const [name, value] of [
    ['CONTINUUM_BOOKING_CANCEL_HOURS', '-1'],
    ['CONTINUUM_BOOKING_CANCEL_HOURS', '1.5'],
    ['CONTINUUM_BOOKING_AHEAD_DAYS', '0'],
    ['CONTINUUM_BOOKING_AHEAD_DAYS', 'soon'],
    ['CONTINUUM_BOOKING_NOTICE_HOURS', '2h'],
  ] as const) {
    assert.throws(() => parseBookingPolicy({ [name]: value }), new RegExp(`^Error: ${name} must be a whole number`), `${name}=${value}`);
    assert.throws(() => configFromEnv({ [name]: value }), new RegExp(name), `the start stops on ${name}=${value}`);
  }
  assert.doesNotThrow(() => configFromEnv({ CONTINUUM_BOOKING_AHEAD_DAYS: '30' }));
});
