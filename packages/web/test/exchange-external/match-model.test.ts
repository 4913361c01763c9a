/**
 * The `$external-match` answer for the screen: candidates best grade then best score first, each
 * with its partner and id there; partners that failed named with their reason; entries without a
 * partner left out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { MATCH_GRADE_EXT, EXTERNAL_SOURCE_EXT } from '../../src/exchange/external/codes.ts';
import { readMatches, scoreText } from '../../src/exchange/external/match-model.ts';
import { external, PARTNER, REMOTE } from './fixtures.ts';

const candidate = (id: string, score: number, grade: string, source = true) => ({
  fullUrl: `${REMOTE}/Patient/${id}`,
  resource: source ? external<Patient>({ resourceType: 'Patient', id, name: [{ family: 'Doe', given: ['Jo'] }] }) : ({ resourceType: 'Patient', id } as Patient),
  search: { mode: 'match' as const, score, extension: [{ url: MATCH_GRADE_EXT, valueCode: grade }] },
});

describe('external match results', () => {
  it('orders by grade, then score, and reads the partner and remote id', () => {
    const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', entry: [candidate('p', 0.7, 'possible'), candidate('c2', 0.97, 'certain'), candidate('c1', 0.99, 'certain'), candidate('q', 0.9, 'probable')] };
    const { candidates, failures } = readMatches(bundle);
    assert.deepEqual(candidates.map((c) => [c.remoteId, c.grade]), [['c1', 'certain'], ['c2', 'certain'], ['q', 'probable'], ['p', 'possible']]);
    assert.equal(candidates[0]!.partner, PARTNER.reference);
    assert.equal(candidates[0]!.organization, PARTNER.display);
    assert.equal(candidates[0]!.url, `${REMOTE}/Patient/c1`);
    assert.deepEqual(failures, []);
  });

  it('names a partner that failed and keeps the others', () => {
    const failed: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout', diagnostics: 'Northside did not answer in time' }], extension: [{ url: EXTERNAL_SOURCE_EXT, valueReference: { reference: 'Organization/n', display: 'Northside Clinic' } }] } as OperationOutcome;
    const bare: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] };
    const named: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'transient', details: { text: 'Westside Clinic: the partner answered 502' } }] };
    const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', entry: [candidate('c1', 0.99, 'certain'), { resource: failed, search: { mode: 'outcome' } }, { fullUrl: 'https://east.example/fhir', resource: bare, search: { mode: 'outcome' } }, { resource: named, search: { mode: 'outcome' } }] };
    const { candidates, failures } = readMatches(bundle);
    assert.equal(candidates.length, 1);
    assert.deepEqual(failures, [
      { organization: 'Northside Clinic', partner: 'Organization/n', message: 'Northside did not answer in time' },
      { organization: 'east.example', partner: undefined, message: 'The organization did not answer.' },
      { organization: 'Westside Clinic', partner: undefined, message: 'the partner answered 502' },
    ]);
  });

  it('leaves out a Patient that names no partner', () => {
    assert.deepEqual(readMatches({ resourceType: 'Bundle', type: 'searchset', entry: [candidate('x', 0.9, 'certain', false)] }).candidates, []);
    assert.deepEqual(readMatches(undefined), { candidates: [], failures: [] });
  });

  it('shows a score as a percentage', () => {
    assert.equal(scoreText(0.934), '93%');
    assert.equal(scoreText(undefined), '—');
  });
});
