/** What the patient search box sends to the FHIR API for each kind of input. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Observation } from '@medplum/fhirtypes';
import { patientQuery } from '../../src/clinician/patient-query.ts';
import { labFlag, observationValue } from '../../src/fhir/format.ts';

const criteria = (input: string) => patientQuery(input)?.filter(([k]) => !k.startsWith('_'));

it('reads names, birth dates, phones and MRNs', () => {
  assert.equal(patientQuery(' a '), undefined, 'one character is not a search');
  assert.deepEqual(criteria('Cook'), [['name', 'Cook']], 'a name');
  assert.deepEqual(criteria('david  co'), [['name', 'david'], ['name', 'co']], 'each word must match a name part');
  assert.deepEqual(criteria('1998-09-17'), [['birthdate', '1998-09-17']], 'an ISO birth date');
  assert.deepEqual(criteria('9/7/1998'), [['birthdate', '1998-09-07']], 'a US birth date');
  assert.deepEqual(criteria('S785-0000002'), [['identifier', 'S785-0000002']], 'an MRN');
  assert.deepEqual(criteria('458 555 0147'), [['phone', '458 555 0147,(458) 555-0147,458-555-0147,4585550147']], 'a phone in the usual spellings');
  assert.deepEqual(patientQuery('Cook')?.filter(([k]) => k.startsWith('_')), [['_count', '20'], ['_sort', 'family,given']], 'a page sorted by name');
});

it('formats values and flags results', () => {
  assert.equal(observationValue({ resourceType: 'Observation', status: 'final', code: {}, valueQuantity: { value: 36.9, unit: 'Cel' } }), '36.9 °C', 'UCUM units as people write them');
  const bp: Observation = { resourceType: 'Observation', status: 'final', code: {}, component: [{ code: {}, valueQuantity: { value: 131, unit: 'mm[Hg]' } }, { code: {}, valueQuantity: { value: 72, unit: 'mm[Hg]' } }] };
  assert.equal(observationValue(bp), '131/72 mmHg', 'blood pressure from its components');
  const flagged = (code: string) => labFlag({ resourceType: 'Observation', status: 'final', code: {}, interpretation: [{ coding: [{ code }] }] });
  assert.equal(flagged('HH'), 'H', 'critical high is high');
  assert.equal(flagged('L'), 'L', 'low');
  assert.equal(flagged('N'), undefined, 'normal is not flagged');
});
