/** The plan and states of the warning before automatic logoff (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idlePlan, idleState } from '../../src/auth/idle.ts';

describe('idle warning', () => {
  it('warns a minute before the server’s idle time, or a quarter of it when shorter', () => {
    assert.deepEqual(idlePlan(900), { warnAfter: 840, logoutAfter: 900 });
    assert.deepEqual(idlePlan(20), { warnAfter: 15, logoutAfter: 20 });
    for (const none of [undefined, 0, -5, Number.NaN]) assert.equal(idlePlan(none), undefined, String(none));
  });

  it('is active, then counts down, then ends', () => {
    const plan = idlePlan(900)!;
    const last = Date.UTC(2031, 0, 1);
    assert.deepEqual(idleState(plan, last, last + 839_000), { kind: 'active' });
    assert.deepEqual(idleState(plan, last, last + 840_000), { kind: 'warning', secondsLeft: 60 });
    assert.deepEqual(idleState(plan, last, last + 899_100), { kind: 'warning', secondsLeft: 1 });
    assert.deepEqual(idleState(plan, last, last + 900_000), { kind: 'expired' });
  });
});
