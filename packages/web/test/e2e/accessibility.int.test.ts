/**
 * Accessibility of the main screens, in headless Chromium against a real server with a small
 * demo clinic: axe-core's WCAG 2.0/2.1 A and AA rules (labels, colour contrast, landmarks,
 * headings, ARIA) find no violation on the server's sign-in page, patient search with results,
 * the chart's summary, timeline and trends, and registration, for the physician and for the front
 * desk. No rule is turned off. Then the same screens at tablet sizes (768×1024 and 1024×768): the
 * page never scrolls sideways, no table is cut off, at 768 px the navigation folds behind the
 * burger, the banner wraps and wide tables scroll inside their card. Screenshots go to artifacts/screens/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Patient } from '@medplum/fhirtypes';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, describeViolations } from './axe-audit.ts';
import { noChromium, SCREENS, signIn, startWorkspace, type Workspace } from './workspace-fixture.ts';

describe('accessibility of the main screens in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;
  let patient: Patient;

  before(async () => {
    workspace = await startWorkspace(8);
    const [p] = await workspace.api<Patient>('Patient?_has:Observation:patient:category=laboratory&_has:Condition:patient:clinical-status=active&_sort=family,given&_count=1');
    assert.ok(p?.id && p.name?.[0]?.family, 'the demo has a patient with labs and problems');
    patient = p;
  });
  after(async () => {
    await workspace?.close();
  });

  /** A context whose pages accept the injected axe script (see axe-audit.ts). */
  async function auditPage(width = 1366, height = 900): Promise<{ context: BrowserContext; page: Page }> {
    const context = await workspace.browser.newContext({ viewport: { width, height }, bypassCSP: true });
    context.setDefaultTimeout(60_000);
    return { context, page: await context.newPage() };
  }

  /** Signs in as `user` and lands on the patient search. */
  async function signedIn(user: string, width?: number, height?: number): Promise<{ context: BrowserContext; page: Page }> {
    const opened = await auditPage(width, height);
    await opened.page.goto(`${workspace.origin}/`);
    await signIn(opened.page, user);
    await opened.page.getByLabel('Search patients').waitFor();
    return opened;
  }

  /** Each screen's audit, collected so that one run reports every screen's violations. */
  async function auditAll(screens: [string, (page: Page) => Promise<void>][], page: Page): Promise<string[]> {
    const failures: string[] = [];
    for (const [name, open] of screens) {
      await open(page);
      const violations = await axeViolations(page);
      if (violations.length > 0) failures.push(describeViolations(name, violations));
    }
    return failures;
  }

  const family = () => patient.name![0]!.family!;

  const searchWithResults = async (page: Page) => {
    await page.goto(`${workspace.origin}/`);
    await page.getByLabel('Search patients').fill(family());
    await page.getByRole('table', { name: 'Search results' }).waitFor();
  };
  const chartTab = (tab: string, ready: (page: Page) => Promise<void>) => async (page: Page) => {
    await page.goto(`${workspace.origin}/patients/${patient.id}/${tab}`);
    await page.getByRole('region', { name: 'Patient banner' }).waitFor();
    await ready(page);
  };
  const summary = chartTab('summary', async (page) => {
    await page.getByRole('tab', { name: 'Summary', selected: true }).waitFor();
    await page.getByRole('region', { name: 'Active problems' }).waitFor();
  });
  const timeline = chartTab('timeline', async (page) => {
    await page.locator('.timeline-entry').nth(5).waitFor();
  });
  const trends = chartTab('trends', async (page) => {
    await page.getByRole('table', { name: 'Flowsheet' }).waitFor();
    await page.locator('figure[data-trend] svg.recharts-surface').first().waitFor();
    await page.locator('figure[data-trend] summary').first().click();
  });
  const registration = async (page: Page) => {
    await page.goto(`${workspace.origin}/patients/new`);
    await page.getByRole('form', { name: 'Register a patient' }).waitFor();
  };

  it('finds no WCAG A/AA violation on any main screen, for the physician and the front desk', async () => {
    const failures: string[] = [];

    // The server's own sign-in page, before and after a refused attempt.
    const { context: loginContext, page: login } = await auditPage();
    await login.goto(`${workspace.origin}/`);
    await login.getByLabel('User name').waitFor();
    const loginViolations = await axeViolations(login);
    if (loginViolations.length > 0) failures.push(describeViolations('sign-in page', loginViolations));
    await login.getByLabel('User name').fill('demo.physician');
    await login.getByLabel('Password').fill('not the password');
    await login.getByRole('button', { name: 'Sign in' }).click();
    await login.getByRole('alert').waitFor();
    const refused = await axeViolations(login);
    if (refused.length > 0) failures.push(describeViolations('sign-in page with an error', refused));
    await loginContext.close();

    const physician = await signedIn('demo.physician');
    failures.push(
      ...(await auditAll(
        [
          ['physician: patient search', searchWithResults],
          ['physician: chart summary', summary],
          ['physician: timeline', timeline],
          ['physician: trends', trends],
          ['physician: registration', registration],
        ],
        physician.page,
      )),
    );
    await physician.context.close();

    const frontDesk = await signedIn('demo.frontdesk');
    failures.push(
      ...(await auditAll(
        [
          ['front desk: patient search', searchWithResults],
          ['front desk: chart summary', chartTab('summary', async (page) => void (await page.getByText('Not available to your role').first().waitFor()))],
          ['front desk: registration', registration],
        ],
        frontDesk.page,
      )),
    );
    await frontDesk.context.close();
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  it("finds no WCAG A/AA violation on the chart's editing screens, the inbox and tasks", async () => {
    const tab = (name: string, ready: (page: Page) => Promise<unknown>) =>
      chartTab(name, async (page) => {
        await page.getByRole('tab', { name: name[0]!.toUpperCase() + name.slice(1), selected: true }).waitFor();
        await ready(page);
      });
    const physician = await signedIn('demo.physician');
    const failures = await auditAll(
      [
        ['physician: problems', tab('problems', (page) => page.getByRole('table', { name: 'Problem list' }).waitFor())],
        [
          'physician: add problem',
          async (page) => {
            await page.getByRole('button', { name: 'Add problem' }).click();
            await page.getByRole('dialog', { name: 'Add problem' }).getByRole('combobox', { name: 'Problem' }).waitFor();
          },
        ],
        ['physician: allergies', tab('allergies', (page) => page.getByRole('table', { name: 'Allergies and intolerances' }).or(page.getByText('No allergies recorded.')).first().waitFor())],
        ['physician: medications', tab('medications', (page) => page.getByRole('button', { name: /Add/ }).first().waitFor())],
        ['physician: immunizations', tab('immunizations', (page) => page.getByRole('table', { name: 'Immunizations' }).waitFor())],
        ['physician: notes', tab('notes', (page) => page.getByRole('table', { name: 'Notes' }).locator('tr[data-note]').first().waitFor())],
        [
          'physician: start encounter',
          async (page) => {
            await page.getByRole('button', { name: 'Start encounter' }).click();
            await page.getByRole('dialog', { name: 'Start encounter' }).waitFor();
          },
        ],
        ['physician: vitals entry', chartTab('vitals/new', (page) => page.getByLabel('Systolic BP').waitFor())],
        ['physician: orders', tab('orders', (page) => page.getByRole('table', { name: 'Orders' }).or(page.getByText('No orders.')).first().waitFor())],
        [
          'physician: new lab order',
          async (page) => {
            await page.getByRole('button', { name: 'New lab order' }).click();
            await page.getByRole('combobox', { name: 'Test' }).waitFor();
          },
        ],
        [
          'physician: results inbox',
          async (page) => {
            await page.goto(`${workspace.origin}/inbox`);
            await page.getByRole('heading', { name: 'Results inbox' }).waitFor();
          },
        ],
        [
          'physician: tasks',
          async (page) => {
            await page.goto(`${workspace.origin}/tasks`);
            await page.getByRole('heading', { name: 'My tasks' }).waitFor();
          },
        ],
      ],
      physician.page,
    );
    await physician.context.close();
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  /**
   * The tables cut off by their card: wider than the nearest box that clips them, which does not
   * scroll sideways. (A wide table must scroll inside its card, not lose its last columns.)
   */
  const clippedTables = (page: Page) =>
    page.evaluate<string[]>(`[...document.querySelectorAll('table')].filter((t) => t.offsetParent !== null).flatMap((t) => {
      let box = t.parentElement;
      while (box && box !== document.body && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
      const name = t.getAttribute('aria-label') || t.querySelector('th')?.innerText || 'a table';
      if (!box || box === document.body) return t.getBoundingClientRect().right > window.innerWidth + 0.5 ? [name] : [];
      const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
      return t.getBoundingClientRect().width > box.clientWidth + 1 && !scrolls ? [name] : [];
    })`);

  /** How far the page itself scrolls sideways (0 when everything fits the window). */
  const sidewaysScroll = (page: Page) => page.evaluate<number>('document.scrollingElement.scrollWidth - window.innerWidth');

  for (const [width, height] of [[768, 1024], [1024, 768]] as const) {
    it(`fits the main screens in a ${width}×${height} tablet window`, async () => {
      const { context, page } = await signedIn('demo.physician', width, height);
      const screens: [string, (page: Page) => Promise<void>][] = [
        ['search', searchWithResults],
        ['summary', summary],
        ['timeline', timeline],
        ['trends', trends],
        ['registration', registration],
      ];
      for (const [name, open] of screens) {
        await open(page);
        assert.ok((await sidewaysScroll(page)) <= 0, `${name} at ${width}px: the page does not scroll sideways (${await sidewaysScroll(page)} px too wide)`);
        assert.deepEqual(await clippedTables(page), [], `${name} at ${width}px: no table is cut off by its card`);
        await page.screenshot({ path: `${SCREENS}tablet-${width}-${name}.png`, fullPage: name !== 'timeline' });
      }

      // The navigation: beside the page on a wide tablet, behind the burger on a narrow one.
      const burger = page.getByRole('button', { name: 'Toggle navigation' });
      const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Patients' });
      if (width < 992) {
        assert.ok(await burger.isVisible(), `at ${width}px the navigation folds behind the burger`);
        assert.equal(await nav.isVisible(), false, 'and is hidden until it is opened');
        await burger.click();
        await nav.waitFor({ state: 'visible' });
        await page.screenshot({ path: `${SCREENS}tablet-${width}-navigation.png` });
        await burger.click();
        await nav.waitFor({ state: 'hidden' });
      } else {
        assert.equal(await burger.isVisible(), false, `at ${width}px there is room for the navigation`);
        assert.ok(await nav.isVisible(), 'which is shown beside the page');
      }

      // The banner wraps inside the window; the flowsheet scrolls inside its card.
      await trends(page);
      const banner = page.getByRole('region', { name: 'Patient banner' });
      const box = await banner.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= width, `the banner fits the window: ${JSON.stringify(box)}`);
      assert.ok(await banner.evaluate((e) => e.scrollWidth <= e.clientWidth), 'nothing in the banner overflows it');
      const sheet = page.getByRole('region', { name: 'Flowsheet, scrolls sideways' });
      const [inner, outer] = await sheet.evaluate((e) => [e.scrollWidth, e.clientWidth]);
      assert.ok(inner! > outer!, `the flowsheet has more days than fit (${inner} > ${outer}): they scroll inside the card`);
      assert.ok((await sidewaysScroll(page)) <= 0, 'while the page stays put');
      await context.close();
    });
  }
});
