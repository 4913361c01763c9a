/**
 * Referrals and partner messages between two real Continuum servers (clinic A, hospital B, made
 * partners of each other through `$add-partner`), end to end in headless Chromium. A's physician
 * refers a patient to B from the chart; B's physician finds it under incoming referrals, accepts,
 * schedules and completes it with a consult report; A's chart then shows the referral completed
 * with the report returned, and the report opens. Then A writes to B with a file from the inbox's
 * partner messages, B reads it and replies, and A reads the reply. Each step is checked through
 * both FHIR APIs; the screens are audited with axe.
 *
 * Needs the partners (helper P) and referrals (helper R) server parts: on a build without their
 * operations the tests are skipped, saying which operations are missing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Communication, Patient, Task } from '@medplum/fhirtypes';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EXTERNAL_TAG, REFERRAL_TASK_CODE, token } from '../../src/exchange/referrals/codes.ts';
import { CHROMIUM, noChromium } from '../e2e/workspace-fixture.ts';
import { auditScreen, missingOperations, openAs, pairSites, startSite, type Site } from './exchange-fixture.ts';

const NEEDED = ['Organization/$partners', 'Organization/$add-partner', 'Patient/$refer', 'Task/$referral-receive', 'Task/$referral-respond', 'Task/$referral-update', 'Communication/$send-to-partner', 'Communication/$partner-receive'];

describe('referrals and partner messages between two organizations (Chromium)', { skip: noChromium }, () => {
  let a: Site;
  let b: Site;
  let browser: Browser;
  let skip: string | false = false;
  let patient: Patient = { resourceType: 'Patient' };

  before(async () => {
    [a, b] = await Promise.all([startSite(4), startSite(2)]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    skip = (await missingOperations(a, NEEDED)) || (await missingOperations(b, NEEDED));
    if (skip) return;
    await pairSites(a, b);
    const [first] = await a.search<Patient>('Patient?birthdate=le2005-01-01&_sort=family&_count=1');
    assert.ok(first?.id, 'an adult demo patient at A');
    patient = first;
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  const open = (site: Site, path: string, username = 'demo.physician'): Promise<Page> => openAs(browser, site, path, username);


  async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
    await page.getByRole('textbox', { name: label }).click();
    await page.getByRole('option', { name: option }).click();
  }

  it('A refers a patient to B; B accepts, schedules and completes it with a report; A reads the report', async (t) => {
    if (skip) return t.skip(skip);
    const pageA = await open(a, `/patients/${patient.id}/referrals`);
    await pageA.getByRole('heading', { name: 'Referrals', exact: true }).waitFor();
    await pageA.getByRole('button', { name: 'Refer to another organization' }).click();
    const form = pageA.getByRole('form', { name: 'Refer to another organization' });
    await form.getByRole('button', { name: 'Send referral' }).click();
    await form.getByText('Choose the organization to refer to.').waitFor();
    await choose(pageA, 'Refer to', 'Riverside Hospital');
    await choose(pageA, 'Specialty', 'Cardiology');
    await choose(pageA, 'Priority', 'Urgent');
    await form.getByLabel('Reason for referral').fill('Exertional chest pain, abnormal stress ECG');
    await form.getByLabel('Note to the receiving clinician').fill('Please assess for coronary disease.');
    await auditScreen(pageA, 'refer form');
    await form.getByRole('button', { name: 'Send referral' }).click();
    await pageA.getByRole('status').getByText('Referral sent to Riverside Hospital.').waitFor();
    const sent = pageA.locator('[data-direction="outgoing"][data-state="requested"]');
    await sent.waitFor();
    await sent.getByText('Exertional chest pain').waitFor();
    const [taskA] = await a.search<Task>(`Task?code=${encodeURIComponent(token(REFERRAL_TASK_CODE))}&patient=Patient/${patient.id}`);
    assert.equal(taskA?.status, 'requested');
    assert.equal(taskA?.priority, 'urgent');
    await pageA.screenshot({ path: '/tmp/w2-chart-referral-sent.png', fullPage: true });

    const pageB = await open(b, '/referrals');
    await pageB.getByRole('heading', { name: 'Incoming referrals' }).waitFor();
    const incoming = pageB.locator('[data-direction="incoming"]').filter({ hasText: 'Exertional chest pain' });
    await incoming.getByText('From Maple Primary Care').waitFor();
    await auditScreen(pageB, 'incoming referrals');
    const respond = async (action: string, dialogTitle: string, fill?: (p: Page) => Promise<void>, state?: string) => {
      await incoming.getByRole('button', { name: action, exact: true }).click();
      const dialog = pageB.getByRole('dialog', { name: dialogTitle });
      await fill?.(pageB);
      await dialog.getByRole('button', { name: action, exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      if (state) await pageB.locator(`[data-direction="incoming"][data-state="${state}"]`).filter({ hasText: 'Exertional chest pain' }).waitFor();
    };
    await respond('Accept', 'Accept the referral', undefined, 'accepted');
    await respond('Schedule', 'Schedule the appointment', (p) => p.getByLabel('Appointment date and time').fill('2026-12-15T10:30'), 'scheduled');
    await incoming.getByText(/Scheduled for Dec 15, 2026/).waitFor();
    await pageB.screenshot({ path: '/tmp/w2-referrals-incoming.png', fullPage: true });
    await respond('Complete with report', 'Complete the referral', (p) => p.getByLabel('Consult report').fill('Stress echo: inducible ischemia in the LAD territory.\nStarted aspirin; angiography booked.'), 'completed');

    // A is told: its Task completed with the report as output.
    let done: Task | undefined;
    for (let i = 0; i < 100; i++) {
      done = (await a.call<Task>('GET', `Task/${taskA.id ?? ""}`)).json;
      if (done.status === 'completed') break;
      await pageA.waitForTimeout(100);
    }
    assert.equal(done?.status, 'completed');
    assert.ok(done?.output?.some((o) => o.valueReference?.reference?.startsWith('DocumentReference/')), 'the report is the output');
    await pageA.reload();
    const returned = pageA.locator('[data-direction="outgoing"][data-state="completed"]');
    await returned.locator('li[data-step="report"][data-done="true"]').waitFor();
    await returned.locator('li[data-step="scheduled"]').getByText(/Dec 15, 2026/).waitFor();
    await returned.getByRole('button', { name: 'Open the report' }).click();
    await pageA.getByRole('dialog').getByText('inducible ischemia in the LAD territory').waitFor();
    await pageA.screenshot({ path: '/tmp/w2-chart-report.png', fullPage: true });
    await auditScreen(pageA, 'returned report');
    await pageA.context().close();
    await pageB.context().close();
  });

  it('A writes to B with a file; B reads it and replies; A reads the reply', async (t) => {
    if (skip) return t.skip(skip);
    const pageA = await open(a, '/inbox?view=partners');
    await pageA.getByRole('heading', { name: 'Partner messages' }).waitFor();
    await pageA.getByRole('button', { name: 'New message' }).click();
    const form = pageA.getByRole('form', { name: 'New message to a partner' });
    await choose(pageA, 'To', 'Riverside Hospital');
    const family = patient.name?.[0]?.family ?? '';
    await pageA.getByRole('textbox', { name: 'About patient (optional)' }).fill(family);
    await pageA.getByRole('option', { name: new RegExp(family) }).first().click();
    await form.getByLabel('Subject').fill('Medication list before the visit');
    await form.getByLabel('Message').fill('Attached is the current medication list.');
    await form.locator('input[type="file"]').setInputFiles({ name: 'medications.txt', mimeType: 'text/plain', buffer: Buffer.from('amlodipine 5 mg daily\n') });
    await auditScreen(pageA, 'new partner message');
    await form.getByRole('button', { name: 'Send' }).click();
    await pageA.getByRole('status').getByText('Message sent to Riverside Hospital.').waitFor();

    const pageB = await open(b, '/inbox?view=partners');
    const item = pageB.getByRole('list', { name: 'Messages received from partners' }).getByText('Medication list before the visit');
    await item.click();
    const message = pageB.getByRole('region', { name: 'Message: Medication list before the visit' });
    await message.getByText('Attached is the current medication list.').waitFor();
    await message.getByRole('link', { name: /medications\.txt/ }).waitFor();
    await pageB.screenshot({ path: '/tmp/w2-partner-message.png', fullPage: true });
    await auditScreen(pageB, 'partner message');
    const [stored] = (await b.search<Communication>(`Communication?_tag=${encodeURIComponent(token(EXTERNAL_TAG))}`)).filter((c) => c.topic?.text === 'Medication list before the visit');
    assert.ok(stored?.payload?.some((p) => p.contentAttachment?.title === 'medications.txt'), 'B stored the file');

    await message.getByRole('button', { name: 'Reply' }).click();
    const reply = pageB.getByRole('form', { name: 'Reply to the partner' });
    await reply.getByLabel('Message').fill('Thank you, received.');
    await reply.getByRole('button', { name: 'Send' }).click();
    await pageB.getByRole('status').getByText('Message sent to Maple Primary Care.').waitFor();

    await pageA.reload();
    await pageA.getByRole('list', { name: 'Messages received from partners' }).getByText('Re: Medication list before the visit').click();
    await pageA.getByRole('region', { name: 'Message: Re: Medication list before the visit' }).getByText('Thank you, received.').waitFor();
    await pageA.context().close();
    await pageB.context().close();
  });
});
