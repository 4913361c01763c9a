/**
 * The patient-view rules, pure: which problems and measurements make which reminder, and which
 * critical results count as unreviewed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition, Observation } from '@medplum/fhirtypes';
import { careReminders, unreviewedCritical } from '../../src/cds/patient-view-rules.ts';

const NOW = new Date('2031-06-15T12:00:00Z');
const daysAgo = (d: number): string => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const condition = (system: string, code: string, clinical = 'active', verification?: string): Condition => ({
  resourceType: 'Condition',
  subject: { reference: 'Patient/p' },
  code: { coding: [{ system, code }] },
  clinicalStatus: { coding: [{ code: clinical }] },
  ...(verification ? { verificationStatus: { coding: [{ code: verification }] } } : {}),
});
const obs = (loinc: string, when: string, interpretation?: string, id = loinc): Observation => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  category: [{ coding: [{ code: 'laboratory' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
  effectiveDateTime: when,
  ...(interpretation ? { interpretation: [{ coding: [{ code: interpretation }] }] } : {}),
});
const rules = (patientBirth: string, conditions: Condition[], observations: Observation[]): string[] =>
  careReminders({ patient: { resourceType: 'Patient', birthDate: patientBirth }, conditions, observations, now: NOW }).map((r) => r.rule);

describe('care reminders', () => {
  it('diabetes (SNOMED or ICD-10) with no HbA1c in 6 months', () => {
    const bp = obs('85354-9', daysAgo(10));
    assert.deepEqual(rules('1960-01-01', [condition('http://snomed.info/sct', '44054006')], [bp]), ['reminder-hba1c']);
    assert.deepEqual(rules('1960-01-01', [condition('http://hl7.org/fhir/sid/icd-10-cm', 'E11.9')], [bp, obs('4548-4', daysAgo(200))]), ['reminder-hba1c']);
    assert.deepEqual(rules('1960-01-01', [condition('http://hl7.org/fhir/sid/icd-10-cm', 'E11.9')], [bp, obs('4548-4', daysAgo(100))]), []);
  });
  it('ignores resolved and refuted problems', () => {
    const bp = obs('85354-9', daysAgo(10));
    assert.deepEqual(rules('1960-01-01', [condition('http://snomed.info/sct', '44054006', 'resolved')], [bp]), []);
    assert.deepEqual(rules('1960-01-01', [condition('http://snomed.info/sct', '44054006', 'active', 'refuted')], [bp]), []);
  });
  it('hypertension with no blood pressure in 12 months (instead of the screening reminder)', () => {
    assert.deepEqual(rules('1990-01-01', [condition('http://snomed.info/sct', '38341003')], [obs('8480-6', daysAgo(400))]), ['reminder-bp-hypertension']);
    assert.deepEqual(rules('1990-01-01', [condition('http://snomed.info/sct', '38341003')], [obs('8480-6', daysAgo(300))]), []);
  });
  it('blood pressure screening: yearly from 40, every 3 years from 18 to 39, none for children', () => {
    assert.deepEqual(rules('1980-01-01', [], [obs('85354-9', daysAgo(400))]), ['reminder-bp-adult']);
    assert.deepEqual(rules('2000-01-01', [], [obs('85354-9', daysAgo(400))]), []);
    assert.deepEqual(rules('2000-01-01', [], [obs('85354-9', daysAgo(1200))]), ['reminder-bp-adult']);
    assert.deepEqual(rules('2020-01-01', [], []), []);
  });
});

describe('unreviewed critical results', () => {
  it('HH, LL and AA in the last 30 days, unless a completed review covers the result or its report', () => {
    const observations = [obs('2823-3', daysAgo(2), 'HH', 'k'), obs('2951-2', daysAgo(3), 'LL', 'na'), obs('2345-7', daysAgo(1), 'H', 'glu'), obs('718-7', daysAgo(40), 'LL', 'old'), obs('6690-2', daysAgo(1), 'AA', 'wbc')];
    const none = unreviewedCritical({ observations, reports: [], reviews: [], now: NOW }).map((o) => o.id);
    assert.deepEqual(none, ['k', 'na', 'wbc']);
    const review = (focus: string, status: 'completed' | 'requested' = 'completed') => ({ resourceType: 'Task' as const, status, intent: 'order' as const, code: { coding: [{ system: 'urn:continuum:task-code', code: 'result-review' }] }, focus: { reference: focus } });
    const reports = [{ resourceType: 'DiagnosticReport' as const, id: 'r1', status: 'final' as const, code: {}, result: [{ reference: 'Observation/k' }] }];
    const after = unreviewedCritical({ observations, reports, reviews: [review('DiagnosticReport/r1'), review('Observation/na'), review('Observation/wbc', 'requested')], now: NOW }).map((o) => o.id);
    assert.deepEqual(after, ['wbc']);
  });
});
