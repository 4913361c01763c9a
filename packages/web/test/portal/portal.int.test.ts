/**
 * The patient portal in Chromium against a real server with a four-patient demo clinic: a
 * patient signs in (continuum-portal, PKCE), reads the home page, a lab value explained in plain
 * words, a visit note and the medication list; downloads the record (a FHIR document Bundle and a
 * PDF) and finds those reads in the activity log. The demo parent, given a second child for the
 * test, switches between the two and sees each one's own record and nothing of anyone else's.
 * Screens at phone (390×844) and desktop (1280×800) sizes go to artifacts/screens/portal-*.png,
 * and the main pages pass the axe WCAG A/AA audit. On the account page, the patient invites a
 * caregiver and removes that access again after confirming.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent, Bundle, Condition, DiagnosticReport, Observation, Patient, Person, Practitioner, RelatedPerson, Task } from '@medplum/fhirtypes';
import { desktopPage, noChromium, SCREENS, signIn } from '../e2e/workspace-fixture.ts';
import { axeViolations, describeViolations } from '../e2e/axe-audit.ts';
import { DESKTOP, open, PHONE, portalPage, signInPortal, startPortal, tokenOf, type PortalWorkspace } from './portal-fixture.ts';

const LOINC = 'http://loinc.org';
const given = (p: Patient): string => p.name?.[0]?.given?.[0] ?? '';
const fullName = (p: Patient): string => `${p.name?.[0]?.given?.join(' ') ?? ''} ${p.name?.[0]?.family ?? ''}`.trim();

describe('patient portal in Chromium', { skip: noChromium }, () => {
  let ws: PortalWorkspace;
  const cspErrors: string[] = [];
  before(async () => {
    ws = await startPortal(4);
  });
  after(async () => {
    await ws?.close();
  });

  it('a patient reads the record in plain words, downloads it, and sees who read it', async (t) => {
    const { context, page } = await portalPage(ws, DESKTOP);
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy/i.test(m.text()) && cspErrors.push(m.text()));
    const selfRead = page.waitForRequest((r) => /\/fhir\/Patient\/[^/?$]+$/.test(new URL(r.url()).pathname));
    await signInPortal(page, ws.origin, 'demo.patient1');
    const patientId = new URL((await selfRead).url()).pathname.split('/').pop()!;
    const patient = await ws.read<Patient>(`Patient/${patientId}`);

    // A lab report issued today, with a value above its range, as a lab would send it.
    const a1c = await ws.create<Observation>({
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: LOINC, code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood' }], text: 'Hemoglobin A1c' },
      subject: { reference: `Patient/${patientId}` },
      effectiveDateTime: new Date().toISOString(),
      valueQuantity: { value: 6.1, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      referenceRange: [{ low: { value: 4.0, unit: '%' }, high: { value: 5.6, unit: '%' } }],
      interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' }] }],
    });
    await ws.create<DiagnosticReport>({
      resourceType: 'DiagnosticReport',
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] }],
      code: { coding: [{ system: LOINC, code: '4548-4' }], text: 'Hemoglobin A1c panel' },
      subject: { reference: `Patient/${patientId}` },
      effectiveDateTime: new Date().toISOString(),
      issued: new Date().toISOString(),
      result: [{ reference: `Observation/${a1c.id}` }],
    });

    await t.test('home greets the patient and shows whose record it is', async () => {
      await page.reload();
      await page.getByRole('heading', { level: 1, name: `Hello, ${given(patient)}` }).waitFor();
      assert.equal((await page.locator('.header-viewing').innerText()).trim(), `Viewing: ${fullName(patient)} (you)`);
      await page.locator('[data-section="home-results"] .list-row').first().waitFor();
      assert.match(await page.locator('[data-section="home-results"]').innerText(), /Hemoglobin A1c panel[\s\S]*1 outside range/, 'the newest report, with its value outside the range');
      await page.screenshot({ path: `${SCREENS}portal-home-desktop.png` });
    });

    await t.test('results explain an abnormal value in plain words', async () => {
      await open(page, 'Results');
      const row = page.locator('tr[data-result="Hemoglobin A1c"]');
      await row.waitFor();
      assert.equal(await page.title(), 'Results · Continuum MyHealth', 'the window title names the page');
      assert.equal(await row.getAttribute('data-flag'), 'H');
      const text = await row.innerText();
      assert.match(text, /6\.1 %/, 'the value');
      assert.match(text, /High/, 'its label');
      assert.match(text, /Above the normal range \(4–5\.6 %\)\./, 'what it means, with the range');
      const legend = await page.locator('[data-section="results-legend"]').innerText();
      assert.match(legend, /HH \/ LL/);
      assert.match(legend, /Abnormal: outside normal/);
      await page.screenshot({ path: `${SCREENS}portal-results-desktop.png`, fullPage: false });
    });

    await t.test('a visit note opens in a readable view', async () => {
      await open(page, 'Visits & notes');
      const read = page.getByRole('button', { name: /^Read / }).first();
      await read.click();
      const note = page.getByRole('dialog').getByTestId('note-text');
      await note.waitFor();
      assert.ok((await note.innerText()).trim().length > 40, 'the note text is shown');
      await page.screenshot({ path: `${SCREENS}portal-note-desktop.png` });
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    });

    await t.test('the medication list offers a refill request, which reaches the prescriber as a Task', async () => {
      await open(page, 'Health');
      const button = page.getByRole('button', { name: /^Request a refill of / }).first();
      await button.click();
      await page.locator('.refill-status').first().waitFor();
      assert.equal(await page.locator('.refill-status').first().innerText(), 'Refill requested');
      const tasks = await ws.api<Task>(`Task?patient=Patient/${patientId}&code=urn:continuum:task-code|refill-request&_count=10`);
      assert.equal(tasks.length, 1, 'one refill request');
      assert.equal(tasks[0]!.status, 'requested');
      assert.match(tasks[0]!.focus?.reference ?? '', /^MedicationRequest\//);
    });

    await t.test('the health page lists the record with trends', async () => {
      await open(page, 'Health');
      const conditions = await ws.api<Condition>(`Condition?patient=Patient/${patientId}&_count=100`);
      const name = conditions[0]?.code?.text ?? conditions[0]?.code?.coding?.[0]?.display;
      assert.ok(name, 'the demo patient has problems');
      await page.locator('[data-section="health-problems"]').getByText(name, { exact: true }).first().waitFor();
      await page.locator('[data-section="health-vitals"] figure, [data-section="health-vitals"] p').first().waitFor();
      await page.screenshot({ path: `${SCREENS}portal-health-desktop.png` });
    });

    await t.test('the record downloads as a FHIR document Bundle', async () => {
      await open(page, 'Download & share');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download for apps (FHIR)' }).click()]);
      const bundle = JSON.parse(readFileSync((await download.path()), 'utf8')) as { resourceType: string; type: string; entry: { resource: { resourceType: string } }[] };
      assert.equal(bundle.resourceType, 'Bundle');
      assert.equal(bundle.type, 'document');
      assert.equal(bundle.entry[0]?.resource.resourceType, 'Composition');
    });
    await t.test('the record downloads as a PDF', async () => {
      await open(page, 'Download & share');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).click()]);
      assert.equal(readFileSync((await download.path())).subarray(0, 4).toString('latin1'), '%PDF');
    });
    await t.test('a doctor who opens the chart is named in the log, with the decision support that ran', async () => {
      const doctor = await desktopPage(ws);
      await doctor.page.goto(`${ws.origin}/`);
      await signIn(doctor.page);
      await doctor.page.getByRole('heading', { name: 'Patients' }).waitFor();
      await doctor.page.goto(`${ws.origin}/patients/${patientId}/summary`);
      await doctor.page.getByRole('region', { name: 'Active problems' }).waitFor();
      await doctor.page.waitForLoadState('networkidle');
      await doctor.context.close();
      // Who the doctor is, from the audit trail as an auditor reads it and the Practitioner it names.
      const trail = await ws.read<Bundle<AuditEvent>>(`AuditEvent?patient=Patient/${patientId}&_count=200`);
      const agent = trail.entry?.map((e) => e.resource!.agent[0]!).find((a) => a.who?.display === 'demo.physician');
      assert.match(agent?.who?.reference ?? '', /^Practitioner\//, 'the trail names the doctor\'s Practitioner');
      const name = (await ws.read<Practitioner>(agent!.who!.reference!)).name?.[0];
      const doctorName = `${name?.given?.join(' ') ?? ''} ${name?.family ?? ''}`.trim();
      await open(page, 'Activity log');
      await page.locator('[data-section="activity-list"] tbody tr').first().waitFor();
      const text = await page.locator('[data-section="activity-list"]').innerText();
      assert.ok(doctorName.length > 0 && !text.includes('demo.physician'), 'the doctor by name, not by username');
      assert.match(text, new RegExp(`${doctorName}\\s+Doctor\\s+Searched personal details`), `the chart's look-up of the patient: ${text.replace(/\s+/g, ' ').slice(0, 2000)}`);
      assert.match(text, new RegExp(`${doctorName}\\s+Doctor\\s+Checked the record for care reminders and alerts`), 'the decision support the chart ran');
    });
    await t.test('the activity log lists the reads just made, by this patient', async () => {
      await open(page, 'Activity log');
      const rows = page.locator('[data-section="activity-list"] tbody tr');
      await rows.first().waitFor();
      const text = await page.locator('[data-section="activity-list"]').innerText();
      assert.match(text, /You\s+Patient\s+Searched lab reports/, 'the results page\'s search, by the patient (you), in the patient role');
      assert.match(text, /You\s+Patient\s+Searched documents and notes/, 'the visits page\'s');
      assert.match(text, /You\s+Patient\s+Made a summary of the record \(PDF\)/, 'the PDF just downloaded, in words');
      await page.screenshot({ path: `${SCREENS}portal-activity-desktop.png` });
    });
    assert.deepEqual(cspErrors, [], 'the portal runs under the strict CSP');
    await context.close();
  });

  it('a proxy switches between the children it acts for, and sees only theirs', async () => {
    // The demo parent acts for one child; a second child is linked the way the clinic would:
    // a RelatedPerson for that child and a Person joining the two.
    const [first] = await ws.api<RelatedPerson>('RelatedPerson?_count=10');
    assert.ok(first?.patient.reference, 'the demo parent');
    const patients = await ws.api<Patient>('Patient?_count=50');
    const childA = patients.find((p) => `Patient/${p.id}` === first.patient.reference)!;
    const childB = patients.find((p) => p.id !== childA.id && p.birthDate && p.birthDate > '2010')!;
    const stranger = patients.find((p) => p.id !== childA.id && p.id !== childB.id)!;
    assert.ok(childB && stranger, 'the demo clinic has a second child and another patient');
    const second = await ws.create<RelatedPerson>({ resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${childB.id}` }, relationship: first.relationship ?? [], name: first.name ?? [] });
    await ws.create<Person>({ resourceType: 'Person', active: true, name: first.name ?? [], link: [{ target: { reference: `RelatedPerson/${first.id}` } }, { target: { reference: `RelatedPerson/${second.id}` } }] });

    const { context, page } = await portalPage(ws, PHONE);
    const token = tokenOf(page);
    await signInPortal(page, ws.origin, 'demo.parent');
    const switcher = page.locator('.mobile-viewing').getByLabel('Viewing');
    await switcher.waitFor();
    const options = await switcher.locator('option').allInnerTexts();
    assert.deepEqual(options.sort(), [`${fullName(childA)} (your child)`, `${fullName(childB)} (your child)`].sort(), 'both children, named as the parent\'s');

    const problemsOf = async (p: Patient) => new Set((await ws.api<Condition>(`Condition?patient=Patient/${p.id}&_count=100`)).map((c) => c.code?.text ?? c.code?.coding?.[0]?.display ?? ''));
    const [problemsA, problemsB] = [await problemsOf(childA), await problemsOf(childB)];
    const shownProblems = async (): Promise<Set<string>> => {
      // The page mounts loading for the patient shown: once a list (or the empty note) is there, it is theirs.
      const section = page.locator('[data-section="health-problems"]');
      await section.locator('.entry-list, .empty').first().waitFor();
      return new Set(await section.locator('.entry-name').allTextContents());
    };
    for (const child of [childA, childB]) {
      await switcher.selectOption({ label: `${fullName(child)} (your child)` });
      await open(page, 'Home');
      await page.getByRole('heading', { level: 1, name: `${given(child)}'s health` }).waitFor();
      await page.screenshot({ path: `${SCREENS}portal-proxy-home-${child === childA ? 'a' : 'b'}-phone.png` });
      await open(page, 'Health');
      const expected = child === childA ? problemsA : problemsB;
      const other = child === childA ? problemsB : problemsA;
      const shown = await shownProblems();
      assert.equal(shown.size, [...expected].filter(Boolean).length, `all of ${given(child)}'s problems, current and past`);
      for (const name of shown) assert.ok(expected.has(name), `${name} is ${given(child)}'s problem`);
      for (const name of other) if (!expected.has(name)) assert.ok(!shown.has(name), `${name} (the other child's) is not shown for ${given(child)}`);
    }

    // Isolation: the proxy's token opens neither another patient's record nor their data.
    const bearer = await token;
    const asProxy = (path: string) => fetch(`${ws.origin}/fhir/${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    const read = await asProxy(`Patient/${stranger.id}`);
    assert.ok(read.status === 404 || read.status === 403, `another patient's record is refused (${read.status})`);
    const search = (await (await asProxy(`Condition?patient=Patient/${stranger.id}`)).json()) as { entry?: unknown[]; resourceType: string };
    assert.ok(search.resourceType === 'OperationOutcome' || (search.entry ?? []).length === 0, 'and so are their problems');
    await context.close();
  });

  it('a patient invites a caregiver from the account page and removes the access after confirming', async () => {
    const { context, page } = await portalPage(ws, PHONE);
    const selfRead = page.waitForRequest((r) => /\/fhir\/Patient\/[^/?$]+$/.test(new URL(r.url()).pathname));
    await signInPortal(page, ws.origin, 'demo.patient1');
    const patientId = new URL((await selfRead).url()).pathname.split('/').pop()!;
    await open(page, 'Account');
    const section = page.locator('[data-section="account-caregivers"]');
    const form = section.getByRole('form', { name: 'Invite someone to see your record' });
    const until = `${new Date().getUTCFullYear() + 1}-06-30`;
    await form.getByLabel('Their name').fill('Gale Testcaregiver');
    await form.getByLabel('Their email').fill('gale.caregiver@example.org');
    await form.getByLabel('They are your').selectOption({ label: 'Friend' });
    await form.getByLabel('Access ends on (optional)').fill(until);
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await section.getByRole('alert', { name: 'Invitation sent' }).filter({ hasText: 'g***@example.org' }).waitFor();
    const row = section.locator('li[data-caregiver]', { hasText: 'Gale Testcaregiver' });
    await row.getByText('Invited', { exact: true }).waitFor();
    assert.match(await row.innerText(), /Friend/);
    const stored = (await ws.api<RelatedPerson>(`RelatedPerson?patient=Patient/${patientId}&_count=50`)).find((rp) => rp.name?.[0]?.text === 'Gale Testcaregiver');
    assert.equal(stored?.active, true, 'the RelatedPerson is stored');
    assert.equal(stored?.period?.end, until);
    assert.equal(stored?.relationship?.[0]?.coding?.[0]?.code, 'FRND');
    await page.screenshot({ path: `${SCREENS}portal-caregivers-phone.png` });

    // Removing asks first; "Keep access" changes nothing.
    const dialog = page.getByRole('dialog', { name: "Remove Gale Testcaregiver's access?" });
    await row.getByRole('button', { name: 'Remove access for Gale Testcaregiver' }).click();
    await dialog.getByRole('button', { name: 'Keep access' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await ws.api<RelatedPerson>(`RelatedPerson?_id=${stored.id}`))[0]?.active, true);
    await row.getByRole('button', { name: 'Remove access for Gale Testcaregiver' }).click();
    await dialog.getByRole('button', { name: 'Remove access' }).click();
    await row.getByText('Access ended', { exact: true }).waitFor();
    assert.equal((await ws.api<RelatedPerson>(`RelatedPerson?_id=${stored.id}`))[0]?.active, false, 'the access is withdrawn on the server');
    assert.equal(await row.getByRole('button', { name: /Remove access/ }).count(), 0);
    await context.close();
  });

  it('the main screens at phone and desktop sizes, audited against WCAG A/AA', async () => {
    const failures: string[] = [];
    for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const { context, page } = await portalPage(ws, viewport, true);
      await signInPortal(page, ws.origin, 'demo.patient1');
      for (const [label, name, ready] of [
        ['Home', 'home', '[data-section="home-results"] .list-row'],
        ['Health', 'health', '[data-section="health-medications"] .list-row'],
        ['Results', 'results', 'tr[data-result]'],
        ['Visits & notes', 'visits', '.visit-row'],
        ['Download & share', 'share', '[data-section="share-download"]'],
        ['Connected apps', 'apps', '[data-section="apps-list"] .empty'],
        ['Activity log', 'activity', '[data-section="activity-list"] tbody tr'],
        ['Account', 'account', '[data-section="account-security"]'],
      ] as const) {
        await open(page, label);
        await page.locator(ready).first().waitFor();
        await page.waitForFunction('!document.querySelector(\'[aria-label^="Loading"]\')');
        const violations = await axeViolations(page);
        if (size === 'phone' || name !== 'home') await page.screenshot({ path: `${SCREENS}portal-${name}-${size}.png` });
        if (violations.length > 0) failures.push(describeViolations(`${name} (${size})`, violations));
      }
      if (size === 'phone') {
        await page.getByRole('button', { name: 'More' }).click();
        await page.getByRole('dialog', { name: 'All pages' }).waitFor();
        const violations = await axeViolations(page);
        await page.screenshot({ path: `${SCREENS}portal-more-phone.png` });
        if (violations.length > 0) failures.push(describeViolations('more (phone)', violations));
      }
      await context.close();
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });
});
