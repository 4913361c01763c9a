/**
 * The partner directory and duplicate patients screens, end to end in headless Chromium against
 * real servers. Partners: the administrator of clinic A adds hospital B through the form, reads
 * the values to send B, B's side is set up with exactly those values (through the API, as B's
 * administrator would), the connectivity check then succeeds, and disabling (confirmed) turns the
 * partner's Endpoint off. Duplicates: two registrations of one person appear side by side; the
 * front desk merges them (the preview counts what moves), then unmerges, and the FHIR API shows
 * the links and references each time. Each screen is audited with axe.
 *
 * Needs the partners (helper P) and merge (helper M) server parts: on a build without their
 * operations each test is skipped, saying which operations are missing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Endpoint, Observation, Organization, Patient } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, noChromium } from '../e2e/workspace-fixture.ts';
import { auditScreen, missingOperations, openAs, startSite, type Site } from './exchange-fixture.ts';

describe('partner directory and duplicate patients (Chromium)', { skip: noChromium }, () => {
  let a: Site;
  let b: Site;
  let browser: Browser;

  before(async () => {
    [a, b] = await Promise.all([startSite(4), startSite(2)]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  const open = (site: Site, path: string, username: string): Promise<Page> => openAs(browser, site, path, username);


  it('adds a partner, shows what to send it, checks the connection and disables it', async (t) => {
    const missing = await missingOperations(a, ['Organization/$partners', 'Organization/$add-partner', 'Organization/$check-partner', 'Organization/$disable-partner']);
    if (missing) return t.skip(missing);
    const page = await open(a, '/admin/partners', 'demo.admin');
    await page.getByRole('heading', { name: 'Partner organizations' }).waitFor();
    await page.getByRole('button', { name: 'Add a partner' }).click();
    const form = page.getByRole('form', { name: 'Add a partner' });
    // Refused before anything is sent: the URL is not http(s).
    await form.getByLabel('Organization name').fill('Riverside Hospital');
    await form.getByLabel('Partner FHIR base URL').fill('ftp://riverside.example');
    await form.getByRole('button', { name: 'Add partner' }).click();
    await form.getByText('Enter an http:// or https:// URL').first().waitFor();
    await form.getByLabel('Partner FHIR base URL').fill(b.fhirBase);
    await form.getByLabel('Client id the partner gave us').fill('maple-at-riverside');
    await form.getByLabel('Client id we give the partner').fill('riverside-at-maple');
    await auditScreen(page, 'add a partner');
    await form.getByRole('button', { name: 'Add partner' }).click();

    const values = page.getByRole('region', { name: 'Values to send the partner' });
    await values.waitFor();
    const shown = async (label: string) => (await values.locator(`[data-value="${label}"]`).textContent())?.trim();
    assert.equal(await shown('Our FHIR base'), a.fhirBase);
    assert.equal(await shown('Our JWKS URL'), `${a.origin}/exchange/jwks.json`);
    assert.equal(await shown('Their client id'), 'riverside-at-maple');
    assert.equal(await shown('Our client id at their side'), 'maple-at-riverside');
    await page.screenshot({ path: '/tmp/w2-partners-added.png', fullPage: true });
    await auditScreen(page, 'values to send the partner');

    // B's administrator adds A with exactly what the screen said.
    const atB = await b.call('POST', 'Organization/$add-partner', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'name', valueString: 'Maple Primary Care' },
        { name: 'fhirBase', valueUrl: (await shown('Our FHIR base'))! },
        { name: 'partnerClientId', valueString: (await shown('Our client id at their side'))! },
        { name: 'ourClientId', valueString: (await shown('Their client id'))! },
        { name: 'jwksUri', valueUrl: (await shown('Our JWKS URL'))! },
      ],
    });
    assert.equal(atB.status, 201, JSON.stringify(atB.json));
    await values.getByRole('button', { name: 'Done' }).click();

    const partners = await a.call<Bundle>('GET', 'Organization/$partners');
    const org = partners.json.entry?.map((e) => e.resource).find((r): r is Organization => r?.resourceType === 'Organization' && r.name === 'Riverside Hospital');
    assert.ok(org?.id, 'the partner is in the directory');
    const row = page.locator(`[data-partner="${org.id}"]`);
    await row.getByText('Active').waitFor();
    await row.getByRole('button', { name: 'Check the connection to Riverside Hospital' }).click();
    await row.locator('[data-check="ok"]').waitFor();
    await page.screenshot({ path: '/tmp/w2-partners-checked.png', fullPage: true });

    await row.getByRole('button', { name: 'Disable Riverside Hospital' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable Riverside Hospital?' });
    await dialog.getByRole('button', { name: 'Disable partner' }).click();
    await page.locator(`[data-partner="${org.id}"][data-active="false"]`).waitFor();
    const endpoints = await a.search<Endpoint>(`Endpoint?organization=Organization/${org.id}`);
    assert.deepEqual(endpoints.map((e) => e.status), ['off'], 'the partner’s Endpoint is off');
    await auditScreen(page, 'partner list');
    await page.context().close();
  });

  it('merges two registrations of one person with a preview, then unmerges them', async (t) => {
    const missing = await missingOperations(a, ['Patient/$duplicates', 'Patient/$merge', 'Patient/$unmerge']);
    if (missing) return t.skip(missing);
    const person = (given: string, mrn: string): Patient => ({
      resourceType: 'Patient',
      active: true,
      name: [{ use: 'official', given: [given], family: 'Whitfield' }],
      birthDate: '1975-06-14',
      gender: 'female',
      telecom: [{ system: 'phone', value: '555-0142' }],
      address: [{ use: 'home', line: ['42 Orchard Lane'], city: 'Springfield', state: 'IL', postalCode: '62704' }],
      identifier: [{ system: 'urn:continuum:mrn', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, value: mrn }],
    });
    const keep = (await a.call<Patient>('POST', 'Patient', person('Rosalind', 'WF-1001'))).json;
    const dup = (await a.call<Patient>('POST', 'Patient', person('Rosalyn', 'WF-2002'))).json;
    assert.ok(keep.id && dup.id);
    const obs = await a.call<Observation>('POST', 'Observation', { resourceType: 'Observation', status: 'final', code: { text: 'Body weight' }, subject: { reference: `Patient/${dup.id}` }, valueQuantity: { value: 61, unit: 'kg' }, effectiveDateTime: '2026-10-01' });
    assert.equal(obs.status, 201);
    await a.call('POST', 'Condition', { resourceType: 'Condition', code: { text: 'Asthma' }, subject: { reference: `Patient/${dup.id}` } });

    const page = await open(a, '/admin/duplicates', 'demo.frontdesk');
    await page.getByRole('heading', { name: 'Possible duplicate patients' }).waitFor();
    const pair = page.locator(`[data-pair="${[keep.id, dup.id].sort().join('~')}"]`);
    await pair.waitFor();
    await pair.getByText('WF-2002').waitFor();
    assert.equal(await pair.locator('td[data-differs="true"]').count(), 4, 'the name and identifier lines differ, on both sides');
    await page.screenshot({ path: '/tmp/w2-duplicates.png', fullPage: true });
    await auditScreen(page, 'duplicates');

    await pair.getByRole('button', { name: 'Merge…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge two patient records' });
    await dialog.getByRole('radio', { name: new RegExp(`Patient ${keep.id}`) }).check();
    await dialog.locator('[data-preview="ready"]').waitFor();
    const moves = await dialog.getByRole('list', { name: 'What moves' }).textContent();
    assert.match(moves ?? '', /Observation: 1/);
    assert.match(moves ?? '', /Condition: 1/);
    await page.screenshot({ path: '/tmp/w2-merge-preview.png' });
    await auditScreen(page, 'merge preview');
    await dialog.getByRole('button', { name: /^Merge into/ }).click();
    await page.getByRole('status').getByText('is merged into').waitFor();

    const merged = (await a.call<Patient>('GET', `Patient/${dup.id}`)).json;
    assert.equal(merged.active, false);
    assert.deepEqual(merged.link?.map((l) => [l.type, l.other.reference]), [['replaced-by', `Patient/${keep.id}`]]);
    assert.equal((await a.call<Observation>('GET', `Observation/${obs.json.id}`)).json.subject?.reference, `Patient/${keep.id}`, 'the observation moved');

    const row = page.locator(`[data-merged="${dup.id}"]`);
    await row.getByRole('button', { name: /^Unmerge/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Unmerge' }).click();
    await row.waitFor({ state: 'detached' });
    const back = (await a.call<Patient>('GET', `Patient/${dup.id}`)).json;
    assert.notEqual(back.active, false);
    assert.ok(!back.link?.some((l) => l.type === 'replaced-by'), 'the link is gone');
    assert.equal((await a.call<Observation>('GET', `Observation/${obs.json.id}`)).json.subject?.reference, `Patient/${dup.id}`, 'the observation moved back');
    await page.context().close();
  });
});
