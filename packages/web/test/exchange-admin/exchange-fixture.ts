/**
 * What the exchange screens' Chromium tests share: one or two real Continuum servers (each its
 * own test database, data folder, small demo clinic and fixed loopback port, so each knows its
 * public origin for the exchange), a system token per server, signing in as a demo user
 * (the administrator with its TOTP code), making two servers partners of each other through
 * `$add-partner`, and a probe for operations that are not in this build yet.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle, CapabilityStatement, Parameters, Resource } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, describeViolations } from '../e2e/axe-audit.ts';
import { copyClinicData, demoClinic } from '../e2e/demo-clinic.ts';
import { unlabelled } from '../e2e/workspace-fixture.ts';
import { configFromEnv } from '../../../server/src/config.ts';
import { DEMO_PASSWORD } from '../../../server/src/seed/demo-accounts.ts';
import { silentProgress } from '../../../server/src/seed/progress.ts';
import { startServer, type RunningServer } from '../../../server/src/server.ts';
import { totpCode } from '../../../server/src/identity/totp.ts';
import { backend, createTestDatabase, type TestDatabase } from '../../../server/test/fixtures/backend.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';

const ENSURE_BUILD = fileURLToPath(new URL('../../scripts/ensure-build.mjs', import.meta.url));

export interface Site {
  origin: string;
  fhirBase: string;
  token: string;
  adminTotpSecret: string | undefined;
  /** When the demo accounts were in (the administrator's TOTP enrolment used that time step's code). */
  seededAt: number;
  /** A FHIR call as the system client: status and parsed body. */
  call: <T = Resource>(method: string, path: string, body?: unknown) => Promise<{ status: number; json: T }>;
  /** The matches of a search, as the system client. */
  search: <T extends Resource>(path: string) => Promise<T[]>;
  close: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A real server with a demo clinic of `demoPatients`, at a fixed loopback port. */
export async function startSite(demoPatients = 4): Promise<Site> {
  if (!process.env.CONTINUUM_TEST_WEB_BUILT) {
    const built = spawnSync(process.execPath, [ENSURE_BUILD], { stdio: 'inherit' });
    assert.equal(built.status, 0, 'the web app builds');
  }
  // On PGlite the site starts from a copy of a demo clinic seeded once (e2e/demo-clinic.ts).
  const clinic = backend === 'pglite' ? await demoClinic(demoPatients) : undefined;
  const database: TestDatabase = await createTestDatabase(clinic?.snapshot);
  const dataDir = mkdtempSync(join(tmpdir(), 'continuum-web-exchange-'));
  if (clinic) copyClinicData(clinic, dataDir);
  let running: RunningServer | undefined;
  const close = async () => {
    await running?.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const config = configFromEnv({ PORT: String(port), CONTINUUM_BASE_URL: origin, CONTINUUM_DATA_DIR: dataDir, CONTINUUM_BOOTSTRAP_CLIENT_ID: TEST_CLIENT.id, CONTINUUM_BOOTSTRAP_CLIENT_SECRET: TEST_CLIENT.secret, CONTINUUM_EXCHANGE_CONSENT: 'opt-out', CONTINUUM_EXCHANGE_PRIVATE_NETWORK: '1' });
    config.host = '127.0.0.1';
    running = await startServer(config, { db: database.db, log: () => undefined, demoPatients, demoProgress: silentProgress, announce: () => undefined });
    const demo = await running.demo;
    const usernames = clinic?.usernames ?? demo?.accounts?.logins.map((l) => l.username) ?? [];
    assert.ok(usernames.includes('demo.physician'), 'the demo clinic and its logins are in');
    const token = await clientCredentialsToken(origin, TEST_CLIENT);
    const call = async <T = Resource>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${origin}/fhir/${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
    };
    const search = async <T extends Resource>(path: string): Promise<T[]> => {
      const res = await call<Bundle<T>>('GET', path);
      assert.equal(res.status, 200, `GET ${path}: ${JSON.stringify(res.json).slice(0, 300)}`);
      return (res.json.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource!);
    };
    return { origin, fhirBase: `${origin}/fhir`, token, adminTotpSecret: clinic?.adminTotpSecret ?? demo?.accounts?.adminTotpSecret, seededAt: Date.now(), call, search, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Why a test cannot run on this build: the operations it needs that the server's
 * CapabilityStatement does not list (their part is not merged yet), or false when all are there.
 * `ops` are `Type/$name`, e.g. `Organization/$partners`.
 */
export async function missingOperations(site: Site, ops: readonly string[]): Promise<string | false> {
  const res = await site.call<CapabilityStatement>('GET', 'metadata');
  assert.equal(res.status, 200);
  const served = new Set((res.json.rest ?? []).flatMap((r) => r.resource ?? []).flatMap((r) => (r.operation ?? []).map((o) => `${r.type}/$${o.name}`)));
  const missing = ops.filter((o) => !served.has(o));
  return missing.length === 0 ? false : `this build does not serve ${missing.join(', ')} yet (needs the server parts merged)`;
}

/** Signs in on the server's login page; the administrator also gives its TOTP code. */
export async function signInAs(page: Page, site: Site, username: string): Promise<void> {
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  if (username === 'demo.admin') {
    assert.ok(site.adminTotpSecret, 'the demo administrator has a TOTP secret');
    // A TOTP code counts once: the enrolment used the seeding time step's, so wait for a later step.
    while (Math.floor(Date.now() / 30_000) <= Math.floor(site.seededAt / 30_000)) await new Promise((r) => setTimeout(r, 500));
    await page.locator('#otp').fill(await totpCode(site.adminTotpSecret, new Date()));
  }
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A desktop page of `site` at `path`, signed in as `username` (the sign-in returns to `path`). */
export async function openAs(browser: Browser, site: Site, path: string, username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  await page.goto(`${site.origin}${path}`);
  await signInAs(page, site, username);
  await page.waitForURL(new RegExp(path.replace(/[/?]/g, '\\$&')));
  return page;
}

/** axe finds no violation on the screen, and every field has a label. */
export async function auditScreen(page: Page, screen: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], describeViolations(screen, violations));
  // Mantine's autosize Textarea keeps a hidden copy (aria-hidden, out of the tab order) to measure itself.
  assert.deepEqual((await unlabelled(page)).filter((e) => !e.includes('aria-hidden="true"') && !e.includes('display: none')), [], `${screen}: every field has a label`);
}

const param = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name);

/** `site` adds `other` as its partner through the API; the answer's values for the other side. */
export async function addPartner(site: Site, other: Site, name: string, ids: { partnerClientId: string; ourClientId: string }): Promise<{ organizationId: string; ourFhirBase: string; ourJwksUri: string }> {
  const res = await site.call<Parameters>('POST', 'Organization/$add-partner', {
    resourceType: 'Parameters',
    parameter: [
      { name: 'name', valueString: name },
      { name: 'fhirBase', valueUrl: other.fhirBase },
      { name: 'partnerClientId', valueString: ids.partnerClientId },
      { name: 'ourClientId', valueString: ids.ourClientId },
      { name: 'jwksUri', valueUrl: `${other.origin}/exchange/jwks.json` },
    ],
  });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return {
    organizationId: param(res.json, 'organization')!.valueReference!.reference!.replace('Organization/', ''),
    ourFhirBase: param(res.json, 'ourFhirBase')!.valueUrl!,
    ourJwksUri: param(res.json, 'ourJwksUri')!.valueUrl!,
  };
}

/** Makes A and B partners of each other; answers each side's Organization id of the other. */
export async function pairSites(a: Site, b: Site): Promise<{ bAtA: string; aAtB: string }> {
  // ourClientId: who the adding side is at the other; partnerClientId: who the other is here.
  const bAtA = (await addPartner(a, b, 'Riverside Hospital', { ourClientId: 'maple-at-riverside', partnerClientId: 'riverside-at-maple' })).organizationId;
  const aAtB = (await addPartner(b, a, 'Maple Primary Care', { ourClientId: 'riverside-at-maple', partnerClientId: 'maple-at-riverside' })).organizationId;
  return { bAtA, aAtB };
}
