/**
 * The clinician workspace from the keyboard alone, in headless Chromium against a real server
 * with a small demo clinic: every step below is `page.keyboard` (Tab, Shift+Tab, Enter, Space,
 * arrows, typing), never a click. Sign in on the server's page, find a patient, open the chart,
 * skip to the content, switch tabs with the arrows, filter the timeline by type and date, open a
 * trend's values and scroll the flowsheet, then register a patient, whom the FHIR API then holds.
 * Every element the Tab key stops on must show a focus ring (an outline of at least 2 px, or a
 * box shadow), on the element itself or, for a visually hidden input, on its label. The warning
 * before automatic logoff, from the keyboard, is in idle-logoff.int.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Observation, Patient } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../../server/src/seed/demo-accounts.ts';
import { desktopPage, noChromium, SCREENS, startWorkspace, type Workspace } from './workspace-fixture.ts';

interface Focused {
  tag: string;
  role: string;
  name: string;
  /** The focus indicator drawn, or '' when there is none. */
  ring: string;
}

/** What has the focus, and whether a focus ring is drawn around it (or its label). */
const FOCUSED = `(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return { tag: 'body', role: '', name: '', ring: '' };
  const r = e.getBoundingClientRect();
  const hidden = r.width <= 1 || r.height <= 1 || getComputedStyle(e).opacity === '0';
  const shown = hidden && e.labels && e.labels.length > 0 ? e.labels[0] : e;
  const s = getComputedStyle(shown);
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? 'outline ' + s.outlineWidth + ' ' + s.outlineStyle + ' ' + s.outlineColor
    : s.boxShadow && s.boxShadow !== 'none' ? 'box-shadow ' + s.boxShadow : '';
  const label = e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].innerText : '') || e.innerText || e.value || '';
  return { tag: e.tagName.toLowerCase(), role: e.getAttribute('role') || e.getAttribute('type') || '', name: label.trim().replace(/\\s+/g, ' ').slice(0, 80), ring };
})()`;

describe('the workspace from the keyboard alone in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;

  before(async () => {
    workspace = await startWorkspace(8);
  });
  after(async () => {
    await workspace?.close();
  });

  const focused = (page: Page) => page.evaluate<Focused>(FOCUSED);

  /** Presses `key` until the focused element passes `test`; every stop must show its focus ring. */
  async function pressUntil(page: Page, key: string, test: (f: Focused) => boolean, what: string, max = 60): Promise<Focused> {
    const stops: string[] = [];
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(key);
      const f = await focused(page);
      stops.push(`${f.tag}[${f.role}] ${f.name}`);
      if (f.tag !== 'body') assert.ok(f.ring, `the focus ring shows on ${f.tag}[${f.role}] "${f.name}" (on the way to ${what})`);
      if (test(f)) return f;
    }
    assert.fail(`${key} never reached ${what}; it stopped on:\n${stops.join('\n')}`);
  }
  const named = (name: string | RegExp) => (f: Focused) => (typeof name === 'string' ? f.name === name : name.test(f.name));

  /** Waits until `expression` is true in the page (the app's CSP forbids waitForFunction's eval). */
  async function until(page: Page, expression: string, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await page.evaluate<boolean>(expression))) {
      assert.ok(Date.now() < end, `timed out waiting for ${expression}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('signs in, finds a patient, reads the chart and registers a patient without the mouse', async () => {
    const { origin, api } = workspace;
    const [patient] = await api<Patient>('Patient?_has:Observation:patient:category=laboratory&_has:Observation:patient:category=vital-signs&_sort=family,given&_count=1');
    assert.ok(patient?.id && patient.name?.[0]?.family, 'the demo has a patient with labs and vital signs');
    const family = patient.name[0].family;
    const { context, page } = await desktopPage(workspace);

    // The server's sign-in page: the user name has the focus; Enter sends the form.
    await page.goto(`${origin}/`);
    await page.getByLabel('User name').waitFor();
    assert.equal((await focused(page)).name, 'User name', 'the sign-in page opens with the focus on the user name');
    await page.keyboard.type('demo.physician');
    await pressUntil(page, 'Tab', named('Password'), 'the password');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');

    // Patient search: the search box has the focus; the result's link opens the chart.
    await page.getByLabel('Search patients').waitFor();
    assert.equal((await focused(page)).tag, 'input', 'the search box has the focus');
    await page.keyboard.type(family);
    await page.getByRole('table', { name: 'Search results' }).waitFor();
    const link = await pressUntil(page, 'Tab', (f) => f.tag === 'a' && f.name.includes(family), `the link to ${family}`);
    await page.screenshot({ path: `${SCREENS}keyboard-search-focus.png` });
    await page.keyboard.press('Enter');
    await page.waitForURL(`${origin}/patients/${patient.id}/summary`);
    await page.getByRole('region', { name: 'Patient banner' }).waitFor();
    assert.ok(link.name.includes(family), 'the chart opened from the focused link');

    // Skip to content: reached within a few Tabs (Chromium starts from where the clicked link was,
    // so the banner's Invite to portal button and the open tab come first), shown while focused,
    // and it moves the focus to the page.
    const skip = await pressUntil(page, 'Tab', named('Skip to content'), 'the skip link', 4);
    assert.ok(skip.ring, 'the skip link shows its focus');
    const skipBox = await page.getByRole('link', { name: 'Skip to content' }).boundingBox();
    assert.ok(skipBox && skipBox.y >= 0 && skipBox.height > 10, `the skip link is on screen while focused: ${JSON.stringify(skipBox)}`);
    await page.screenshot({ path: `${SCREENS}keyboard-skip-link.png` });
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate<string>('document.activeElement.id'), 'main-content', 'the focus is on the main content');

    // The chart's tabs: Tab reaches the open one, the arrows move between them.
    await pressUntil(page, 'Tab', (f) => f.role === 'tab' && f.name === 'Summary', 'the Summary tab');
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(`${origin}/patients/${patient.id}/timeline`);
    assert.equal((await focused(page)).name, 'Timeline', 'the arrow moved the focus to the Timeline tab');
    await page.locator('.timeline-entry').nth(5).waitFor();

    // Timeline filters: Space turns the Results chip off, the To date is typed.
    await pressUntil(page, 'Tab', named('Results'), 'the Results filter');
    await page.screenshot({ path: `${SCREENS}keyboard-timeline-chip-focus.png` });
    await page.keyboard.press('Space');
    await until(page, `document.querySelectorAll('.timeline-entry').length > 0 && document.querySelectorAll('.timeline-entry[data-kind=result]').length === 0`);
    const keys = await page.locator('.timeline-entry').evaluateAll((es) => es.map((e) => e.getAttribute('data-sort-key') ?? ''));
    const day = keys[Math.min(8, keys.length - 1)]!.slice(0, 10);
    await pressUntil(page, 'Tab', named('To date'), 'the To date');
    const [y, m, d] = day.split('-');
    // A date's entries sort by its upper bound, up to the next midnight.
    const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await page.keyboard.type(`${m}${d}${y}`);
    assert.equal(await page.getByLabel('To date', { exact: true }).inputValue(), day, 'the date typed is the filter');
    await until(page, `[...document.querySelectorAll('.timeline-entry')].length > 0 && [...document.querySelectorAll('.timeline-entry')].every((e) => e.dataset.sortKey <= '${nextDay}T00:00:00.000Z')`);
    const filtered = await page.locator('.timeline-entry').evaluateAll((es) => es.map((e) => [e.getAttribute('data-kind'), e.getAttribute('data-sort-key')]));
    assert.ok(filtered.every(([kind]) => kind !== 'result'), 'still without results');
    assert.ok(filtered.some(([, key]) => key!.slice(0, 10) === day), `the entries of ${day} are listed`);

    // Back to the tabs with Shift+Tab; the arrow opens the trends.
    await pressUntil(page, 'Shift+Tab', (f) => f.role === 'tab' && f.name === 'Timeline', 'the Timeline tab');
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(`${origin}/patients/${patient.id}/trends`);
    await page.getByRole('table', { name: 'Flowsheet' }).waitFor();
    const bp = page.locator('figure[data-trend="Blood pressure"]');
    await bp.locator('svg.recharts-surface').waitFor();
    await pressUntil(page, 'Tab', named('Values of blood pressure'), "the blood pressure chart's values");
    await page.keyboard.press('Enter');
    const values = bp.getByRole('table', { name: 'Blood pressure values' });
    await values.waitFor();
    const readings = await api<Observation>(`Observation?patient=${patient.id}&code=85354-9&_count=200`);
    assert.equal(await values.locator('tbody tr').count(), new Set(readings.map((o) => Date.parse(o.effectiveDateTime!))).size, 'Enter opened the table of every blood pressure reading');
    await pressUntil(page, 'Tab', named('Flowsheet, scrolls sideways'), 'the flowsheet');
    await page.screenshot({ path: `${SCREENS}keyboard-flowsheet-focus.png` });
    const sheet = page.getByRole('region', { name: 'Flowsheet, scrolls sideways' });
    const scrollable = await sheet.evaluate((e) => e.scrollWidth > e.clientWidth);
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    // Chromium scrolls smoothly: the keys' scrolling lands a few frames later.
    if (scrollable) await until(page, `document.querySelector('[aria-label="Flowsheet, scrolls sideways"]').scrollLeft > 0`, 5_000).catch(() => assert.fail('the arrows scroll the flowsheet to older days'));

    // Registration: back to Patients in the navigation, then New patient.
    await pressUntil(page, 'Shift+Tab', (f) => f.tag === 'a' && f.name === 'Patients', 'the Patients link', 80);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${origin}/`);
    await page.getByLabel('Search patients').waitFor();
    await pressUntil(page, 'Tab', named('New patient'), 'New patient');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${origin}/patients/new`);
    await page.getByRole('form', { name: 'Register a patient' }).waitFor();
    assert.match((await focused(page)).name, /^Legal first name/, 'the form opens on the first name');
    const newFamily = `Keyboardson${String(Date.now()).slice(-5).replace(/\d/g, (c) => 'abcdefghij'[Number(c)]!)}`;
    const mrn = `K700-${String(Date.now()).slice(-7)}`;
    await page.keyboard.type('Tabitha');
    await pressUntil(page, 'Tab', named(/^Legal last name/), 'the last name');
    await page.keyboard.type(newFamily);
    await pressUntil(page, 'Tab', named(/^Birth date/), 'the birth date');
    await page.keyboard.type('03141988');
    await pressUntil(page, 'Tab', named(/^Administrative sex/), 'the sex');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const sex = await page.getByLabel('Administrative sex').inputValue();
    assert.ok(sex !== '', `the arrows chose a sex (${sex})`);
    await pressUntil(page, 'Tab', named(/^MRN/), 'the MRN');
    await page.keyboard.type(mrn);
    await page.screenshot({ path: `${SCREENS}keyboard-registration-focus.png`, fullPage: true });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/patients\/[^/]+\/summary$/);
    await page.getByRole('region', { name: 'Patient banner' }).getByRole('heading', { name: `Tabitha ${newFamily}` }).waitFor();

    const [created] = await api<Patient>(`Patient?identifier=${mrn}`);
    assert.ok(created, 'the FHIR API holds the patient registered from the keyboard');
    assert.equal(page.url(), `${origin}/patients/${created.id}/summary`, "and the app opened that patient's chart");
    assert.deepEqual([created.name?.[0]?.given, created.name?.[0]?.family, created.birthDate, created.gender], [['Tabitha'], newFamily, '1988-03-14', sex]);
    await context.close();
  });
});
