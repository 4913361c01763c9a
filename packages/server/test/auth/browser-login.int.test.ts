/**
 * A real browser through the SMART standalone launch: headless Chromium opens the authorization
 * URL, signs in on the login page, approves the consent screen, and lands on the app's redirect
 * URI with a code; the app exchanges it (PKCE) and reads the patient's own data, and nothing
 * else. Screenshots of the two pages go to bench/results/screens for a human to look at.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, PASSWORD, REDIRECT, type Clinic } from './fixtures.ts';
import { authorizeUrl, pkce, tokenRequest } from './oauth-client.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENS = fileURLToPath(new URL('../../../../bench/results/screens/', import.meta.url));

describe('SMART standalone launch in Chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)` }, () => {
  let server: TestServer;
  let clinic: Clinic;
  let browser: Browser;

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    mkdirSync(SCREENS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in, approves consent, and the app reads only its patient', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    // The app's redirect URI has no server: the browser's request to it is what counts.
    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl(server.origin, { clientId: clinic.appId, redirectUri: REDIRECT, scope: 'openid fhirUser launch/patient patient/*.rs', aud: server.base, challenge }));
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /wrong|locked/i, 'a failed login says so, without saying which part was wrong');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.screenshot({ path: `${SCREENS}smart-login.png` });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Allow Growth Chart/ }).waitFor();
    const consent = await page.locator('ul.scopes').innerText();
    assert.match(consent, /Read all kinds of health data of the selected patient/);
    assert.match(consent, /Know which patient record is open/);
    await page.screenshot({ path: `${SCREENS}smart-consent.png` });
    const back = page.waitForRequest((r) => r.url().startsWith(REDIRECT));
    await page.getByRole('button', { name: 'Allow' }).click();
    const redirected = new URL((await back).url());
    const code = redirected.searchParams.get('code');
    assert.ok(code, redirected.href);
    const tok = await tokenRequest(server.origin, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clinic.appId, code_verifier: verifier });
    assert.equal(tok.status, 200, JSON.stringify(tok.json));
    assert.equal(tok.json.patient, clinic.patientA);
    const token = String(tok.json.access_token);
    const obs = await server.request('GET', '/Observation', { token });
    const ids = (obs.json.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id).sort();
    assert.deepEqual(ids, [clinic.labA, clinic.vitalA].sort());
    assert.equal((await server.request('GET', `/Patient/${clinic.patientB}`, { token })).status, 404);
    await page.close();
  });
});
