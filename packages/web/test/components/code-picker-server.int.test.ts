/**
 * The CodePicker in real Chromium, against a real server's `ValueSet/$expand`: the component
 * harness (test/components/harness.ts) shows it and passes its `/fhir` requests on. Checks
 * what a coder relies on: matches show code and display, the keyboard alone chooses (arrows,
 * Enter) and backs out (Escape), typing pauses and stale answers never win, short input, no
 * match and a failed search each say so, clearing, free text, and labels on every input. What
 * the picker returns is compared with what the API itself answers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../../server/test/fixtures/server.ts';
import { onlyAfterPauses, startHarness, typeNotingPauses, type FhirHandler, type Harness } from './harness.ts';
import { noChromium, SCREENS, unlabelled } from '../e2e/workspace-fixture.ts';

const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

let server: TestServer;
let harness: Harness;

before(async () => {
  if (noChromium) return;
  server = await startTestServer();
  harness = await startHarness();
}, { timeout: 180_000 });

after(async () => {
  await harness?.close();
  await server?.close();
});

/** The widget's FHIR requests, passed to the real server with the test client's token. */
const toServer: FhirHandler = async (url, method, body) => {
  const res = await fetch(`${server.origin}${url.pathname}${url.search}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body ? { 'content-type': 'application/fhir+json' } : {}) },
    ...(body ? { body } : {}),
  });
  return { status: res.status, body: await res.json() };
};

async function open(query = ''): Promise<Page> {
  const { page } = await harness.open('codepicker', toServer, { params: Object.fromEntries(new URLSearchParams(query)), width: 900, height: 700 });
  await page.getByRole('combobox', { name: 'Diagnosis' }).waitFor();
  return page;
}

/** What the API answers for a filter: the expected options, independent of the UI. */
async function apiExpand(system: string, filter: string, count = 20): Promise<{ code: string; display: string }[]> {
  const res = await server.request('GET', `/ValueSet/$expand?url=${encodeURIComponent(`${system}?fhir_vs`)}&filter=${encodeURIComponent(filter)}&count=${count}`);
  assert.equal(res.status, 200);
  return res.json.expansion.contains;
}

const chosen = async (page: Page): Promise<unknown> => {
  const text = await page.getByLabel('Chosen coding').textContent();
  return text === 'none' ? undefined : JSON.parse(text!);
};

describe('CodePicker', { skip: noChromium }, () => {
  it('shows code and display for each match and is chosen with the keyboard alone', async () => {
    const page = await open();
    const expected = await apiExpand(ICD, 'type 2 diab');
    await page.keyboard.press('Tab');
    const box = page.getByRole('combobox', { name: 'Diagnosis' });
    assert.ok(await box.evaluate((e) => e === e.ownerDocument.activeElement), 'Tab reaches the picker');
    await page.keyboard.type('type 2 diab');
    const options = page.getByRole('option');
    await options.first().waitFor();
    assert.equal(await options.count(), expected.length);
    for (const [i, c] of expected.slice(0, 5).entries()) {
      const text = await options.nth(i).textContent();
      assert.ok(text?.includes(c.code) && text.includes(c.display), `option ${i}: ${text}`);
    }
    await page.screenshot({ path: join(SCREENS, 'code-picker-matches.png') });
    // The best match is pre-selected; two arrows down reach the third.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.deepEqual(await chosen(page), { system: ICD, code: expected[2]!.code, display: expected[2]!.display });
    assert.equal(await box.inputValue(), expected[2]!.display);
    assert.equal(await options.count(), 0, 'the list closes');
    assert.deepEqual(await unlabelled(page), []);
    await page.screenshot({ path: join(SCREENS, 'code-picker-chosen.png') });
    await page.context().close();
  });

  it('finds by code, Enter pressed as soon as the list shows takes the best match, and Escape backs out leaving the chosen entry', async () => {
    const page = await open();
    const box = page.getByRole('combobox', { name: 'Diagnosis' });
    await box.click();
    // Whether a match is selected at the moment the first option enters the page: the observer's
    // callback runs right after the change that added it, before the page handles any key.
    await page.evaluate(`new MutationObserver((_, observer) => {
      const options = [...document.querySelectorAll('[role="option"]')];
      if (options.length === 0) return;
      window.firstListSelected = options.some((o) => o.getAttribute('aria-selected') === 'true');
      observer.disconnect();
    }).observe(document.body, { childList: true, subtree: true })`);
    await page.keyboard.type('e11.9');
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate<boolean | undefined>('window.firstListSelected'), true, 'the list never shows without a selected match');
    assert.deepEqual(await chosen(page), { system: ICD, code: 'E11.9', display: 'Type 2 diabetes mellitus without complications' });
    await box.fill('asthma');
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await page.getByRole('option').count(), 0);
    assert.equal(await box.inputValue(), 'Type 2 diabetes mellitus without complications');
    assert.equal((await chosen(page) as { code: string }).code, 'E11.9');
    // Leaving the box after typing puts the chosen entry back too.
    await box.fill('asthma');
    await page.keyboard.press('Tab');
    assert.equal(await box.inputValue(), 'Type 2 diabetes mellitus without complications');
    await page.context().close();
  });

  it('waits for a pause in typing, and a stale answer never replaces a newer one', async () => {
    const page = await open(`?system=${encodeURIComponent(RXNORM)}`);
    const filters: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('$expand')) filters.push(new URL(r.url()).searchParams.get('filter') ?? '');
    });
    // The first search is held back by the network until after the second has been answered.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/ValueSet/$expand*', async (route) => {
      if (new URL(route.request().url()).searchParams.get('filter') === 'amox') await held;
      await route.fallback();
    });
    const box = page.getByRole('combobox', { name: 'Diagnosis' });
    await box.click();
    // A gap of 200 ms or more in the page's own typing may send what was typed so far
    // (typeNotingPauses): such a request is allowed, one between keystrokes typed on time is not.
    const paused = await typeNotingPauses(page, 'amox', 30, 200);
    await page.waitForRequest((r) => r.url().includes('filter=amox'));
    paused.push(...(await typeNotingPauses(page, 'icillin clav', 30, 200)));
    const expected = await apiExpand(RXNORM, 'amoxicillin clav');
    await page.getByRole('option').first().waitFor();
    release();
    await page.waitForTimeout(500);
    const shown = await page.getByRole('option').allTextContents();
    assert.equal(shown.length, expected.length);
    for (const text of shown) assert.match(text, /clavulanate/i);
    if (paused.length === 0) assert.deepEqual(filters, ['amox', 'amoxicillin clav'], 'one search per pause, not per keystroke');
    assert.ok(filters.includes('amox'));
    assert.equal(filters.at(-1), 'amoxicillin clav');
    onlyAfterPauses(filters.slice(0, -1).filter((x) => x !== 'amox'), paused);
    await page.context().close();
  });

  it('says when the input is too short, when nothing matches, and when the search fails', async () => {
    const page = await open();
    const box = page.getByRole('combobox', { name: 'Diagnosis' });
    await box.click();
    await page.keyboard.type('a');
    await page.getByText('Type at least 2 letters or digits').waitFor();
    await page.keyboard.type('sdfqwzx');
    await page.getByText('No ICD-10-CM code matches “asdfqwzx”').waitFor();
    await page.route('**/ValueSet/$expand*', (route) =>
      route.fulfill({ status: 503, contentType: 'application/fhir+json', body: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient', diagnostics: 'The server is busy' }] }) }),
    );
    await box.fill('asthma');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.textContent(), 'Could not search ICD-10-CM: The server is busy');
    await page.screenshot({ path: join(SCREENS, 'code-picker-error.png') });
    await page.context().close();
  });

  it('clears with the clear button or by emptying the box', async () => {
    const page = await open();
    const box = page.getByRole('combobox', { name: 'Diagnosis' });
    await box.click();
    await page.keyboard.type('I10');
    // What a user sees before pressing Enter: the best match highlighted.
    await page.getByRole('option', { selected: true }).waitFor();
    await page.keyboard.press('Enter');
    assert.equal((await chosen(page) as { code: string }).code, 'I10');
    await page.getByRole('button', { name: 'Clear Diagnosis' }).click();
    assert.equal(await chosen(page), undefined);
    assert.equal(await box.inputValue(), '');
    await box.click();
    await page.keyboard.type('I10');
    // What a user sees before pressing Enter: the best match highlighted.
    await page.getByRole('option', { selected: true }).waitFor();
    await page.keyboard.press('Enter');
    await box.fill('');
    assert.equal(await chosen(page), undefined);
    await page.context().close();
  });

  it('keeps typed words uncoded when free text is allowed and no code fits', async () => {
    const page = await open('?free');
    const box = page.getByRole('combobox', { name: 'Diagnosis' });
    await box.click();
    await page.keyboard.type('Grandmother’s quilt');
    await page.getByRole('option', { name: 'Use “Grandmother’s quilt” without a code', selected: true }).waitFor();
    await page.keyboard.press('Enter');
    assert.deepEqual(await chosen(page), { display: 'Grandmother’s quilt' });
    await page.context().close();
  });
});
