/**
 * The exchange screens in Chromium against one real server with a small demo clinic: the chart's
 * "Other organizations" tab for a physician and a front-desk user, and the portal's "Who has my
 * record" for a demo patient. Each screen is checked against what the server itself answers the
 * same user for the same operation (fetched with the page's own token): an error answer must
 * show as an alert carrying the server's text, a Bundle or Parameters as its content. So the test
 * holds on a server without the exchange operations (every call fails, the screens must say so
 * and stay usable) and on one with them (no partners here: nothing found, nothing shared).
 * The full flow between two organizations is in exchange-flow.int.test.ts. Every screen passes
 * axe's WCAG A/AA rules and has no unlabelled input; screenshots go to artifacts/screens/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OperationOutcome, Parameters, Patient } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from '../e2e/axe-audit.ts';
import { noChromium, SCREENS, signIn, startWorkspace, unlabelled, type Workspace } from '../e2e/workspace-fixture.ts';
import { open, PHONE, signInPortal, tokenOf } from '../portal/portal-fixture.ts';

interface Answer {
  status: number;
  body: { resourceType?: string; issue?: OperationOutcome['issue']; parameter?: Parameters['parameter']; entry?: unknown[] };
}

/** The server's answer to `method path` with `token`: what the screen must agree with. */
async function ask(origin: string, token: string, method: 'GET' | 'POST', path: string, parameter: Parameters['parameter'] = []): Promise<Answer> {
  const res = await fetch(`${origin}/fhir/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json', ...(method === 'POST' ? { 'content-type': 'application/fhir+json' } : {}) },
    ...(method === 'POST' ? { body: JSON.stringify({ resourceType: 'Parameters', parameter }) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const issueText = (a: Answer): string => (a.body.issue ?? []).map((i) => i.diagnostics ?? i.details?.text ?? '').join('; ');

async function accessible(page: Page, screen: string): Promise<void> {
  await page.waitForFunction('!document.querySelector(\'[aria-label^="Loading"]\')');
  assert.deepEqual(await unlabelled(page), [], `${screen}: every input has a label`);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], describeViolations(screen, violations));
  await page.screenshot({ path: `${SCREENS}exchange-${screen}.png`, fullPage: true });
}

describe('exchange screens against the real server', { skip: noChromium }, () => {
  let ws: Workspace;
  let patient: Patient;

  before(async () => {
    ws = await startWorkspace(4);
    patient = (await ws.api<Patient>('Patient?_count=1&_sort=_id'))[0]!;
  });
  after(async () => {
    await ws?.close();
  });

  /** Opens the patient's "Other organizations" tab signed in as `username`; the page's token comes back. */
  async function chartTab(username: string) {
    const context = await ws.browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true, reducedMotion: 'reduce' });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const token = tokenOf(page);
    await page.goto(`${ws.origin}/patients/${patient.id}/external`);
    await signIn(page, username);
    await page.getByRole('heading', { name: 'Records at other organizations' }).waitFor();
    return { context, page, token: await token };
  }

  for (const [username, screen] of [['demo.physician', 'chart-physician'], ['demo.frontdesk', 'chart-front-desk']] as const) {
    it(`shows ${username} what the server answers to "Find at partner organizations"`, async () => {
      const { context, page, token } = await chartTab(username);
      try {
        const server = await ask(ws.origin, token, 'POST', `Patient/${patient.id}/$external-match`, [{ name: 'purpose', valueCode: 'TREAT' }]);
        const answered = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/$external-match'));
        await page.getByRole('button', { name: 'Find at partner organizations' }).click();
        assert.equal((await answered).status(), server.status, 'the screen asked what the test asked');
        if (server.status >= 400) {
          const alert = page.getByRole('alert');
          await alert.waitFor();
          const text = (await alert.textContent()) ?? '';
          assert.match(text, server.status === 403 ? /^Not allowed to search the partner organizations/ : /^Could not search the partner organizations/);
          assert.ok(text.includes(issueText(server)), `the alert carries the server's reason (${issueText(server)})`);
        } else {
          assert.equal(server.body.resourceType, 'Bundle');
          const matches = (server.body.entry ?? []).length;
          if (matches === 0) await page.getByText('No partner organization has a record that matches this patient.').waitFor();
          else await page.getByRole('table', { name: 'Matches at partner organizations' }).waitFor();
        }
        // The tab stays usable after a failure: the search can be asked again.
        assert.equal(await page.getByRole('button', { name: 'Find at partner organizations' }).isEnabled(), true);
        await accessible(page, screen);
      } finally {
        await context.close();
      }
    });
  }

  it('shows a patient who has their record and their sharing choices as the server answers them', async () => {
    const context = await ws.browser.newContext({ viewport: PHONE, bypassCSP: true, reducedMotion: 'reduce' });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    try {
      const token = tokenOf(page);
      const selfRead = page.waitForRequest((r) => /\/fhir\/Patient\/[^/?$]+$/.test(new URL(r.url()).pathname));
      await signInPortal(page, ws.origin, 'demo.patient1');
      const patientId = new URL((await selfRead).url()).pathname.split('/').pop()!;
      const bearer = await token;
      await open(page, 'Who has my record');
      await page.getByRole('heading', { name: 'Who has my record', level: 1 }).waitFor();
      assert.match(await page.title(), /^Who has my record · /);

      const holders = await ask(ws.origin, bearer, 'GET', `Patient/${patientId}/$data-holders`);
      const section = page.getByRole('region', { name: 'Organizations that have your information' });
      if (holders.status === 404) await section.getByText('This clinic does not share records with other organizations yet.').waitFor();
      else if (holders.status >= 400) await section.getByRole('alert').filter({ hasText: issueText(holders) }).waitFor();
      else {
        const count = (holders.body.parameter ?? []).filter((p) => p.name === 'holder').length;
        if (count === 0) await section.getByText('No other organization has received your information from this clinic.').waitFor();
        else assert.equal(await section.locator('[data-holder]').count(), count);
      }

      const sharing = await ask(ws.origin, bearer, 'GET', `Patient/${patientId}/$exchange-consent`);
      const choices = page.getByRole('region', { name: 'Your sharing choices' });
      if (sharing.status === 404) await choices.getByText('This clinic does not share records with other organizations yet.').waitFor();
      else if (sharing.status >= 400) await choices.getByRole('alert').filter({ hasText: issueText(sharing) }).waitFor();
      else {
        const partners = (sharing.body.parameter ?? []).filter((p) => p.part?.some((x) => x.name === 'organization')).length;
        if (partners === 0) await choices.getByText('This clinic has no partner organizations yet.').waitFor();
        else assert.equal(await choices.locator('[data-sharing]').count(), partners);
      }
      await accessible(page, 'portal-record-holders');
    } finally {
      await context.close();
    }
  });
});
