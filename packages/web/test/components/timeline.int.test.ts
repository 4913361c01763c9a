/**
 * The chart's Timeline widget alone in Chromium, over fixture FHIR searches (see harness.ts):
 * seven resource types merged into one list, newest first, by dates written here with the
 * fixtures; a first page only, and the next one when the end of the list is scrolled into view
 * (following the API's `next` links, nothing twice) down to "End of the timeline"; a type chip
 * and a date range that change both the list and what is asked of the API; the keyboard (Tab,
 * Space, Enter) for the filters and "Show older entries"; and no axe WCAG A/AA violation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Communication, DocumentReference, Encounter, Immunization, MedicationRequest, Observation, Procedure, Resource } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from '../e2e/axe-audit.ts';
import { noChromium, SCREENS } from '../e2e/workspace-fixture.ts';
import { fixtureFhir, type FixtureResource } from './fixture-fhir.ts';
import { startHarness, until, type Harness } from './harness.ts';

/** Each type's date search parameter, as the FHIR R4 spec defines it. */
const DATE_PARAMS: Record<string, string> = {
  Encounter: 'date', DocumentReference: 'date', Composition: 'date', Observation: 'date', DiagnosticReport: 'date',
  MedicationRequest: 'authoredon', ServiceRequest: 'authored', Immunization: 'date', Procedure: 'date', Communication: 'sent',
};

const PATIENT = 'p1';
const subject = { reference: `Patient/${PATIENT}` };

/** The n-th fixture date: noon UTC, n × 5 days before 1 June 2025, so no two entries share a day. */
const dayOf = (n: number) => new Date(Date.UTC(2025, 5, 1, 12) - n * 5 * 86_400_000).toISOString();

/** A resource of `kind` dated `date`, with that date where its type keeps it. */
function make(kind: string, i: number, date: string): Resource {
  const id = `${kind.toLowerCase()}-${i}`;
  switch (kind) {
    case 'Observation':
      return { resourceType: 'Observation', id, status: 'final', subject, category: [{ coding: [{ code: 'laboratory' }] }], code: { text: `Glucose #${i}` }, effectiveDateTime: date, valueQuantity: { value: 90 + i, unit: 'mg/dL' } } satisfies Observation;
    case 'Encounter':
      return { resourceType: 'Encounter', id, status: 'finished', subject, class: { code: 'AMB', display: 'ambulatory' }, type: [{ text: `Office visit #${i}` }], period: { start: date, end: date } } satisfies Encounter;
    case 'Immunization':
      return { resourceType: 'Immunization', id, status: 'completed', patient: subject, vaccineCode: { text: `Influenza #${i}` }, occurrenceDateTime: date } satisfies Immunization;
    case 'MedicationRequest':
      return { resourceType: 'MedicationRequest', id, status: 'active', intent: 'order', subject, medicationCodeableConcept: { text: `Lisinopril #${i}` }, authoredOn: date } satisfies MedicationRequest;
    case 'Communication':
      return { resourceType: 'Communication', id, status: 'completed', subject, topic: { text: `Message #${i}` }, sent: date } satisfies Communication;
    case 'Procedure':
      return { resourceType: 'Procedure', id, status: 'completed', subject, code: { text: `Spirometry #${i}` }, performedDateTime: date } satisfies Procedure;
    case 'DocumentReference':
      return { resourceType: 'DocumentReference', id, status: 'current', subject, type: { text: `Progress note #${i}` }, date, content: [{ attachment: { contentType: 'text/plain' } }] } satisfies DocumentReference;
    default:
      throw new Error(kind);
  }
}

/** 64 entries: the types interleaved in a fixed pattern, each on its own day. */
const PATTERN = ['Observation', 'Encounter', 'Observation', 'Immunization', 'Observation', 'MedicationRequest', 'Observation', 'Communication', 'Encounter', 'Procedure', 'Observation', 'DocumentReference', 'Observation', 'Encounter', 'Observation', 'MedicationRequest'];
const FIXTURES: FixtureResource[] = Array.from({ length: 64 }, (_, n) => {
  const kind = PATTERN[n % PATTERN.length]!;
  const date = dayOf(n);
  return { resource: make(kind, n, date), date, patient: PATIENT, ...(kind === 'Observation' ? { category: 'laboratory' } : {}) };
});
// Another patient's entries, which must never show.
FIXTURES.push({ resource: make('Encounter', 999, dayOf(0)), date: dayOf(0), patient: 'p2' });

const refOf = (f: FixtureResource) => `${f.resource.resourceType}/${f.resource.id}`;
/** Patient p1's entries of these types, newest first. */
const expected = (keep: (f: FixtureResource) => boolean = () => true) =>
  FIXTURES.filter((f) => f.patient === PATIENT && keep(f)).sort((a, b) => b.date.localeCompare(a.date)).map(refOf);

const shownRefs = (page: Page) => page.locator('.timeline-entry').evaluateAll((es) => es.map((e) => e.getAttribute('data-ref') ?? ''));

describe('Timeline widget', { skip: noChromium }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it('merges every type into one list, newest first, and loads the next page on scroll', async () => {
    const fhir = fixtureFhir(FIXTURES, DATE_PARAMS);
    const { context, page } = await harness.open('timeline', fhir.handler);
    const list = page.getByRole('list', { name: 'Timeline entries' });
    await list.getByRole('listitem').nth(24).waitFor();
    await page.waitForTimeout(300);
    const first = await shownRefs(page);
    assert.deepEqual(first, expected().slice(0, 25), 'the first page: the 25 newest entries of all types, in date order');
    const top = list.getByRole('listitem').first();
    assert.match(await top.innerText(), /Jun 1, 2025\s+RESULT\s+Glucose #0\s+90 mg\/dL/i, 'the newest entry shows its date, type, title and value');
    assert.match(await list.getByRole('listitem').nth(1).innerText(), /May 27, 2025\s+ENCOUNTER\s+Office visit #1/i);
    assert.ok(fhir.requests.every((u) => u.searchParams.get('patient') === PATIENT || u.searchParams.has('_offset')), "only this patient's entries are asked for");
    await page.screenshot({ path: `${SCREENS}component-timeline.png` });

    // Scrolling to the end of the list brings the next page, by the API's next links.
    await page.mouse.wheel(0, 4000);
    await until(page, `document.querySelectorAll('.timeline-entry').length >= 50`);
    assert.deepEqual((await shownRefs(page)).slice(0, 50), expected().slice(0, 50), 'the second page follows on in the same order');
    assert.ok(fhir.requests.some((u) => u.searchParams.has('_offset')), 'a next link was followed');

    // And on to the end.
    for (let i = 0; i < 10 && !(await page.getByText(/End of the timeline/).isVisible()); i++) {
      await page.mouse.wheel(0, 4000);
      await page.waitForTimeout(200);
    }
    await page.getByRole('status').filter({ hasText: 'End of the timeline · 64 entries' }).waitFor();
    const all = await shownRefs(page);
    assert.deepEqual(all, expected(), 'every entry once, in date order');
    assert.equal(new Set(all).size, all.length, 'none twice');
    await context.close();
  });

  it('filters by type and date, asking the API only for what is shown', async () => {
    const fhir = fixtureFhir(FIXTURES, DATE_PARAMS);
    const { context, page } = await harness.open('timeline', fhir.handler);
    await page.locator('.timeline-entry').nth(24).waitFor();

    // Results off: no Observation is listed, and none is asked for again.
    const asked = fhir.requests.length;
    // The chip's input is visually hidden: a pointer clicks its label.
    await page.locator('label').filter({ hasText: /^Results$/ }).click();
    assert.equal(await page.getByRole('checkbox', { name: 'Results' }).isChecked(), false, 'the Results chip is off');
    await until(page, `document.querySelectorAll('.timeline-entry').length > 0 && !document.querySelector('.timeline-entry[data-kind=result]')`);
    await page.waitForTimeout(300);
    const noResults = expected((f) => f.resource.resourceType !== 'Observation');
    assert.deepEqual(await shownRefs(page), noResults.slice(0, 25), 'the other types, in date order');
    const since = fhir.requests.slice(asked);
    assert.ok(since.length > 0 && since.every((u) => !u.pathname.endsWith('/Observation') && !u.pathname.endsWith('/DiagnosticReport')), `no result search after the chip is off: ${since.map((u) => u.pathname).join(', ')}`);

    // A date range: 1 Jan to 31 Mar 2025, both days included.
    await page.getByLabel('From date', { exact: true }).fill('2025-01-01');
    await page.getByLabel('To date', { exact: true }).fill('2025-03-31');
    const ranged = expected((f) => f.resource.resourceType !== 'Observation' && f.date >= '2025-01-01' && f.date < '2025-04-01');
    await until(page, `document.querySelectorAll('.timeline-entry').length === ${ranged.length} && !!document.querySelector('[role=status]')`);
    assert.deepEqual(await shownRefs(page), ranged, 'only the entries within the range');
    const last = fhir.requests.at(-1)!;
    const param = DATE_PARAMS[last.pathname.slice('/fhir/'.length)]!;
    assert.deepEqual(last.searchParams.getAll(param), ['ge2025-01-01', 'le2025-03-31'], 'the range is sent to the API as the date search');

    // Nothing in range.
    await page.getByLabel('From date', { exact: true }).fill('2030-01-01');
    await page.getByLabel('To date', { exact: true }).fill('2030-12-31');
    await page.getByText('Nothing matches these filters').waitFor();
    await context.close();
  });

  it('works from the keyboard and passes the WCAG A/AA rules', async () => {
    const fhir = fixtureFhir(FIXTURES, DATE_PARAMS);
    const { context, page } = await harness.open('timeline', fhir.handler, { height: 2200 });
    // A tall window: pages load until the end of the list is out of view.
    await page.locator('.timeline-entry').nth(24).waitFor();
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations('timeline widget', violations));

    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement.labels[0].innerText.trim()'), 'Encounters', 'the first Tab stop is the first type chip');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement.labels[0].innerText.trim()'), 'Immunizations', 'Tab walks the chips in order');
    await page.keyboard.press('Space');
    await until(page, `document.querySelectorAll('.timeline-entry').length > 0 && !document.querySelector('.timeline-entry[data-kind=immunization]')`);
    assert.equal(await page.getByRole('checkbox', { name: 'Immunizations' }).isChecked(), false, 'Space turned the chip off');
    await page.keyboard.press('Space');
    await until(page, `!!document.querySelector('.timeline-entry[data-kind=immunization]')`);

    // "Show older entries", when the list has not reached the end, is a button Enter presses.
    const more = page.getByRole('button', { name: 'Show older entries' });
    await more.waitFor();
    const before = await page.locator('.timeline-entry').count();
    await more.focus();
    await page.keyboard.press('Enter');
    await until(page, `document.querySelectorAll('.timeline-entry').length > ${before}`);
    assert.deepEqual(await shownRefs(page), expected().slice(0, await page.locator('.timeline-entry').count()), 'the older entries follow in order');
    await context.close();
  });
});
