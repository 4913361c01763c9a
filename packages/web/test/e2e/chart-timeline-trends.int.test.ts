/**
 * The chart's Timeline and Trends tabs end to end, in headless Chromium against a real server
 * with a small demo clinic. Timeline: the first entries are the patient's newest, in the order
 * the FHIR API's own date-sorted searches give (computed here from the API, every page of every
 * type), scrolling loads a further page without duplicates, and a type filter leaves that type
 * out. Trends: the flowsheet's heart-rate and systolic rows equal the API's Observations (the
 * latest of each day), and the blood-pressure chart is drawn with its reference band. Both tabs
 * have deep links that survive a reload. Screenshots (desktop 1366x900, tablet 820x1180) go to
 * artifacts/screens/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Observation, Patient, Resource } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { compareNewestFirst } from '../../src/clinician/timeline/sort-key.ts';
import { TIMELINE_SOURCES, type TimelineKind } from '../../src/clinician/timeline/sources.ts';
import { desktopPage, noChromium, SCREENS, signIn, startWorkspace, type Workspace } from './workspace-fixture.ts';

interface Shown {
  ref: string;
  kind: string;
  key: string;
}

describe('chart timeline and trends in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;

  before(async () => {
    workspace = await startWorkspace();
  });
  after(async () => {
    await workspace?.close();
  });

  /** Every match of a search, following the API's `next` links. */
  async function all<T extends Resource>(path: string): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const bundle: Bundle<T> = await workspace.read<Bundle<T>>(next);
      out.push(...(bundle.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource!));
      const link = bundle.link?.find((l) => l.relation === 'next')?.url;
      next = link ? link.slice(link.indexOf('/fhir/') + '/fhir/'.length) : undefined;
    }
    return out;
  }

  /** The timeline the API describes: each type's date-sorted search, all pages, in one order. */
  async function expectedTimeline(patientId: string, kinds: readonly TimelineKind[]): Promise<Shown[]> {
    const lists = await Promise.all(
      TIMELINE_SOURCES.filter((s) => kinds.includes(s.kind)).map(async (s) => {
        const q = new URLSearchParams({ patient: patientId, ...(s.criteria ?? {}), _sort: `-${s.dateParam}`, _count: '100' });
        return (await all(`${s.type}?${q.toString()}`)).map((r) => {
          const e = s.toEntry(r);
          return { ref: e.ref, kind: e.kind, key: e.sortKey ?? '' };
        });
      }),
    );
    return lists.flat().sort((a, b) => compareNewestFirst(a.key || undefined, b.key || undefined));
  }

  async function shown(page: Page): Promise<Shown[]> {
    return page.evaluate<Shown[]>(`[...document.querySelectorAll('.timeline-entry')].map((e) => ({ ref: e.dataset.ref, kind: e.dataset.kind, key: e.dataset.sortKey }))`);
  }

  /** The shown entries are the expected ones: the same dates in the same order, each a real match. */
  function assertSameOrder(screen: Shown[], expected: Shown[], what: string): void {
    assert.deepEqual(screen.map((s) => s.key), expected.slice(0, screen.length).map((e) => e.key), `${what}: the dates of the newest ${screen.length} entries, in order`);
    const refs = new Map(expected.map((e) => [e.ref, e.key]));
    for (const s of screen) assert.equal(refs.get(s.ref), s.key, `${what}: ${s.ref} is a match of the API with that date`);
    assert.equal(new Set(screen.map((s) => s.ref)).size, screen.length, `${what}: no entry twice`);
  }

  /** Of the demo patients with labs, the one with the most. */
  async function pickPatient(): Promise<Patient> {
    const candidates = await workspace.api<Patient>('Patient?_has:Observation:patient:category=laboratory&_count=12');
    let best: { patient: Patient; total: number } | undefined;
    for (const patient of candidates) {
      const bundle = await workspace.read<Bundle>(`Observation?patient=${patient.id}&category=laboratory&_summary=count`);
      if (!best || (bundle.total ?? 0) > best.total) best = { patient, total: bundle.total ?? 0 };
    }
    assert.ok(best && best.total > 30, 'the demo has a patient with enough results to page through');
    return best.patient;
  }

  it('shows the timeline in date order with infinite scroll and filters, and the trends', async () => {
    const patient = await pickPatient();
    const id = patient.id!;
    const { context, page } = await desktopPage(workspace);
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });

    // A deep link to the timeline: sign in, and land on it.
    await page.goto(`${workspace.origin}/patients/${id}/timeline`);
    await signIn(page);
    await page.waitForURL(`${workspace.origin}/patients/${id}/timeline`);
    const entries = page.locator('.timeline-entry');
    await entries.nth(24).waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Timeline' }).getAttribute('aria-selected'), 'true', 'the Timeline tab is open');

    const everything = await expectedTimeline(id, ['encounter', 'note', 'result', 'order', 'immunization', 'procedure', 'message']);
    assert.ok(everything.length > 50, `the patient has more than two pages of entries (${everything.length})`);
    const first = await shown(page);
    assert.ok(first.length >= 25 && first.length < everything.length, `a first page, not everything (${first.length} of ${everything.length})`);
    assertSameOrder(first, everything, 'first page');
    await page.screenshot({ path: `${SCREENS}chart-timeline-desktop.png` });

    // Scrolling to the end loads the next page.
    await page.locator('.timeline-end').scrollIntoViewIfNeeded();
    await until(page, `document.querySelectorAll('.timeline-entry').length > ${first.length}`);
    await page.getByRole('button', { name: 'Show older entries' }).waitFor();
    const more = await shown(page);
    assert.ok(more.length > first.length && more.length < everything.length, `a further page arrived (${first.length} → ${more.length})`);
    assertSameOrder(more, everything, 'after scrolling');

    // A type filter, from the keyboard: without results.
    const results = page.getByRole('checkbox', { name: 'Results' });
    await results.focus();
    await page.keyboard.press('Space');
    assert.equal(await results.isChecked(), false, 'the Results chip is off');
    await until(page, `document.querySelectorAll('.timeline-entry').length > 0 && document.querySelectorAll('.timeline-entry[data-kind=result]').length === 0`);
    await entries.nth(9).waitFor();
    const filtered = await shown(page);
    assertSameOrder(filtered, await expectedTimeline(id, ['encounter', 'note', 'order', 'immunization', 'procedure', 'message']), 'without results');

    // And a date range: up to the day of the 15th entry shown.
    const day = filtered[Math.min(14, filtered.length - 1)]!.key.slice(0, 10);
    await page.getByLabel('To date', { exact: true }).fill(day);
    await until(page, `[...document.querySelectorAll('.timeline-entry')].length > 0 && [...document.querySelectorAll('.timeline-entry')].every((e) => e.dataset.sortKey <= '${nextDay(day)}T00:00:00.000Z')`);
    const ranged = await shown(page);
    assert.ok(ranged.length > 0 && ranged.every((s) => s.kind !== 'result'), 'the type filter still holds');
    assert.ok(ranged.some((s) => s.key.slice(0, 10) <= day), `entries up to ${day} are listed`);

    // Trends: the flowsheet and the charts.
    await page.getByRole('tab', { name: 'Trends' }).click();
    await page.waitForURL(`${workspace.origin}/patients/${id}/trends`);
    const sheet = page.getByRole('table', { name: 'Flowsheet' });
    await sheet.waitFor();
    const vitals = await all<Observation>(`Observation?patient=${id}&category=vital-signs&_count=200`);
    const latestPerDay = (values: { date: string; value: number }[]): Map<string, number> => {
      const out = new Map<string, { date: string; value: number }>();
      for (const v of values) {
        const d = v.date.slice(0, 10);
        const had = out.get(d);
        if (!had || Date.parse(v.date) > Date.parse(had.date)) out.set(d, v);
      }
      return new Map([...out].map(([d, v]) => [d, v.value]));
    };
    const has = (o: { coding?: { code?: string }[] } | undefined, code: string): boolean => (o?.coding ?? []).some((c) => c.code === code);
    const heart = latestPerDay(vitals.filter((o) => has(o.code, '8867-4')).map((o) => ({ date: o.effectiveDateTime!, value: o.valueQuantity!.value! })));
    const systolicReadings = vitals.flatMap((o) => (o.component ?? []).filter((c) => has(c.code, '8480-6')).map((c) => ({ date: o.effectiveDateTime!, value: c.valueQuantity!.value! })));
    const systolic = latestPerDay(systolicReadings);
    for (const [code, expected] of [['8867-4', heart], ['8480-6', systolic]] as const) {
      assert.ok(expected.size > 0, `the patient has readings of ${code}`);
      const cells = await sheet.locator(`tr[data-measure="${code}"] td`).evaluateAll((tds) =>
        tds.flatMap((td) => {
          const v = td.querySelector('[data-value]');
          return v ? [[td.getAttribute('data-day'), Number(v.getAttribute('data-value'))] as [string, number]] : [];
        }),
      );
      assert.deepEqual(new Map(cells), expected, `the flowsheet row ${code} holds the API's latest reading of each day`);
    }
    const bp = page.locator('figure[data-trend="Blood pressure"]');
    await bp.locator('svg.recharts-surface').waitFor();
    assert.ok((await bp.locator('.recharts-reference-area').count()) >= 1, 'the blood-pressure chart has its reference band');
    assert.ok((await bp.locator('path.recharts-curve').count()) >= 2, 'systolic and diastolic lines are drawn');
    const caption = await bp.locator('figcaption').innerText();
    assert.ok(caption.includes(`Systolic blood pressure: ${systolicReadings.length} readings`), `the chart's text alternative counts the API's readings: ${caption}`);
    await bp.locator('summary').click();
    assert.equal(await bp.getByRole('table', { name: 'Blood pressure values' }).locator('tbody tr').count(), new Set(systolicReadings.map((r) => Date.parse(r.date))).size, 'and its table lists every reading');
    assert.ok((await page.locator('figure[data-trend] svg.recharts-surface').count()) >= 3, 'heart rate, weight and more are charted too');
    await page.screenshot({ path: `${SCREENS}chart-trends-desktop.png`, fullPage: true });

    // Tablet width, by deep link after a reload.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.reload();
    await page.getByRole('table', { name: 'Flowsheet' }).waitFor();
    await page.locator('figure[data-trend="Blood pressure"] svg.recharts-surface').waitFor();
    await page.screenshot({ path: `${SCREENS}chart-trends-tablet.png`, fullPage: true });
    await page.goto(`${workspace.origin}/patients/${id}/timeline`);
    await entries.nth(24).waitFor();
    await page.screenshot({ path: `${SCREENS}chart-timeline-tablet.png` });
    assert.deepEqual(cspErrors, [], 'the Content-Security-Policy blocked nothing');
    await context.close();
  });
});

/**
 * Waits until `expression` is true in the page. (Playwright's waitForFunction compiles a string
 * with eval, which the app's CSP rightly forbids; evaluate does not.)
 */
async function until(page: Page, expression: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    assert.ok(Date.now() < end, `timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The day after `YYYY-MM-DD` (a day's upper bound is the next midnight). */
function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
