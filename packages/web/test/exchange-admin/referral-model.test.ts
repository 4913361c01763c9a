/** Referral states, direction and timeline from Task versions; the refer and respond forms (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Task } from '@medplum/fhirtypes';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG, REFERRAL_TASK_CODE } from '../../src/exchange/referrals/codes.ts';
import { allowedActions, appointmentDate, direction, partnerName, referParameters, referralReason, referralState, referralTimeline, respondParameters, validateRefer, validateRespond } from '../../src/exchange/referrals/referral-model.ts';

const outgoing: Task = {
  resourceType: 'Task',
  id: 't1',
  status: 'requested',
  intent: 'order',
  code: { coding: [REFERRAL_TASK_CODE] },
  for: { reference: 'Patient/p1' },
  owner: { reference: 'Organization/o2', display: 'Riverside Cardiology' },
  requester: { reference: 'Practitioner/dr1', display: 'Dr. Ada Park' },
  authoredOn: '2026-11-01T09:00:00Z',
  meta: { versionId: '1', lastUpdated: '2026-11-01T09:00:00Z' },
};
const incoming: Task = {
  ...outgoing,
  id: 't9',
  owner: { reference: 'Organization/us' },
  requester: { display: 'Maple Primary Care' },
  meta: { ...outgoing.meta, tag: [{ ...EXTERNAL_TAG }] },
};
const v = (t: Task, n: number, at: string, patch: Partial<Task>): Task => ({ ...t, ...patch, meta: { ...t.meta, versionId: String(n), lastUpdated: at } });

describe('referral direction and state', () => {
  it('tells incoming from outgoing by the external tag, the source extension or a requester known only by name', () => {
    assert.equal(direction(outgoing), 'outgoing');
    assert.equal(direction(incoming), 'incoming');
    assert.equal(direction({ ...outgoing, extension: [{ url: EXTERNAL_SOURCE_EXT, valueReference: { reference: 'Organization/o1', display: 'Maple' } }] }), 'incoming');
    assert.equal(direction({ ...outgoing, requester: { display: 'Maple Primary Care' } }), 'incoming');
    assert.equal(partnerName(outgoing), 'Riverside Cardiology');
    assert.equal(partnerName(incoming), 'Maple Primary Care');
    assert.equal(partnerName({ ...outgoing, owner: { reference: 'Organization/o2' } }, (r) => (r === 'Organization/o2' ? 'From directory' : undefined)), 'From directory');
  });

  it('maps Task status and business status to the referral states', () => {
    assert.equal(referralState(outgoing), 'requested');
    assert.equal(referralState({ ...outgoing, businessStatus: { coding: [{ code: 'not-delivered' }] } }), 'not-delivered');
    assert.equal(referralState({ ...outgoing, businessStatus: { text: 'not-delivered' } }), 'not-delivered');
    assert.equal(referralState({ ...outgoing, status: 'accepted' }), 'accepted');
    assert.equal(referralState({ ...outgoing, status: 'rejected' }), 'declined');
    assert.equal(referralState({ ...outgoing, status: 'in-progress', businessStatus: { text: 'scheduled' } }), 'scheduled');
    assert.equal(referralState({ ...outgoing, status: 'completed' }), 'completed');
    assert.equal(referralState({ ...outgoing, status: 'cancelled' }), 'cancelled');
  });

  it('offers the receiving side only the actions its state allows', () => {
    assert.deepEqual(allowedActions('requested'), ['accept', 'decline']);
    assert.deepEqual(allowedActions('accepted'), ['schedule', 'complete', 'decline']);
    assert.deepEqual(allowedActions('scheduled'), ['schedule', 'complete']);
    for (const s of ['completed', 'declined', 'not-delivered', 'cancelled'] as const) assert.deepEqual(allowedActions(s), []);
  });

  it('finds the appointment date where the Task keeps it', () => {
    assert.equal(appointmentDate({ ...outgoing, restriction: { period: { start: '2026-12-01T10:00:00Z' } } }), '2026-12-01T10:00:00Z');
    assert.equal(appointmentDate({ ...outgoing, executionPeriod: { start: '2026-12-02T10:00:00Z' } }), '2026-12-02T10:00:00Z');
    assert.equal(appointmentDate({ ...outgoing, input: [{ type: { text: 'appointmentDate' }, valueDateTime: '2026-12-03T10:00:00Z' }] }), '2026-12-03T10:00:00Z');
    assert.equal(appointmentDate(outgoing), undefined);
  });
});

describe('referral timeline', () => {
  it('dates each state from the first version in it, and shows what is still to come', () => {
    const versions = [
      v(outgoing, 3, '2026-11-03T08:00:00Z', { status: 'in-progress', businessStatus: { text: 'scheduled' }, restriction: { period: { start: '2026-11-20T14:30:00Z' } } }),
      v(outgoing, 1, '2026-11-01T09:00:00Z', {}),
      v(outgoing, 2, '2026-11-02T08:00:00Z', { status: 'accepted' }),
    ];
    const steps = referralTimeline(versions);
    assert.deepEqual(steps.map((s) => [s.key, s.done, s.at]), [
      ['requested', true, '2026-11-01T09:00:00Z'],
      ['accepted', true, '2026-11-02T08:00:00Z'],
      ['scheduled', true, '2026-11-03T08:00:00Z'],
      ['completed', false, undefined],
      ['report', false, undefined],
    ]);
    assert.equal(steps[2]!.detail, '2026-11-20T14:30:00Z');
  });

  it('ends with the returned report once completed', () => {
    const done = v(outgoing, 4, '2026-11-21T08:00:00Z', { status: 'completed', output: [{ type: { text: 'report' }, valueReference: { reference: 'DocumentReference/r1', display: 'Cardiology consult' } }] });
    const steps = referralTimeline([v(outgoing, 1, '2026-11-01T09:00:00Z', {}), done]);
    assert.deepEqual(steps.map((s) => s.key), ['requested', 'accepted', 'scheduled', 'completed', 'report']);
    assert.ok(steps.every((s) => s.done), 'a completed referral has passed every step, even one skipped');
    assert.equal(steps.at(-1)!.at, '2026-11-21T08:00:00Z');
    assert.equal(steps.at(-1)!.detail, 'Cardiology consult');
  });

  it('stops at a decline, with its reason, or at a failed delivery', () => {
    const declined = referralTimeline([v(outgoing, 1, '2026-11-01T09:00:00Z', {}), v(outgoing, 2, '2026-11-02T09:00:00Z', { status: 'rejected', statusReason: { text: 'No cardiologist until March' } })]);
    assert.deepEqual(declined.map((s) => [s.key, s.detail]), [['requested', undefined], ['declined', 'No cardiologist until March']]);
    const failed = referralTimeline([v(outgoing, 1, '2026-11-01T09:00:00Z', { businessStatus: { text: 'not-delivered' } })]);
    assert.deepEqual(failed.map((s) => s.key), ['requested', 'not-delivered']);
    assert.deepEqual(referralTimeline([]), []);
  });
});

describe('refer and respond forms', () => {
  it('checks and builds the $refer Parameters', () => {
    const form = { partner: 'o2', reason: ' Chest pain on exertion ', specialty: '394579002', priority: 'urgent' as const, note: '' };
    assert.deepEqual(validateRefer(form), {});
    assert.deepEqual(referParameters(form), [
      { name: 'partner', valueReference: { reference: 'Organization/o2' } },
      { name: 'reason', valueString: 'Chest pain on exertion' },
      { name: 'specialty', valueCoding: { system: 'http://snomed.info/sct', code: '394579002', display: 'Cardiology' } },
      { name: 'priority', valueCode: 'urgent' },
    ]);
    assert.deepEqual(Object.keys(validateRefer({ partner: '', reason: '  ', specialty: 'x', priority: 'someday' as never, note: '' })).sort(), ['partner', 'priority', 'reason', 'specialty']);
  });

  it('needs a reason to decline, a date to schedule and a report to complete', () => {
    const base = { reason: '', appointmentDate: '', report: '' };
    assert.equal(validateRespond({ ...base, action: 'accept' }), undefined);
    assert.match(validateRespond({ ...base, action: 'decline' })!, /why/);
    assert.match(validateRespond({ ...base, action: 'schedule' })!, /date/);
    assert.match(validateRespond({ ...base, action: 'schedule', appointmentDate: 'soon' })!, /not a valid/);
    assert.match(validateRespond({ ...base, action: 'complete', report: ' ' })!, /report/);
    const schedule = respondParameters({ ...base, action: 'schedule', appointmentDate: '2026-12-01T10:30' });
    assert.equal(schedule[0]!.valueCode, 'schedule');
    assert.equal(Date.parse(schedule[1]!.valueDateTime!), Date.parse('2026-12-01T10:30'), 'the local date and time, as an instant');
    assert.deepEqual(respondParameters({ ...base, action: 'complete', report: 'Echo normal.' }), [{ name: 'action', valueCode: 'complete' }, { name: 'report', valueString: 'Echo normal.' }]);
  });

  it('reads the reason and specialty from the ServiceRequest, else the Task', () => {
    const sr = { resourceType: 'ServiceRequest' as const, status: 'active' as const, intent: 'order' as const, subject: { reference: 'Patient/p1' }, reasonCode: [{ text: 'Palpitations' }], performerType: { text: 'Cardiology' }, note: [{ text: 'Holter done' }] };
    assert.deepEqual(referralReason(outgoing, sr), { reason: 'Palpitations', specialty: 'Cardiology', note: 'Holter done' });
    assert.equal(referralReason({ ...outgoing, description: 'Referral: chest pain' }, undefined).reason, 'Referral: chest pain');
  });
});
