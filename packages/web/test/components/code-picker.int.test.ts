/**
 * The CodePicker alone in Chromium, over fixture `ValueSet/$expand` answers (see harness.ts), so
 * that what is asked and when is under the test's control (code-picker-server.int.test.ts
 * runs it against a real server's terminology): a burst of keystrokes sends one request, after
 * the pause; the matches are the fixture's, code and display; the arrows move and Enter returns
 * the FHIR Coding (system, code, display); Escape closes the list and keeps the chosen entry; a
 * slow answer to an older filter never replaces a newer one; the open list passes axe.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from '../e2e/axe-audit.ts';
import { noChromium, SCREENS } from '../e2e/workspace-fixture.ts';
import { onlyAfterPauses, startHarness, typeNotingPauses, until, type FhirHandler, type Harness } from './harness.ts';

const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const CODES: [string, string][] = [
  ['I10', 'Essential (primary) hypertension'],
  ['I11.9', 'Hypertensive heart disease without heart failure'],
  ['I15.0', 'Renovascular hypertension'],
  ['E11.9', 'Type 2 diabetes mellitus without complications'],
  ['J45.909', 'Unspecified asthma, uncomplicated'],
];

/** A `$expand` over CODES: every word of the filter starts a word of the display, or the code starts with it. */
function terminology(delays: Record<string, number> = {}): { handler: FhirHandler; filters: string[] } {
  const filters: string[] = [];
  const handler: FhirHandler = async (url) => {
    if (url.pathname !== '/fhir/ValueSet/$expand') return { status: 404, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] } };
    const filter = url.searchParams.get('filter') ?? '';
    filters.push(filter);
    assert.equal(url.searchParams.get('url'), `${ICD}?fhir_vs`, 'the ICD-10-CM implicit value set');
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    const hits = CODES.filter(([code, display]) => code.toLowerCase().startsWith(filter.toLowerCase()) || words.every((w) => display.toLowerCase().split(/[^a-z0-9]+/).some((d) => d.startsWith(w))));
    await new Promise((resolve) => setTimeout(resolve, delays[filter] ?? 0));
    return { status: 200, body: { resourceType: 'ValueSet', status: 'active', expansion: { timestamp: '2025-01-01T00:00:00Z', total: hits.length, contains: hits.map(([code, display]) => ({ system: ICD, code, display })) } } };
  };
  return { handler, filters };
}

const optionTexts = async (page: Page) => (await page.getByRole('option').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
const chosen = async (page: Page): Promise<unknown> => {
  const text = await page.getByLabel('Chosen coding').textContent();
  return text === 'none' ? undefined : JSON.parse(text!);
};

describe('CodePicker widget', { skip: noChromium }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it('asks once per pause in typing and lists the matches with code and display', async () => {
    const fhir = terminology();
    const { context, page } = await harness.open('codepicker', fhir.handler);
    const box = page.getByRole('combobox', { name: 'Diagnosis' });
    await box.focus();
    // The picker waits after the last key; a gap of 200 ms or more in the page's own typing may
    // already have sent what was typed so far (typeNotingPauses).
    const paused = await typeNotingPauses(page, 'hyper', 40, 200);
    await page.getByRole('option').nth(2).waitFor();
    assert.equal(fhir.filters.at(-1), 'hyper', 'a request for the whole word typed');
    onlyAfterPauses(fhir.filters.slice(0, -1), paused);
    if (paused.length === 0) assert.deepEqual(fhir.filters, ['hyper'], 'one request, for the whole word typed, none for each keystroke');
    assert.deepEqual(await optionTexts(page), ['I10 Essential (primary) hypertension', 'I11.9 Hypertensive heart disease without heart failure', 'I15.0 Renovascular hypertension']);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations('code picker, open', violations));
    await page.screenshot({ path: `${SCREENS}component-code-picker.png` });

    const asked = fhir.filters.length;
    const pausedAgain = await typeNotingPauses(page, ' ess', 40, 200);
    await until(page, `document.querySelectorAll('[role=option]').length === 1`);
    assert.deepEqual(await optionTexts(page), ['I10 Essential (primary) hypertension'], 'more words narrow the list');
    assert.equal(fhir.filters.at(-1), 'hyper ess');
    onlyAfterPauses(fhir.filters.slice(asked, -1), pausedAgain);
    if (pausedAgain.length === 0) assert.equal(fhir.filters.length, asked + 1, 'one more request for the words typed');
    await context.close();
  });

  it('moves with the arrows, returns the Coding on Enter, and Escape closes keeping the choice', async () => {
    const fhir = terminology();
    const { context, page } = await harness.open('codepicker', fhir.handler);
    await page.getByRole('combobox', { name: 'Diagnosis' }).focus();
    await page.keyboard.type('hyper');
    const options = page.getByRole('option');
    await options.nth(2).waitFor();
    const selected = async () => page.locator('[role=option][data-combobox-selected]').innerText();
    await until(page, `!!document.querySelector('[role=option][data-combobox-selected]')`);
    assert.match(await selected(), /^I10/, 'the best match is pre-selected');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.match(await selected(), /^I15\.0/, 'ArrowDown moves down the list');
    await page.keyboard.press('ArrowUp');
    assert.match(await selected(), /^I11\.9/, 'ArrowUp moves back');
    await page.keyboard.press('Enter');
    assert.deepEqual(await chosen(page), { system: ICD, code: 'I11.9', display: 'Hypertensive heart disease without heart failure' }, 'Enter hands the form the FHIR Coding');
    assert.equal(await page.getByRole('combobox', { name: 'Diagnosis' }).inputValue(), 'Hypertensive heart disease without heart failure');
    assert.equal(await page.getByRole('option').count(), 0, 'and closes the list');

    // Typing again opens the list; Escape closes it and puts the chosen entry back.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('asthma');
    await page.getByRole('option', { name: /J45\.909/ }).waitFor();
    assert.equal(await page.getByRole('combobox', { name: 'Diagnosis' }).getAttribute('aria-expanded'), 'true', 'the box says its list is open');
    await page.keyboard.press('Escape');
    await page.getByRole('option', { name: /J45\.909/ }).waitFor({ state: 'hidden' });
    assert.equal(await page.getByRole('combobox', { name: 'Diagnosis' }).getAttribute('aria-expanded'), 'false', 'and that it is closed');
    assert.equal(await page.getByRole('combobox', { name: 'Diagnosis' }).inputValue(), 'Hypertensive heart disease without heart failure', 'Escape restores the chosen entry');
    assert.deepEqual(await chosen(page), { system: ICD, code: 'I11.9', display: 'Hypertensive heart disease without heart failure' }, 'and keeps the Coding');
    await context.close();
  });

  it('never lets a slow answer to an older filter replace a newer one', async () => {
    const fhir = terminology({ hyper: 1500 });
    const { context, page } = await harness.open('codepicker', fhir.handler);
    await page.getByRole('combobox', { name: 'Diagnosis' }).focus();
    await page.keyboard.type('hyper');
    await until(page, `document.body.innerText.includes('Searching')`);
    await page.waitForTimeout(400); // the request for "hyper" is out, and slow
    await page.keyboard.press('Control+A');
    await page.keyboard.type('asthma');
    await until(page, `document.querySelectorAll('[role=option]').length === 1`);
    assert.deepEqual(await optionTexts(page), ['J45.909 Unspecified asthma, uncomplicated']);
    await page.waitForTimeout(1600); // the answer for "hyper" has come by now
    assert.deepEqual(await optionTexts(page), ['J45.909 Unspecified asthma, uncomplicated'], 'the older answer did not replace the newer');
    assert.deepEqual(fhir.filters, ['hyper', 'asthma']);
    await context.close();
  });
});
