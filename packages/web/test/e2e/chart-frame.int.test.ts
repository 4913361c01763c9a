/**
 * The chart's frame in Chromium against a real server and demo clinic: the navigation each role
 * is offered (physician: Patients, Inbox, Tasks, Pending orders; front desk: Patients, Register patient), and
 * the banner's code status, flags and primary care provider and the summary's care team, each
 * checked against what the FHIR API holds for the patient. The front desk, who may not read
 * Flags or CareTeams, is told so rather than shown "none"; a patient they register without an
 * MRN gets the server's next one, and is invited to the portal from the banner (refused without
 * an address, then mailed as an .eml file). Screenshots go to artifacts/screens/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Appointment, CareTeam, Flag, Patient } from '@medplum/fhirtypes';
import { emlFiles, readEml } from '../../../server/test/auth/mail-peer.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { desktopPage, noChromium, SCREENS, signIn, startWorkspace, type Workspace } from './workspace-fixture.ts';
import { axeViolations, describeViolations } from './axe-audit.ts';

const CODE_STATUS = 'urn:continuum:code-status';
/** The banner's short wording for each code status, restated from the product's rule. */
const LABEL: Record<string, string> = { 'full-code': 'Full code', dnr: 'DNR', 'dnr-dni': 'DNR/DNI' };

describe('chart frame in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;
  let patient: Patient;
  let flags: Flag[];
  let teams: CareTeam[];
  const mailDir = mkdtempSync(join(tmpdir(), 'continuum-chart-mail-'));

  before(async () => {
    workspace = await startWorkspace(12, { CONTINUUM_MAIL: `file:${mailDir}` });
    // The patient with the most active flags: a code status, and fall risk when any has it.
    const all = await workspace.api<Flag>('Flag?_count=500');
    const byPatient = new Map<string, Flag[]>();
    for (const f of all.filter((x) => x.status === 'active')) {
      const ref = f.subject.reference ?? '';
      byPatient.set(ref, [...(byPatient.get(ref) ?? []), f]);
    }
    const [ref, mostFlags] = [...byPatient.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0] ?? [];
    assert.ok(ref && mostFlags?.some((f) => f.code.coding?.[0]?.system === CODE_STATUS), 'the demo records a code status');
    patient = await workspace.read<Patient>(ref);
    flags = mostFlags ?? [];
    teams = await workspace.api<CareTeam>(`CareTeam?patient=${patient.id}&status=active`);
    assert.ok(teams.length > 0, 'the demo patient has a care team');
    // Upcoming means booked (or about to be) and not yet past: one of three appointments is.
    const token = await clientCredentialsToken(workspace.origin, TEST_CLIENT);
    const day = 86_400_000;
    const appointment = (status: Appointment['status'], at: number, description: string): Appointment => ({
      resourceType: 'Appointment', status, description, start: new Date(at).toISOString(), end: new Date(at + 1_800_000).toISOString(),
      participant: [{ actor: { reference: `Patient/${patient.id}` }, status: 'accepted' }],
    });
    for (const a of [appointment('booked', Date.now() + 3 * day, 'Fall-risk review'), appointment('cancelled', Date.now() + 4 * day, 'Cancelled visit'), appointment('booked', Date.now() - 20 * day, 'Past visit')]) {
      const res = await fetch(`${workspace.origin}/fhir/Appointment`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(a) });
      assert.equal(res.status, 201, await res.text());
    }
  });
  after(async () => {
    await workspace?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  const navLinks = async (page: Page): Promise<string[]> =>
    (await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).map((t) => t.trim());

  it('shows the physician their navigation, the banner flags and PCP, and the care team the API holds', async () => {
    const { context, page } = await desktopPage(workspace);
    await page.goto(`${workspace.origin}/patients/${patient.id}/summary`);
    await signIn(page);
    const banner = page.getByRole('region', { name: 'Patient banner' });
    await page.locator('[data-summary-ready]').waitFor();

    assert.deepEqual(await navLinks(page), ['Patients', 'Inbox', 'Tasks', 'Pending orders', 'Referrals'], 'a physician gets patients, inbox, tasks, pending orders and referrals');
    assert.equal(await page.getByTestId('user-roles').innerText(), 'Physician');

    const codeStatus = flags.find((f) => f.code.coding?.[0]?.system === CODE_STATUS)!;
    const expected = LABEL[codeStatus.code.coding![0]!.code!]!;
    const status = banner.getByRole('group', { name: 'Code status' });
    assert.equal((await status.locator('[data-code-status]').innerText()).trim(), expected, 'the banner shows the recorded code status');

    const others = flags.filter((f) => f !== codeStatus).map((f) => f.code.text ?? f.code.coding?.[0]?.display ?? '');
    const flagGroup = banner.getByRole('group', { name: 'Flags' });
    assert.deepEqual((await flagGroup.locator('[data-flag-item]').allInnerTexts()).map((t) => t.trim()).sort(), others.sort(), 'every other active flag is in the banner');
    if (others.length === 0) assert.match(await flagGroup.innerText(), /None/);

    const pcp = patient.generalPractitioner?.[0]?.display;
    assert.ok(pcp, 'the demo patient has a primary care provider');
    assert.equal(await banner.locator('[data-field="Primary care"]').innerText(), pcp, 'the banner names the PCP from Patient.generalPractitioner');

    const card = page.getByRole('region', { name: 'Care team' });
    const members = teams.flatMap((t) => t.participant ?? []);
    assert.equal(await card.getByRole('listitem').count(), new Set(members.map((m) => m.member?.reference)).size, 'one line per team member');
    const cardText = await card.innerText();
    for (const m of members) {
      assert.ok(cardText.includes(m.member?.display ?? '???'), `the care team lists ${m.member?.display}`);
      assert.ok(cardText.includes(m.role?.[0]?.text ?? '???'), `with the role ${m.role?.[0]?.text}`);
    }
    assert.ok(cardText.includes(pcp), 'the PCP is on the care team');

    const upcoming = page.getByRole('region', { name: 'Upcoming appointments' });
    const booked = await workspace.api<Appointment>(`Appointment?patient=${patient.id}&status=booked&date=ge${new Date().toISOString().slice(0, 10)}`);
    assert.ok(booked.some((a) => a.description === 'Fall-risk review'));
    assert.equal(await upcoming.getByRole('listitem').count(), booked.length, 'every booked future appointment, no more');
    const upcomingText = await upcoming.innerText();
    assert.ok(upcomingText.includes('Fall-risk review'), 'the booked visit is listed');
    assert.ok(!upcomingText.includes('Cancelled visit') && !upcomingText.includes('Past visit'), 'cancelled and past visits are not');

    await banner.screenshot({ path: `${SCREENS}chart-banner-desktop.png` });
    await page.screenshot({ path: `${SCREENS}chart-frame-physician-desktop.png`, fullPage: true });
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.screenshot({ path: `${SCREENS}chart-frame-physician-tablet.png` });
    await context.close();
  });

  it('gives the front desk registration but nothing clinical, and says what their role may not see', async () => {
    const { context, page } = await desktopPage(workspace);
    await page.goto(`${workspace.origin}/patients/${patient.id}/summary`);
    await signIn(page, 'demo.frontdesk');
    await page.locator('[data-summary-ready]').waitFor();
    assert.deepEqual(await navLinks(page), ['Patients', 'Duplicates', 'Register patient'], 'the front desk gets patients, duplicate registrations and registration only');

    const banner = page.getByRole('region', { name: 'Patient banner' });
    assert.match(await banner.getByRole('group', { name: 'Code status' }).innerText(), /Not available to your role/);
    assert.match(await banner.getByRole('group', { name: 'Flags' }).innerText(), /Not available to your role/);
    assert.equal(await banner.locator('[data-field="Primary care"]').innerText(), patient.generalPractitioner?.[0]?.display, 'the PCP is demographics: shown');
    assert.match(await page.getByRole('region', { name: 'Care team' }).innerText(), /Not available to your role/);
    await banner.screenshot({ path: `${SCREENS}chart-banner-frontdesk.png` });


    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Register patient' }).click();
    await page.waitForURL(`${workspace.origin}/patients/new`);
    await page.screenshot({ path: `${SCREENS}chart-frame-frontdesk-nav.png` });

    // Registered without an MRN: the server assigns the next one, and the new chart shows it.
    const family = `Framewell${String(Date.now()).slice(-5).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}`;
    assert.equal(await page.getByLabel('MRN').getAttribute('placeholder'), 'Assigned on save');
    await page.getByLabel('Legal first name').fill('Noor');
    await page.getByLabel('Legal last name').fill(family);
    await page.getByLabel('Birth date').fill('1961-04-12');
    await page.getByLabel('Administrative sex').selectOption('female');
    await page.getByRole('button', { name: 'Register patient' }).click();
    await page.waitForURL(/\/patients\/[^/]+\/summary$/);
    const [created] = await workspace.api<Patient>(`Patient?family=${family}`);
    const assigned = created?.identifier?.find((i) => i.system === 'urn:continuum:mrn')?.value;
    assert.match(assigned ?? '', /^M\d{3}-\d{7}$/, 'the server assigned an MRN');
    assert.equal(new URL(page.url()).pathname, `/patients/${created!.id}/summary`);
    assert.equal(await page.getByRole('region', { name: 'Patient banner' }).locator('[data-field="MRN"]').innerText(), assigned, 'the new chart shows the assigned MRN');

    // Invite the new patient to the portal: no address on file, so the server refuses until one is given.
    const newBanner = page.getByRole('region', { name: 'Patient banner' });
    await newBanner.getByRole('button', { name: 'Invite to portal' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite to the patient portal' });
    assert.equal(await dialog.getByLabel('Email address').inputValue(), '', 'no address on file: nothing prefilled');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    assert.match(await dialog.getByRole('alert').innerText(), /no email address/, "the server's refusal is shown");
    await dialog.getByLabel('Email address').fill('noor.framewell@example.org');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    assert.match(await dialog.getByRole('alert', { name: 'Invitation sent' }).innerText(), /n\*\*\*@example\.org/, 'the masked address it went to');
    await dialog.screenshot({ path: `${SCREENS}portal-invite-dialog.png` });
    const mails = emlFiles(mailDir).map(readEml);
    assert.equal(mails.length, 1, 'one invitation was mailed');
    assert.equal(mails[0]!.header('to'), 'noor.framewell@example.org');
    assert.match(mails[0]!.text, /\/portal\/activate\?token=/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await context.close();
  });

  it('gives the auditor the audit log as home: filtered by user, action and patient, a page at a time', async () => {
    // Something to find: the physician opens the patient's chart.
    const doctor = await desktopPage(workspace);
    await doctor.page.goto(`${workspace.origin}/`);
    await signIn(doctor.page);
    await doctor.page.getByLabel('Search patients').waitFor();
    await doctor.page.goto(`${workspace.origin}/patients/${patient.id}/summary`);
    await doctor.page.getByRole('region', { name: 'Active problems' }).waitFor();
    await doctor.page.waitForLoadState('networkidle');
    await doctor.context.close();

    const context = await workspace.browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await page.goto(`${workspace.origin}/`);
    await signIn(page, 'demo.auditor');
    await page.waitForURL(`${workspace.origin}/audit`);
    const rows = page.locator('table[aria-label="Audit entries"] tbody tr');
    await rows.first().waitFor();
    assert.deepEqual(await navLinks(page), ['Audit log'], 'the audit log is the auditor\'s one page');
    assert.equal(await page.getByLabel('Search patients').count(), 0, 'no patient search');
    const attr = (name: string) => rows.evaluateAll((trs, n) => trs.map((tr) => tr.getAttribute(n) ?? ''), name);
    const search = async (): Promise<void> => {
      const before = page.url();
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL((u) => u.toString() !== before);
      await page.locator('table[aria-label="Audit entries"], [role="status"]:has-text("No entry matches")').first().waitFor();
    };

    // Unfiltered: a page of 50, newest first, and older ones on request, with no entry twice.
    assert.equal(await rows.count(), 50);
    await page.getByRole('button', { name: 'Show older entries' }).click();
    await page.waitForFunction(`document.querySelectorAll('table[aria-label="Audit entries"] tbody tr').length > 50`);
    const ids = (await attr('data-audit-id')).map(Number);
    assert.equal(new Set(ids).size, ids.length, 'no entry twice');
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');

    // By user: the same entries the FHIR API gives for that user, as an auditor's tool would ask.
    await page.getByLabel('User').fill('demo.physician');
    await search();
    assert.ok(page.url().includes('user=demo.physician'), 'the filter is in the URL');
    const users = await attr('data-user');
    assert.ok(users.length > 0 && users.every((u) => u === 'demo.physician'), `only the physician's entries: ${[...new Set(users)].join(', ')}`);
    const token = await clientCredentialsToken(workspace.origin, TEST_CLIENT);
    const api = (await (await fetch(`${workspace.origin}/fhir/AuditEvent?agent=demo.physician&_count=50`, { headers: { authorization: `Bearer ${token}` } })).json()) as { entry?: { resource: { id: string } }[] };
    assert.deepEqual(await attr('data-audit-id'), (api.entry ?? []).map((e) => e.resource.id), 'the same entries as the API');

    // And by action, then by patient: each row is what the filter asks for.
    await page.getByRole('textbox', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'Search', exact: true }).click();
    await search();
    const actions = await attr('data-action');
    assert.ok(actions.length > 0 && actions.every((a) => a === 'Search'), `searches only: ${[...new Set(actions)].join(', ')}`);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL(`${workspace.origin}/audit`);
    await page.getByLabel('Patient').fill(patient.id!);
    await search();
    const patients = await attr('data-patients');
    assert.ok(patients.length > 0 && patients.every((p) => p.split(',').includes(patient.id!)), 'every row names the patient');
    assert.ok((await attr('data-user')).includes('demo.physician'), 'among them the physician who opened the chart');

    // A reload keeps the report; the page passes the WCAG A/AA audit.
    await page.reload();
    await rows.first().waitFor();
    assert.equal(await page.getByLabel('Patient').inputValue(), patient.id);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations('audit log', violations));
    await page.screenshot({ path: `${SCREENS}audit-log.png`, fullPage: true });
    await context.close();
  });
});
