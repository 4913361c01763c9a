/**
 * What the portal's Chromium tests share: the web app's workspace (a real server with a small
 * demo clinic, its database, Chromium; e2e/workspace-fixture.ts), pages at phone and desktop
 * sizes, signing in as a demo patient or proxy on the portal's login page, going to a page
 * through the menu, the token a page sends, and writes as the system client for set-up.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Resource } from '@medplum/fhirtypes';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { signIn, startWorkspace, type Workspace } from '../e2e/workspace-fixture.ts';

export interface PortalWorkspace extends Workspace {
  /** Creates a resource as the system client; the stored copy comes back. */
  create: <T extends Resource>(resource: T) => Promise<T>;
  /** The system client's bearer token, for writes the fixture has no helper for. */
  token: string;
}

/** `env`: server settings for the test (e.g. `CONTINUUM_MAIL=file:<dir>` to read the mail it sends). */
export async function startPortal(demoPatients = 4, env: Record<string, string> = {}): Promise<PortalWorkspace> {
  const workspace = await startWorkspace(demoPatients, env);
  try {
    const token = await clientCredentialsToken(workspace.origin, TEST_CLIENT);
    const create = async <T extends Resource>(resource: T): Promise<T> => {
      const res = await fetch(`${workspace.origin}/fhir/${resource.resourceType}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', prefer: 'return=representation' },
        body: JSON.stringify(resource),
      });
      if (res.status !== 201) throw new Error(`creating a ${resource.resourceType}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    return { ...workspace, create, token };
  } catch (err) {
    await workspace.close();
    throw err;
  }
}

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

/**
 * A new browser context (downloads allowed) and its page at `viewport`. `forAxe` lets the axe
 * audit inject its script past the page's CSP (see e2e/axe-audit.ts); other contexts keep it.
 */
export async function portalPage(workspace: Workspace, viewport: { width: number; height: number }, forAxe = false): Promise<{ context: BrowserContext; page: Page }> {
  // Reduced motion: the portal then opens dialogs without animation, so screenshots show them settled.
  const context = await workspace.browser.newContext({ viewport, acceptDownloads: true, bypassCSP: forAxe, reducedMotion: 'reduce' });
  context.setDefaultTimeout(60_000);
  return { context, page: await context.newPage() };
}

/** Opens the portal and signs in as `username` on the portal's login page (a first-party client: no consent screen). */
export async function signInPortal(page: Page, origin: string, username: string): Promise<void> {
  await page.goto(`${origin}/portal/`);
  await signIn(page, username);
  await page.locator('.portal-page').waitFor();
}

/** Goes to a portal page through the menu: the side menu on desktop, the tab bar or "More" on a phone. */
export async function open(page: Page, label: string): Promise<void> {
  if ((page.viewportSize()?.width ?? 0) >= 768) {
    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: label, exact: true }).click();
    return;
  }
  const tab = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });
  if (await tab.count()) {
    await tab.click();
    return;
  }
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('dialog', { name: 'All pages' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('dialog', { name: 'All pages' }).waitFor({ state: 'detached' });
}

/** The bearer token the page sends (it lives in the page's memory only). */
export function tokenOf(page: Page): Promise<string> {
  return page.waitForRequest((r) => r.url().includes('/fhir/') && Boolean(r.headers().authorization)).then((r) => r.headers().authorization!.replace(/^Bearer /, ''));
}
