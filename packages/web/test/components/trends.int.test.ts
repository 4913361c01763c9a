/**
 * The chart's Trends widget (flowsheet and trend charts) alone in Chromium, over fixture FHIR
 * searches (see harness.ts): the flowsheet is an accessible table with a column per day, newest
 * first, and a row per measure, each cell the latest value of that day with its unit, values
 * outside the reference range flagged; the A1c chart draws the lab's reference range as a band
 * exactly between 4 and 5.6 on its axis and marks the high point; each chart has a caption and a
 * table of its values behind a keyboard-operable disclosure; the flowsheet scrolls inside its card
 * on a narrow screen; no axe WCAG A/AA violation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Observation } from '@medplum/fhirtypes';
import { axeViolations, describeViolations } from '../e2e/axe-audit.ts';
import { noChromium, SCREENS } from '../e2e/workspace-fixture.ts';
import { fixtureFhir, type FixtureResource } from './fixture-fhir.ts';
import { startHarness, type Harness } from './harness.ts';

const PATIENT = 'p1';
const loinc = (code: string, text?: string) => ({ coding: [{ system: 'http://loinc.org', code }], ...(text ? { text } : {}) });
const category = (code: string) => [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code }] }];

let n = 0;
function vital(date: string, code: string, value: number, unit: string): FixtureResource {
  const resource: Observation = { resourceType: 'Observation', id: `v${++n}`, status: 'final', subject: { reference: `Patient/${PATIENT}` }, category: category('vital-signs'), code: loinc(code), effectiveDateTime: date, valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit } };
  return { resource, date, patient: PATIENT, category: 'vital-signs' };
}
function bloodPressure(date: string, systolic: number, diastolic: number): FixtureResource {
  const q = (value: number) => ({ value, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' });
  const resource: Observation = {
    resourceType: 'Observation', id: `bp${++n}`, status: 'final', subject: { reference: `Patient/${PATIENT}` }, category: category('vital-signs'), code: loinc('85354-9', 'Blood pressure panel'), effectiveDateTime: date,
    component: [{ code: loinc('8480-6'), valueQuantity: q(systolic) }, { code: loinc('8462-4'), valueQuantity: q(diastolic) }],
  };
  return { resource, date, patient: PATIENT, category: 'vital-signs' };
}
function a1c(date: string, value: number, flag?: 'H'): FixtureResource {
  const resource: Observation = {
    resourceType: 'Observation', id: `a1c${++n}`, status: 'final', subject: { reference: `Patient/${PATIENT}` }, category: category('laboratory'), code: loinc('4548-4', 'Hemoglobin A1c'), effectiveDateTime: date,
    valueQuantity: { value, unit: '%', system: 'http://unitsofmeasure.org', code: '%' }, referenceRange: [{ low: { value: 4, unit: '%' }, high: { value: 5.6, unit: '%' } }],
    ...(flag ? { interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: flag }] }] } : {}),
  };
  return { resource, date, patient: PATIENT, category: 'laboratory' };
}

const FIXTURES: FixtureResource[] = [
  bloodPressure('2025-03-10T09:00:00Z', 150, 95),
  bloodPressure('2025-02-10T09:00:00Z', 122, 78),
  bloodPressure('2025-01-10T09:00:00Z', 118, 76),
  vital('2025-03-10T08:00:00Z', '8867-4', 88, '/min'),
  vital('2025-03-10T16:00:00Z', '8867-4', 72, '/min'),
  vital('2025-02-10T09:00:00Z', '8867-4', 64, '/min'),
  vital('2025-01-10T09:00:00Z', '8867-4', 110, '/min'),
  vital('2025-03-10T09:00:00Z', '29463-7', 80, 'kg'),
  a1c('2025-03-10T10:00:00Z', 7.1, 'H'),
  a1c('2025-01-10T10:00:00Z', 5.4),
  // Another patient's reading, which must not show.
  { ...vital('2025-03-11T09:00:00Z', '8867-4', 55, '/min'), patient: 'p2' },
];

describe('Trends widget: flowsheet and charts', { skip: noChromium }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it('shows a flowsheet with a column per day, values with units and flags, as an accessible table', async () => {
    const fhir = fixtureFhir(FIXTURES, { Observation: 'date' });
    const { context, page } = await harness.open('trends', fhir.handler);
    const sheet = page.getByRole('table', { name: 'Flowsheet' });
    await sheet.waitFor();
    assert.deepEqual(
      fhir.requests.map((u) => [u.searchParams.get('category'), u.searchParams.get('_sort')]).sort(),
      [['laboratory', '-date'], ['vital-signs', '-date']],
      'vital signs and labs are each asked for once, newest first',
    );

    // Columns: the measure, then the three days, newest first.
    assert.deepEqual(await sheet.getByRole('columnheader').allInnerTexts(), ['Measure', 'Mar 10, 2025', 'Feb 10, 2025', 'Jan 10, 2025']);
    // Rows: the vital signs in clinical order, then the labs, each under its group's header.
    const groups = sheet.getByRole('rowgroup');
    assert.equal(await groups.count(), 3, 'the header and a row group each for vital signs and labs');
    assert.equal((await groups.nth(1).getByRole('row').first().innerText()).trim(), 'Vital signs');
    assert.deepEqual(await groups.nth(1).getByRole('rowheader').allInnerTexts(), ['Systolic blood pressure', 'Diastolic blood pressure', 'Heart rate', 'Body weight']);
    assert.equal((await groups.nth(2).getByRole('row').first().innerText()).trim(), 'Labs');
    assert.deepEqual(await groups.nth(2).getByRole('rowheader').allInnerTexts(), ['Hemoglobin A1c']);

    const cells = async (measure: string) => sheet.getByRole('row', { name: new RegExp(`^${measure}`) }).getByRole('cell').allInnerTexts();
    const norm = (texts: string[]) => texts.map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(norm(await cells('Systolic blood pressure')), ['150 mmHg !', '122 mmHg', '118 mmHg'], 'systolic from the panels, 150 flagged (usual range to 129)');
    assert.deepEqual(norm(await cells('Diastolic blood pressure')), ['95 mmHg !', '78 mmHg', '76 mmHg']);
    assert.deepEqual(norm(await cells('Heart rate')), ['72 /min', '64 /min', '110 /min !'], "the day's latest heart rate (72 at 16:00, not 88 at 08:00); 110 flagged");
    assert.deepEqual(norm(await cells('Body weight')), ['80 kg', '', '']);
    assert.deepEqual(norm(await cells('Hemoglobin A1c')), ['7.1 % !', '', '5.4 %'], 'the A1c the lab flagged high');
    const flagged = sheet.getByRole('row', { name: /^Heart rate/ }).getByRole('cell').nth(2);
    const normal = sheet.getByRole('row', { name: /^Heart rate/ }).getByRole('cell').nth(0);
    const look = (cell: typeof flagged) => cell.evaluate((e) => { const s = e.ownerDocument.defaultView!.getComputedStyle(e); return [s.color, s.fontWeight]; });
    const [flaggedLook, normalLook] = [await look(flagged), await look(normal)];
    assert.ok(flaggedLook[0] !== normalLook[0] && Number(flaggedLook[1]) >= 700, `the flagged cell stands out, bold in another colour (${flaggedLook.join(' ')} vs ${normalLook.join(' ')})`);
    assert.equal(await flagged.getByLabel('outside the reference range').count(), 1, 'and says so to a screen reader, not only by colour');
    assert.equal(await page.getByText('55 /min').count(), 0, "another patient's reading is not shown");

    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations('trends widget', violations));
    await page.screenshot({ path: `${SCREENS}component-trends.png`, fullPage: true });
    await context.close();
  });

  it('draws the reference range as a band on the chart and marks the points outside it', async () => {
    const fhir = fixtureFhir(FIXTURES, { Observation: 'date' });
    const { context, page } = await harness.open('trends', fhir.handler);
    const chart = page.locator('figure[data-trend="Hemoglobin A1c"]');
    await chart.locator('svg.recharts-surface').waitFor();

    // The band's top and bottom edges sit at 5.6 and 4 on the chart's own y axis.
    const geometry = await chart.evaluate((figure) => {
      const ticks = [...figure.querySelectorAll('.recharts-yAxis .recharts-cartesian-axis-tick-value')].map((t) => ({ value: Number(t.textContent), y: Number(t.getAttribute('y')) }));
      const band = figure.querySelector('.recharts-reference-area path, .recharts-reference-area rect') as unknown as { getBBox: () => { y: number; height: number } } | null;
      const box = band?.getBBox();
      return { ticks, top: box?.y, bottom: box === undefined ? undefined : box.y + box.height };
    });
    assert.ok(geometry.ticks.length >= 2 && geometry.top !== undefined && geometry.bottom !== undefined, `an axis and a band: ${JSON.stringify(geometry)}`);
    const [t0, t1] = [geometry.ticks[0]!, geometry.ticks.at(-1)!];
    const yOf = (value: number) => t0.y + ((value - t0.value) * (t1.y - t0.y)) / (t1.value - t0.value);
    assert.ok(Math.abs(geometry.top - yOf(5.6)) < 1.5, `the band's top is at 5.6 (${geometry.top} vs ${yOf(5.6)})`);
    assert.ok(Math.abs(geometry.bottom - yOf(4)) < 1.5, `the band's bottom is at 4 (${geometry.bottom} vs ${yOf(4)})`);
    assert.equal(await chart.locator('.point-abnormal').count(), 1, 'the high A1c is drawn as an abnormal point');
    assert.equal(await chart.locator('.point').count(), 1, 'the normal one as a normal point');
    assert.equal(await page.locator('figure[data-trend="Blood pressure"] .point-abnormal').count(), 2, 'the 150/95 reading: both lines out of range');
    assert.equal(await page.locator('figure[data-trend="Heart rate"] .point-abnormal').count(), 1, 'the heart rate of 110');

    // The picture is hidden from screen readers; the caption and a values table stand for it.
    assert.equal(await chart.locator('svg').evaluate((svg) => svg.closest('[aria-hidden="true"]') !== null), true, 'the drawing is aria-hidden');
    assert.match(await chart.locator('figcaption').innerText(), /^Hemoglobin A1c\./, 'the caption names the chart');
    const summary = chart.locator('summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    const values = chart.getByRole('table', { name: 'Hemoglobin A1c values' });
    await values.waitFor();
    assert.deepEqual((await values.locator('tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()), ['Mar 10, 2025 7.1 (out of range)', 'Jan 10, 2025 5.4'], 'Enter opens every value, newest first');
    await context.close();
  });

  it('scrolls a wide flowsheet inside its card on a narrow screen, from the keyboard too', async () => {
    // Sixty days of heart rates: far more columns than 700 px hold.
    const many = Array.from({ length: 60 }, (_, i) => vital(new Date(Date.UTC(2024, 0, 1 + i * 3, 9)).toISOString(), '8867-4', 60 + (i % 20), '/min'));
    const fhir = fixtureFhir(many, { Observation: 'date' });
    const { context, page } = await harness.open('trends', fhir.handler, { width: 700, height: 900 });
    const viewport = page.getByRole('region', { name: 'Flowsheet, scrolls sideways' });
    await viewport.getByRole('table', { name: 'Flowsheet' }).waitFor();
    assert.equal(await page.evaluate<number>('document.scrollingElement.scrollWidth - window.innerWidth'), 0, 'the page does not scroll sideways');
    const [inner, outer] = await viewport.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    assert.ok(inner! > outer! * 2, `the table is wider than its card (${inner} > ${outer})`);
    await viewport.focus();
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    // Chromium scrolls smoothly, over several frames after the key press: wait for it to move.
    const scrolled = await page
      .waitForFunction((e) => e!.scrollLeft > 0, await viewport.elementHandle(), { timeout: 5_000 })
      .then(() => true, () => false);
    assert.ok(scrolled, 'the arrow keys scroll it');
    const measure = viewport.getByRole('rowheader', { name: 'Heart rate' });
    const box = await measure.boundingBox();
    assert.ok(box && box.x >= 0 && box.x < 60, `the measure names stay in view while the days scroll (${JSON.stringify(box)})`);
    const group = await viewport.getByText('Vital signs', { exact: true }).boundingBox();
    assert.ok(group && group.x >= 0 && group.x < 80, `so does the name of the group of rows (${JSON.stringify(group)})`);
    await page.screenshot({ path: `${SCREENS}component-trends-narrow.png` });
    await context.close();
  });
});
