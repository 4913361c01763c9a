/**
 * Identity suite, the lockout schedule without a database: free attempts up to the threshold,
 * then a lock that doubles with every further failure, capped.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEFAULT_LOCKOUT, isLocked, lockDurationMs, lockedUntilAfter } from '../../src/identity/lockout.ts';

const MIN = 60_000;

it('locks at the fifth failure for a minute and doubles up to an hour', () => {
  assert.deepEqual([1, 2, 3, 4].map((n) => lockDurationMs(n)), [0, 0, 0, 0]);
  assert.deepEqual([5, 6, 7, 8, 9, 10, 11, 12].map((n) => lockDurationMs(n) / MIN), [1, 2, 4, 8, 16, 32, 60, 60]);
  assert.equal(lockDurationMs(10_000), 60 * MIN, 'no overflow for huge counts');
});

it('follows a custom policy', () => {
  const policy = { threshold: 3, baseMs: 1000, maxMs: 5000 };
  assert.deepEqual([2, 3, 4, 5, 6].map((n) => lockDurationMs(n, policy)), [0, 1000, 2000, 4000, 5000]);
});

it('gives the end of the lock and tells whether it still holds', () => {
  const now = new Date('2031-01-01T00:00:00Z');
  assert.equal(lockedUntilAfter(4, now), null);
  const until = lockedUntilAfter(6, now, DEFAULT_LOCKOUT)!;
  assert.equal(until.toISOString(), '2031-01-01T00:02:00.000Z');
  assert.equal(isLocked(until, new Date('2031-01-01T00:01:59.999Z')), true);
  assert.equal(isLocked(until, until), false);
  assert.equal(isLocked(null, now), false);
});
