/**
 * What the portal's Chromium tests share: the web app's workspace (a real server with a small
 * demo clinic, its database, Chromium; e2e/workspace-fixture.ts) with the portal's OAuth client,
 * pages at phone and desktop sizes, signing in as a demo patient or proxy, and writes as the
 * system client for set-up (a second child for the demo parent).
 *
 * The `continuum-portal` client is registered by the server at every start (P-acct's part of
 * issue 8); until that is merged, the fixture registers it here, the way `ensureWebClient`
 * does, and then the sign-in shows the consent screen a third-party app gets, which the
 * sign-in step accepts.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Resource } from '@medplum/fhirtypes';
import { ClientRegistry } from '../../../server/src/auth/clients.ts';
import { configFromEnv } from '../../../server/src/config.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { signIn, startWorkspace, type Workspace } from '../e2e/workspace-fixture.ts';

export const PORTAL_CLIENT_ID = 'continuum-portal';

export interface PortalWorkspace extends Workspace {
  /** Creates a resource as the system client; the stored copy comes back. */
  create: <T extends Resource>(resource: T) => Promise<T>;
  /** The HTTP status of a GET as the system client: whether a server operation is there (404 until merged). */
  status: (path: string) => Promise<number>;
}

export async function startPortal(demoPatients = 4): Promise<PortalWorkspace> {
  const workspace = await startWorkspace(demoPatients);
  try {
    const clients = new ClientRegistry(workspace.db);
    if (!(await clients.get(PORTAL_CLIENT_ID))) {
      await clients.add({
        clientId: PORTAL_CLIENT_ID,
        tenantId: configFromEnv({}).defaultTenant,
        name: 'Continuum MyHealth',
        auth: 'none',
        redirectUris: [`${workspace.origin}/portal/callback`],
        scope: 'openid fhirUser profile patient/*.rs patient/*.cu',
      });
    }
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
    const status = async (path: string): Promise<number> => {
      const res = await fetch(`${workspace.origin}/fhir/${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      return res.status;
    };
    return { ...workspace, create, status };
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

/** Opens the portal and signs in as `username` on the server's login page (accepting the consent screen if one shows). */
export async function signInPortal(page: Page, origin: string, username: string): Promise<void> {
  await page.goto(`${origin}/portal/`);
  await signIn(page, username);
  const allow = page.getByRole('button', { name: 'Allow', exact: true });
  const home = page.locator('.portal-page');
  await Promise.race([allow.waitFor(), home.waitFor()]);
  if (await allow.isVisible()) await allow.click();
  await home.waitFor();
}
