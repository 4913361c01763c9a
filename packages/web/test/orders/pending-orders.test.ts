/** The pending orders list (pure): oldest first, age, overdue by priority, specimen state, filters. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Patient, ServiceRequest, Specimen } from '@medplum/fhirtypes';
import { ageText, applyFilter, isOverdue, noFilter, pendingRows } from '../../src/orders/pending-orders.ts';

const now = new Date('2026-11-27T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
const order = (id: string, priority: ServiceRequest['priority'], hours: number, extra: Partial<ServiceRequest> = {}): ServiceRequest => ({
  resourceType: 'ServiceRequest', id, status: 'active', intent: 'order', priority, authoredOn: hoursAgo(hours), subject: { reference: 'Patient/p1' }, ...extra,
});
const patients = new Map<string, Patient>([['Patient/p1', { resourceType: 'Patient', id: 'p1', name: [{ family: 'Rivera', given: ['Ana'] }] }]]);
const specimens = new Map<string, Specimen>([
  ['Specimen/s1', { resourceType: 'Specimen', id: 's1', type: { text: 'Serum' } }],
  ['Specimen/s2', { resourceType: 'Specimen', id: 's2', type: { text: 'Urine' }, collection: { collectedDateTime: hoursAgo(1) } }],
]);

describe('pending orders', () => {
  it('overdue: STAT after 4 hours, urgent after 24, routine after 7 days', () => {
    assert.equal(isOverdue('stat', 3.9), false);
    assert.equal(isOverdue('stat', 4.1), true);
    assert.equal(isOverdue('urgent', 23), false);
    assert.equal(isOverdue('urgent', 25), true);
    assert.equal(isOverdue('routine', 6 * 24), false);
    assert.equal(isOverdue('routine', 7 * 24 + 1), true);
    assert.equal(isOverdue(undefined, 7 * 24 + 1), true);
  });

  it('lists active orders oldest first, with specimen state; completed ones are gone', () => {
    const rows = pendingRows(
      [
        order('new', 'stat', 5, { specimen: [{ reference: 'Specimen/s1' }] }),
        order('old', 'routine', 200, { specimen: [{ reference: 'Specimen/s2' }] }),
        order('done', 'routine', 300, { status: 'completed' }),
        order('xr', 'routine', 2, { category: [{ coding: [{ system: 'http://snomed.info/sct', code: '363679005' }] }] }),
      ],
      patients, specimens, now,
    );
    assert.deepEqual(rows.map((r) => r.order.id), ['old', 'new', 'xr']);
    assert.deepEqual(rows.map((r) => r.overdue), [true, true, false]);
    assert.deepEqual(rows.map((r) => r.specimen), ['Urine: collected', 'Serum: to be collected', 'Not applicable']);
    assert.equal(rows[2]!.kind, 'imaging');
    assert.equal(rows[0]!.patient?.id, 'p1');
  });

  it('filters by priority, kind, overdue and patient name', () => {
    const rows = pendingRows([order('a', 'stat', 5), order('b', 'routine', 2), order('c', 'urgent', 30)], patients, specimens, now);
    const name = () => 'Ana Rivera';
    assert.deepEqual(applyFilter(rows, { ...noFilter(), priority: 'stat' }, name).map((r) => r.order.id), ['a']);
    assert.deepEqual(applyFilter(rows, { ...noFilter(), overdueOnly: true }, name).map((r) => r.order.id), ['c', 'a']);
    assert.deepEqual(applyFilter(rows, { ...noFilter(), kind: 'imaging' }, name), []);
    assert.equal(applyFilter(rows, { ...noFilter(), text: 'rivera' }, name).length, 3);
    assert.equal(applyFilter(rows, { ...noFilter(), text: 'smith' }, name).length, 0);
  });

  it('says ages in minutes, hours or days', () => {
    assert.equal(ageText(0.5), '30 min');
    assert.equal(ageText(5.2), '5 h');
    assert.equal(ageText(80), '3 d');
  });
});
