/** The referral state machine (state.ts): every allowed move, and the refused ones as 409s. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Task } from '@medplum/fhirtypes';
import { canMove, checkMove, targetOf, type ReferralStatus } from '../../../src/exchange/referrals/state.ts';

const ALL: ReferralStatus[] = ['requested', 'accepted', 'rejected', 'in-progress', 'completed'];
const ALLOWED = new Set(['requested>accepted', 'requested>rejected', 'accepted>in-progress', 'accepted>completed', 'in-progress>in-progress', 'in-progress>completed']);

describe('referral state machine', () => {
  it('allows exactly request → accept|decline → scheduled → completed (and reschedule, and complete without an appointment)', () => {
    for (const from of ALL) for (const to of ALL) assert.equal(canMove(from, to), ALLOWED.has(`${from}>${to}`), `${from} → ${to}`);
  });

  it('maps actions to states, scheduled as in-progress with its business status', () => {
    assert.deepEqual(targetOf('accept'), { status: 'accepted' });
    assert.deepEqual(targetOf('decline'), { status: 'rejected' });
    assert.deepEqual(targetOf('schedule'), { status: 'in-progress', businessStatus: 'scheduled' });
    assert.deepEqual(targetOf('complete'), { status: 'completed' });
  });

  it('refuses with a 409 conflict, final states included and unknown statuses', () => {
    const task = (status: string): Task => ({ resourceType: 'Task', status: status as Task['status'], intent: 'order' });
    for (const [from, to] of [['completed', 'accepted'], ['rejected', 'accepted'], ['requested', 'completed'], ['draft', 'accepted']] as const) {
      assert.throws(() => checkMove(task(from), to), (err: { status?: number }) => err.status === 409, `${from} → ${to}`);
    }
    assert.doesNotThrow(() => checkMove(task('requested'), 'accepted'));
  });
});
