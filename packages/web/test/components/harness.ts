/**
 * Runs one widget alone in headless Chromium: builds the harness page (index.html + harness.tsx)
 * with Vite into a temporary folder, and opens it at a made-up origin whose every request
 * Playwright answers: the built files from that folder, `/fhir/...` from the test's fixture
 * handler (see fixture-fhir.ts). No server, no database: pure UI with real React, Mantine and
 * browser layout. The test then drives the page with role- and label-based locators.
 * The build is kept between test files, in a folder named after a hash of what it is built from
 * (the app's src/, this folder, the package files): the widget test files share one build.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import { CHROMIUM } from '../e2e/workspace-fixture.ts';

/** The origin the harness page is served at (never resolved: Playwright answers every request). */
export const HARNESS_ORIGIN = 'http://widgets.test';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const WEB = fileURLToPath(new URL('../../', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };

/** What the fixture FHIR handler answers: a status and a JSON body. */
export interface FhirAnswer {
  status: number;
  body: unknown;
}
export type FhirHandler = (url: URL, method: string, body: string | null) => FhirAnswer | Promise<FhirAnswer>;

export interface Harness {
  browser: Browser;
  /** A page showing `widget`, its `/fhir` requests answered by `fhir`. */
  open: (widget: string, fhir: FhirHandler, opts?: { params?: Record<string, string>; width?: number; height?: number }) => Promise<{ context: BrowserContext; page: Page }>;
  close: () => Promise<void>;
}

/** The path, size and modification time of `path` (a file, or every file under a folder), into `hash`. */
function hashTree(hash: ReturnType<typeof createHash>, path: string): void {
  const stat = statSync(path);
  if (!stat.isDirectory()) hash.update(`${path} ${stat.size} ${stat.mtimeMs}\n`);
  else for (const name of readdirSync(path).sort()) hashTree(hash, join(path, name));
}

/**
 * The folder holding the harness build for the current sources, built now if there is none. One
 * test file builds at a time (a lock folder); another that needs the build meanwhile waits for
 * it. The build goes to a folder of its own and is renamed into place when whole.
 */
async function harnessBuild(): Promise<string> {
  const hash = createHash('sha256');
  for (const part of ['src', 'test/components', 'package.json', '../../package-lock.json']) hashTree(hash, join(WEB, part));
  const outDir = join(tmpdir(), `continuum-widgets-${hash.digest('hex').slice(0, 16)}`);
  const built = () => existsSync(join(outDir, 'index.html'));
  const lock = `${outDir}.lock`;
  for (;;) {
    if (built()) return outDir;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another file is building; a lock older than five minutes was left by a build that died.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    if (built()) return outDir;
    const work = mkdtempSync(`${outDir}-building-`);
    const [{ build }, { default: react }] = await Promise.all([import('vite'), import('@vitejs/plugin-react')]);
    try {
      await build({ configFile: false, root: HERE, base: '/', plugins: [react()], logLevel: 'error', build: { outDir: work, emptyOutDir: true, assetsInlineLimit: 0, chunkSizeWarningLimit: 4000 } });
      renameSync(work, outDir);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return outDir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function startHarness(): Promise<Harness> {
  const outDir = await harnessBuild();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

  const serveFile = async (route: Route, path: string) => {
    const file = normalize(join(outDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(outDir)) return route.fulfill({ status: 403, body: 'outside the harness' });
    try {
      return await route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  };

  const open: Harness['open'] = async (widget, fhir, opts = {}) => {
    const context = await browser.newContext({ viewport: { width: opts.width ?? 1100, height: opts.height ?? 800 }, timezoneId: 'UTC', locale: 'en-US' });
    context.setDefaultTimeout(30_000);
    await context.route(`${HARNESS_ORIGIN}/**`, async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/fhir/')) return serveFile(route, url.pathname);
      const answer = await fhir(url, request.method(), request.postData());
      return route.fulfill({ status: answer.status, contentType: 'application/fhir+json', body: JSON.stringify(answer.body) });
    });
    const page = await context.newPage();
    const query = new URLSearchParams({ widget, ...opts.params });
    await page.goto(`${HARNESS_ORIGIN}/index.html?${query.toString()}`);
    return { context, page };
  };

  return {
    browser,
    open,
    close: () => browser.close(),
  };
}

/** Waits until `expression` is true in the page, polling (no eval-based waitForFunction needed). */
export async function until(page: Page, expression: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Types `text` into the focused input `delay` ms a key apart (as `page.keyboard.type` does) and
 * returns the values the input held before each gap of at least `pauseMs` between two of its
 * input events, as the page's own clock saw them. Typing 40 ms a key never pauses on an idle
 * machine, but a browser starved of CPU can take a key late, and a debounced widget then rightly
 * asks for what was typed so far: a test of "one request per pause" allows exactly these.
 */
export async function typeNotingPauses(page: Page, text: string, delay: number, pauseMs: number): Promise<string[]> {
  // Strings run in the page: this file is compiled for Node, without the DOM's types.
  await page.evaluate(`(() => {
    const el = document.activeElement;
    window.__typed = [];
    if (!el.__noting) {
      el.__noting = true;
      el.addEventListener('input', () => window.__typed.push([performance.now(), el.value]));
    }
  })()`);
  await page.keyboard.type(text, { delay });
  const inputs = await page.evaluate<Array<[number, string]>>('window.__typed');
  const paused: string[] = [];
  for (let i = 0; i + 1 < inputs.length; i++) if (inputs[i + 1]![0] - inputs[i]![0] >= pauseMs) paused.push(inputs[i]![1]);
  return paused;
}

/**
 * Asserts that every request in `early` (those before the last) asked for what was typed up to one
 * of the `paused` points from typeNotingPauses: a debounced widget may ask there, never between
 * keys typed on time.
 */
export function onlyAfterPauses(early: readonly string[], paused: readonly string[]): void {
  const points = paused.map((p) => p.trim());
  for (const f of early) assert.ok(points.includes(f), `a request for '${f}' only after a pause in typing (pauses after: ${JSON.stringify(paused)})`);
}
