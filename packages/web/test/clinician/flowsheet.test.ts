/** The trends tab's pure parts: points from Observations (panel components too) and the flowsheet pivot. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Observation } from '@medplum/fhirtypes';
import { pivotFlowsheet } from '../../src/clinician/trends/flowsheet.ts';
import { labNames, measuresOf, observationPoints, vitalName } from '../../src/clinician/trends/measures.ts';
import { seriesRange, seriesSummary } from '../../src/clinician/trends/chart-summary.ts';

const loinc = (code: string, text?: string) => ({ coding: [{ system: 'http://loinc.org', code }], ...(text ? { text } : {}) });
const cat = (code: string) => [{ coding: [{ code }] }];

const bp = (id: string, when: string, sbp: number, dbp: number): Observation => ({
  resourceType: 'Observation', id, status: 'final', category: cat('vital-signs'), code: loinc('85354-9'), effectiveDateTime: when,
  component: [
    { code: loinc('8480-6'), valueQuantity: { value: sbp, unit: 'mm[Hg]' } },
    { code: loinc('8462-4'), valueQuantity: { value: dbp, unit: 'mm[Hg]' } },
  ],
});
const a1c = (id: string, when: string, value: number, flag?: string): Observation => ({
  resourceType: 'Observation', id, status: 'final', category: cat('laboratory'), code: loinc('4548-4', 'Hemoglobin A1c'), effectiveDateTime: when,
  valueQuantity: { value, unit: '%' }, referenceRange: [{ low: { value: 4 }, high: { value: 5.6 } }],
  ...(flag ? { interpretation: [{ coding: [{ code: flag }] }] } : {}),
});
const hr = (id: string, when: string, value: number): Observation => ({
  resourceType: 'Observation', id, status: 'final', category: cat('vital-signs'), code: loinc('8867-4'), effectiveDateTime: when, valueQuantity: { value, unit: '/min' },
});

const observations = [
  bp('bp2', '2024-05-01T10:00:00Z', 150, 95),
  hr('hr2', '2024-05-01T10:00:00Z', 72),
  hr('hr1b', '2024-01-10T16:00:00Z', 80),
  hr('hr1a', '2024-01-10T09:00:00Z', 64),
  bp('bp1', '2024-01-10T09:00:00Z', 118, 76),
  a1c('l2', '2024-05-02T08:00:00Z', 7.1, 'H'),
  a1c('l1', '2023-06-01T08:00:00Z', 5.4),
];

it('reads panel components and lab values as points, marking the abnormal', () => {
  const points = observationPoints(observations);
  const sys = points.filter((p) => p.measure === '8480-6');
  assert.deepEqual(sys.map((p) => p.value), [150, 118], 'systolic from the BP panel components');
  assert.equal(sys[0]!.abnormal, true, '150 is above the usual range');
  assert.equal(sys[1]!.abnormal, false, '118 is within it');
  const labs = points.filter((p) => p.measure === '4548-4');
  assert.deepEqual(labs.map((p) => [p.value, p.abnormal, p.range?.high]), [[7.1, true, 5.6], [5.4, false, 5.6]], 'A1c with its own reference range');
  assert.deepEqual(seriesRange(labs), { low: 4, high: 5.6 }, 'the band is the latest range');
  assert.ok(seriesSummary({ measure: { code: '4548-4', label: 'A1c', group: 'labs' }, points: labs, color: '#000' }).includes('2 readings'), 'the text alternative counts the readings');
});

it('pivots measures by day, newest day first, the latest reading of a day', () => {
  const points = observationPoints(observations);
  const measures = measuresOf(points, labNames(observations));
  assert.deepEqual(measures.map((m) => m.code), ['8480-6', '8462-4', '8867-4', '4548-4'], 'vitals in their order, then labs');
  assert.equal(measures[3]!.label, 'Hemoglobin A1c', 'a lab is named by its code text');
  const sheet = pivotFlowsheet(points, measures);
  assert.deepEqual(sheet.days, ['2024-05-02', '2024-05-01', '2024-01-10', '2023-06-01'], 'one column per day, newest first');
  const heart = sheet.rows.find((r) => r.measure.code === '8867-4')!;
  assert.equal(heart.cells.get('2024-01-10')?.value, 80, 'the later of two readings on a day');
  assert.equal(heart.cells.get('2023-06-01'), undefined, 'an empty cell where nothing was measured');
  const limited = pivotFlowsheet(points, measures, 2);
  assert.deepEqual(limited.days, ['2024-05-02', '2024-05-01'], 'at most the newest days asked for');
  assert.equal(limited.rows.some((r) => r.cells.size === 0), false, 'rows without a value in those days are left out');
});

it('names vital signs as clinicians do, whatever text the record carries; other observations keep theirs', () => {
  const loinc = (code: string, text: string): Pick<Observation, 'code'> => ({ code: { coding: [{ system: 'http://loinc.org', code }], text } });
  assert.equal(vitalName(loinc('85354-9', 'Blood pressure panel with all children optional')), 'Blood pressure');
  assert.equal(vitalName(loinc('2708-6', 'Oxygen saturation in Arterial blood')), 'Oxygen saturation');
  assert.equal(vitalName(loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry')), 'Oxygen saturation');
  assert.equal(vitalName(loinc('4548-4', 'Hemoglobin A1c')), 'Hemoglobin A1c', 'a lab keeps its own text');
  assert.equal(vitalName({ code: { coding: [{ system: 'urn:other', code: '85354-9' }], text: 'Local BP' } }), 'Local BP', 'only LOINC codes are recognised');
});
