/**
 * The plain-language reading of lab results: each flag (from the lab's interpretation, or the
 * value against its range) gives a sentence that names the range, critical flags say who looks at
 * them without alarming words, and a value without a range says so.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from '@medplum/fhirtypes';
import { explainResult, FLAG_GLOSSARY, testName } from '../../src/portal/result-explain.ts';

const V3 = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

function lab(value: number | undefined, low: number | undefined, high: number | undefined, flag?: string): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'Hemoglobin A1c' },
    ...(value !== undefined ? { valueQuantity: { value, unit: '%' } } : {}),
    ...(low !== undefined || high !== undefined
      ? { referenceRange: [{ ...(low !== undefined ? { low: { value: low, unit: '%' } } : {}), ...(high !== undefined ? { high: { value: high, unit: '%' } } : {}) }] }
      : {}),
    ...(flag ? { interpretation: [{ coding: [{ system: V3, code: flag }] }] } : {}),
  };
}

test('a value above its range reads "Above the normal range" with the range', () => {
  const e = explainResult(lab(6.1, 4, 5.6, 'H'));
  assert.equal(e.flag, 'H');
  assert.equal(e.label, 'High');
  assert.equal(e.tone, 'outside');
  assert.equal(e.sentence, 'Above the normal range (4–5.6 %).');
});

test('without the lab\'s flag, the value against the range decides', () => {
  assert.equal(explainResult(lab(3.2, 4, 5.6)).sentence, 'Below the normal range (4–5.6 %).');
  assert.equal(explainResult(lab(5, 4, 5.6)).sentence, 'Within the normal range (4–5.6 %).');
  assert.equal(explainResult(lab(5, 4, 5.6)).tone, 'normal');
  assert.equal(explainResult(lab(250, undefined, 199)).sentence, 'Above the normal range (≤ 199 %).');
});

test('the lab\'s normal flag wins over a stale range', () => {
  const e = explainResult(lab(6.1, 4, 5.6, 'N'));
  assert.equal(e.label, 'Normal', 'N: the lab said normal (its range may depend on age or sex)');
  assert.equal(e.sentence, 'The lab marked this result as normal.', 'not "within the range" for a value the printed range does not hold');
});

test('critical flags name the prompt review, not a diagnosis', () => {
  for (const [flag, words] of [['HH', 'Well above the normal range'], ['LL', 'Well below the normal range']] as const) {
    const e = explainResult(lab(flag === 'HH' ? 14 : 2, 4, 5.6, flag));
    assert.equal(e.tone, 'critical', flag);
    assert.ok(e.sentence.startsWith(`${words} (4–5.6 %).`), e.sentence);
    assert.match(e.sentence, /prompt review by your care team/);
    assert.doesNotMatch(e.sentence, /danger|emergency|alarming|serious|urgent/i, 'no words beyond the facts');
  }
  assert.equal(explainResult(lab(undefined, undefined, undefined, 'AA')).label, 'Needs prompt review');
});

test('A (abnormal) on a coded result, and a value with no range', () => {
  const abnormal = explainResult({ ...lab(undefined, undefined, undefined, 'A'), valueCodeableConcept: { text: 'Positive' } });
  assert.equal(abnormal.tone, 'outside');
  assert.equal(abnormal.sentence, 'The lab marked this result as outside the normal range.');
  const bare = explainResult(lab(7, undefined, undefined));
  assert.equal(bare.tone, 'unknown');
  assert.equal(bare.sentence, 'The lab gave no normal range to compare this result with.');
});

test('the glossary explains every letter the results page may show', () => {
  const codes = FLAG_GLOSSARY.map((g) => g.code).join(' ');
  for (const letter of ['H', 'L', 'HH', 'LL', 'A']) assert.ok(codes.split(/[ /]+/).includes(letter), `${letter} is explained`);
});

test('a test is named without the bracketed LOINC property', () => {
  assert.equal(testName(lab(6, 4, 5.6)), 'Hemoglobin A1c');
  const loinc = (display: string): Observation => ({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display }] } });
  assert.equal(testName(loinc('Glucose [Mass/volume] in Serum or Plasma')), 'Glucose in Serum or Plasma');
  assert.equal(testName(loinc('Leukocytes [#/volume] in Blood by Automated count')), 'Leukocytes in Blood by Automated count');
  assert.equal(testName({ ...loinc('x'), code: { text: 'Sodium [Moles/volume] in Serum or Plasma' } }), 'Sodium in Serum or Plasma', 'the text too');
});
