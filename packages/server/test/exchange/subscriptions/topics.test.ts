/** The topic rules as pure functions: which writes are events, and of which topic and patient. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '@medplum/fhirtypes';
import { TOPICS } from '../../../src/exchange/codes.ts';
import { patientFilter } from '../../../src/exchange/subscriptions/backport.ts';
import { mayBeEvent, topicEvents } from '../../../src/exchange/subscriptions/topics.ts';

const obs = (status: string, category: string): Resource =>
  ({ resourceType: 'Observation', status, code: { text: 'x' }, subject: { reference: 'Patient/p1' }, category: [{ coding: [{ code: category }] }] }) as Resource;
const enc = (status: string, cls: string, extra: object = {}): Resource =>
  ({ resourceType: 'Encounter', status, class: { code: cls }, subject: { reference: 'Patient/p2' }, ...extra }) as Resource;

describe('topics', () => {
  it('new results: final laboratory observations and reports, once per status entered', () => {
    assert.deepEqual(topicEvents(obs('final', 'laboratory'), undefined), [{ topic: TOPICS.newResult, patient: 'p1' }]);
    assert.deepEqual(topicEvents(obs('final', 'laboratory'), obs('preliminary', 'laboratory')), [{ topic: TOPICS.newResult, patient: 'p1' }]);
    assert.deepEqual(topicEvents(obs('final', 'laboratory'), obs('final', 'laboratory')), []);
    assert.deepEqual(topicEvents(obs('corrected', 'laboratory'), obs('final', 'laboratory')), [{ topic: TOPICS.newResult, patient: 'p1' }]);
    assert.equal(mayBeEvent(obs('final', 'vital-signs')), false, 'a vital sign is no result');
    assert.equal(mayBeEvent(obs('preliminary', 'laboratory')), false);
    assert.equal(mayBeEvent({ resourceType: 'DiagnosticReport', status: 'registered', code: {} } as Resource), false);
    assert.equal(mayBeEvent(null), false, 'a deletion is no event');
  });

  it('admissions and discharges', () => {
    assert.deepEqual(topicEvents(enc('arrived', 'EMER'), undefined), [{ topic: TOPICS.admission, patient: 'p2' }]);
    assert.deepEqual(topicEvents(enc('in-progress', 'IMP'), enc('arrived', 'IMP')), [], 'arrived → in-progress is the same admission');
    assert.deepEqual(topicEvents(enc('in-progress', 'AMB'), undefined), [], 'an office visit is no admission');
    assert.deepEqual(topicEvents(enc('finished', 'IMP'), enc('in-progress', 'IMP')), [{ topic: TOPICS.discharge, patient: 'p2' }]);
    assert.deepEqual(topicEvents(enc('finished', 'EMER', { hospitalization: { dischargeDisposition: { text: 'home' } } }), undefined), [{ topic: TOPICS.discharge, patient: 'p2' }]);
    assert.deepEqual(topicEvents(enc('finished', 'AMB'), enc('in-progress', 'AMB')), []);
  });

  it('reads the patient filter', () => {
    assert.equal(patientFilter('Encounter?patient=Patient/123', ['Encounter']), '123');
    assert.equal(patientFilter('patient=123', ['Encounter']), '123');
    assert.equal(patientFilter('Observation?patient=Patient/123', ['Encounter']), undefined, 'another type');
    assert.equal(patientFilter('Encounter?patient=Patient/1&status=x', ['Encounter']), undefined);
  });
});
