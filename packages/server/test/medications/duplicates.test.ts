/**
 * Duplicate therapy (same ingredient: high; same therapeutic class: moderate; different classes
 * that are often combined: none) and duplicate lab orders (same LOINC ordered or resulted within
 * the window, default and per-LOINC, ignoring revoked and entered-in-error records).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceRequest } from '@medplum/fhirtypes';
import type { OrderCheckInput } from '../../src/medications/check-types.ts';
import { runOrderChecks } from '../../src/medications/checks.ts';
import { longestLabWindowDays } from '../../src/medications/lab-duplicates.ts';
import { draftOf, input, labOrder, labResult, LOINC, order, orderOf } from './fixtures.ts';

const dup = (draft: string, active: string) =>
  runOrderChecks(input({ drafts: [draftOf(draft)], activeMedications: [orderOf(active, 'active-1')] })).filter((f) => f.kind === 'duplicate-therapy');

describe('duplicate therapy', () => {
  it('same ingredient, any product: high', () => {
    // simvastatin 20 MG (312961) ordered while simvastatin 40 MG (198211) is active.
    const f = runOrderChecks(input({ drafts: [order({ code: '312961' })], activeMedications: [order({ code: '198211', id: 's40' })] }));
    assert.equal(f.length, 1);
    assert.equal(f[0]!.kind, 'duplicate-therapy');
    assert.equal(f[0]!.severity, 'high');
    assert.equal(f[0]!.rule, 'duplicate-ingredient:simvastatin');
    assert.equal(f[0]!.implicated[0]!.reference, 'MedicationRequest/s40');
  });

  it('same therapeutic class: moderate', () => {
    for (const [a, b, cls] of [['atorvastatin', 'rosuvastatin', 'statins'], ['sertraline', 'escitalopram', 'ssris'], ['lisinopril', 'enalapril', 'ace-inhibitors'], ['omeprazole', 'pantoprazole', 'ppis'], ['ibuprofen', 'naproxen', 'nsaids']] as const) {
      const [f] = dup(a, b);
      assert.ok(f, `${a} + ${b}`);
      assert.equal(f.severity, 'moderate');
      assert.equal(f.rule, `duplicate-class:${cls}`);
    }
  });

  it('finds the class inside a combination product (amlodipine/benazepril with lisinopril)', () => {
    const combo = order({ text: 'amlodipine 5 mg / benazepril 10 mg capsule', id: 'combo' });
    const f = runOrderChecks(input({ drafts: [draftOf('lisinopril')], activeMedications: [combo] })).filter((x) => x.kind === 'duplicate-therapy');
    assert.equal(f[0]?.rule, 'duplicate-class:ace-inhibitors');
  });

  it('compares drafts with each other', () => {
    const f = runOrderChecks(input({ drafts: [draftOf('atorvastatin'), draftOf('pravastatin')] }));
    assert.equal(f.length, 1);
    assert.equal(f[0]!.draftIndex, 1);
    assert.equal(f[0]!.implicated[0]!.reference, '#draft-0');
  });

  it('does not flag different classes often used together', () => {
    for (const [a, b] of [['lisinopril', 'hydrochlorothiazide'], ['metoprolol', 'amlodipine'], ['aspirin', 'clopidogrel'], ['metformin', 'glipizide']]) assert.deepEqual(dup(a!, b!), [], `${a} + ${b}`);
  });
});

const HBA1C = '4548-4';
const LIPIDS = '2093-3';
const labDraft = (code: string): ServiceRequest => ({ resourceType: 'ServiceRequest', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: LOINC, code }], text: code === HBA1C ? 'Hemoglobin A1c' : 'Cholesterol' } });
const settings: OrderCheckInput['settings'] = { duplicateLabWindowDays: 1, duplicateLabWindowByLoinc: { [HBA1C]: 90 } };

describe('duplicate lab orders', () => {
  it('HbA1c resulted 30 days ago (90-day window): warning with the earlier result and its value', () => {
    const older = labResult(HBA1C, '2026-09-01T08:00:00Z', 7.9, '%');
    const latest = labResult(HBA1C, '2026-10-28T08:00:00Z', 7.2, '%');
    const f = runOrderChecks(input({ drafts: [labDraft(HBA1C)], recentLabResults: [older, latest], settings }));
    assert.equal(f.length, 1);
    assert.equal(f[0]!.kind, 'duplicate-lab');
    assert.equal(f[0]!.severity, 'moderate');
    assert.deepEqual(f[0]!.earlierResult, { reference: `Observation/${latest.id}`, display: '7.2 % on 2026-10-28' });
    assert.match(f[0]!.detail, /7\.2 %/);
    assert.match(f[0]!.detail, /2026-10-28/);
    assert.match(f[0]!.detail, /90 days/);
    assert.equal(f[0]!.implicated.length, 2);
  });

  it('HbA1c resulted 100 days ago: outside the window, nothing', () => {
    assert.deepEqual(runOrderChecks(input({ drafts: [labDraft(HBA1C)], recentLabResults: [labResult(HBA1C, '2026-08-19T08:00:00Z', 7.2, '%')], settings })), []);
  });

  it('uses the default window for other tests: a cholesterol order from this morning, not one from last week', () => {
    const today = runOrderChecks(input({ drafts: [labDraft(LIPIDS)], recentLabOrders: [labOrder(LIPIDS, '2026-11-27T07:30:00Z')], settings }));
    assert.equal(today.length, 1);
    assert.equal(today[0]!.earlierResult, undefined);
    assert.match(today[0]!.summary, /already ordered 2026-11-27/);
    assert.deepEqual(runOrderChecks(input({ drafts: [labDraft(LIPIDS)], recentLabOrders: [labOrder(LIPIDS, '2026-11-20T07:30:00Z')], settings })), []);
  });

  it('ignores revoked and entered-in-error orders, entered-in-error results, other codes, and the draft itself', () => {
    const recentLabOrders = [labOrder(HBA1C, '2026-11-20T00:00:00Z', { status: 'revoked' }), labOrder(HBA1C, '2026-11-21T00:00:00Z', { status: 'entered-in-error' }), labOrder(LIPIDS, '2026-11-21T00:00:00Z')];
    const recentLabResults = [labResult(HBA1C, '2026-11-01T00:00:00Z', 6, '%', { status: 'entered-in-error' })];
    assert.deepEqual(runOrderChecks(input({ drafts: [labDraft(HBA1C)], recentLabOrders, recentLabResults, settings })), []);
    const self = labOrder(HBA1C, '2026-11-27T09:00:00Z', { id: 'same', status: 'draft' });
    assert.deepEqual(runOrderChecks(input({ drafts: [{ ...self }], recentLabOrders: [self], settings })), []);
  });

  it('tells the caller how far back to read: the longest window', () => {
    assert.equal(longestLabWindowDays(settings), 90);
    assert.equal(longestLabWindowDays({ duplicateLabWindowDays: 2 }), 2);
  });
});
