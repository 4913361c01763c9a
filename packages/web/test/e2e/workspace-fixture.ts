/**
 * What the web app's Chromium tests share: a real server (freshly built app, a small demo clinic,
 * its own test database and data folder), a system token for checking through the FHIR API what
 * the screens show or wrote, headless Chromium, and the steps every test takes: signing in as a
 * demo user on the server's login page, and finding inputs that have no label.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { configFromEnv } from '../../../server/src/config.ts';
import { DEMO_PASSWORD } from '../../../server/src/seed/demo-accounts.ts';
import { silentProgress } from '../../../server/src/seed/progress.ts';
import { startServer, type RunningServer } from '../../../server/src/server.ts';
import { backend, createTestDatabase, type TestDatabase } from '../../../server/test/fixtures/backend.ts';
import { copyClinicData, demoClinic } from './demo-clinic.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENS = fileURLToPath(new URL('../../../../artifacts/screens/', import.meta.url));
const ENSURE_BUILD = fileURLToPath(new URL('../../scripts/ensure-build.mjs', import.meta.url));

/** Why a Chromium test cannot run here, or false. */
export const noChromium = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`;

export interface Workspace {
  origin: string;
  browser: Browser;
  /** The matches (not the includes) of a FHIR search, as the system client. */
  api: <T extends Resource>(path: string) => Promise<T[]>;
  /** A FHIR read, as the system client. */
  read: <T extends Resource>(path: string) => Promise<T>;
  /** The server's database, for fixtures that set up what no API offers. */
  db: TestDatabase['db'];
  close: () => Promise<void>;
}

export async function startWorkspace(demoPatients = 12, env: Record<string, string> = {}): Promise<Workspace> {
  // scripts/test.mjs builds the app once before the test files start, and says so.
  if (!process.env.CONTINUUM_TEST_WEB_BUILT) {
    const built = spawnSync(process.execPath, [ENSURE_BUILD], { stdio: 'inherit' });
    assert.equal(built.status, 0, 'the web app builds');
  }
  // On PGlite the server starts from a copy of a demo clinic seeded once (demo-clinic.ts); on
  // PostgreSQL it seeds its own.
  const clinic = backend === 'pglite' ? await demoClinic(demoPatients) : undefined;
  const database: TestDatabase = await createTestDatabase(clinic?.snapshot);
  const dataDir = mkdtempSync(join(tmpdir(), 'continuum-web-e2e-'));
  if (clinic) copyClinicData(clinic, dataDir);
  let running: RunningServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await running?.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const config = configFromEnv({ PORT: '1', CONTINUUM_DATA_DIR: dataDir, CONTINUUM_BOOTSTRAP_CLIENT_ID: TEST_CLIENT.id, CONTINUUM_BOOTSTRAP_CLIENT_SECRET: TEST_CLIENT.secret, ...env });
    config.port = 0;
    config.host = '127.0.0.1';
    running = await startServer(config, { db: database.db, log: () => undefined, demoPatients, demoProgress: silentProgress, announce: () => undefined });
    const demo = await running.demo;
    const usernames = clinic?.usernames ?? demo?.accounts?.logins.map((l) => l.username) ?? [];
    assert.ok(usernames.includes('demo.physician'), 'the demo clinic and its logins are in');
    const origin = running.url;
    const token = await clientCredentialsToken(origin, TEST_CLIENT);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    mkdirSync(SCREENS, { recursive: true });
    const read = async <T extends Resource>(path: string): Promise<T> => {
      const res = await fetch(`${origin}/fhir/${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, `GET ${path}`);
      return (await res.json()) as T;
    };
    const api = async <T extends Resource>(path: string): Promise<T[]> => {
      const bundle = await read<Bundle<T>>(path);
      return (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource!);
    };
    return { origin, browser, api, read, db: database.db, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * A new browser context and its page at the desktop size (1366×900). A shared CI machine can be
 * slow: page waits end on what they wait for, at most after a minute.
 */
export async function desktopPage(workspace: Workspace): Promise<{ context: BrowserContext; page: Page }> {
  const context = await workspace.browser.newContext({ viewport: { width: 1366, height: 900 } });
  context.setDefaultTimeout(60_000);
  return { context, page: await context.newPage() };
}

/** Signs in on the server's login page as a demo user: the physician unless told. */
export async function signIn(page: Page, username = 'demo.physician'): Promise<void> {
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Every input, select and textarea on the page without an accessible label. */
export async function unlabelled(page: Page): Promise<string[]> {
  // A string, run in the page: this file is compiled for Node, without the DOM's types.
  return page.evaluate<string[]>(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter((e) => (e.labels?.length ?? 0) === 0 && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
    .map((e) => e.outerHTML.slice(0, 120))`);
}

/**
 * Overrides every decision-support card in the order review that asks for a decision, as "not
 * clinically relevant": for tests about ordering itself, on demo patients whose records raise
 * alerts (the alerts have their own tests in cds-alerts.int.test.ts).
 */
export async function overrideAlerts(page: Page): Promise<void> {
  await page.locator('[data-order-checks]:not([data-order-checks="loading"])').waitFor();
  for (const override of await page.getByRole('button', { name: /^Override:/ }).all()) {
    await override.click();
    await page.getByRole('dialog').getByRole('radio', { name: 'Not clinically relevant for this patient' }).check();
    await page.getByRole('dialog').getByRole('button', { name: 'Override', exact: true }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  }
}
