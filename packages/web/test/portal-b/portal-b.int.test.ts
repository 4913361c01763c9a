/**
 * The portal's appointments, intake, messages, billing and corrections pages in Chromium, against
 * a real server with a four-patient demo clinic and the real portal frame (W1's fixture). A demo
 * patient, on a phone-sized screen, books a visit (the chosen time is taken by the front desk
 * meanwhile → "just taken", times reloaded), fills in the pre-visit form (a required answer, a
 * follow-up question, the server's 422 when the front desk cancelled the visit meanwhile), is
 * refused a cancellation inside the policy window and then cancels outside it, reschedules, reads
 * a thread (read receipt) and answers it with an attachment, writes to a care team member (a 6 MB
 * file refused) whom a clinician answers, pays an invoice (declined, then one approved charge),
 * and asks for a correction of the record. A new patient is invited by a clinician, activates the
 * mailed link and signs in. Every result is checked through the FHIR API; every page passes
 * axe's WCAG A/AA rules and is captured at phone and desktop sizes (artifacts/screens).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Bundle, Communication, Parameters, ParametersParameter, Patient, PaymentReconciliation, Practitioner, QuestionnaireResponse, Resource, Schedule, Slot, Task } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { emlFiles, readEml } from '../../../server/test/auth/mail-peer.ts';
import { axeViolations, describeViolations } from '../e2e/axe-audit.ts';
import { noChromium, SCREENS, signIn } from '../e2e/workspace-fixture.ts';
import { DESKTOP, open, PHONE, portalPage, signInPortal, startPortal, tokenOf, type PortalWorkspace } from '../portal/portal-fixture.ts';

const MESSAGES = 'urn:continuum:communication-category|portal-message';
const HOUR = 3_600_000;
const usd = (value: number): string => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(value);
const part = (p: Parameters | ParametersParameter | undefined, name: string) => ('resourceType' in (p ?? {}) ? (p as Parameters).parameter : (p as ParametersParameter | undefined)?.part)?.find((x) => x.name === name);

/** Axe finds nothing on the page; it is captured as portal-b-<screen>-<size>.png. */
async function accessible(page: Page, screen: string): Promise<void> {
  await page.waitForFunction('!document.querySelector(\'[aria-label^="Loading"]\')');
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], describeViolations(screen, violations));
  const size = (page.viewportSize()?.width ?? 0) >= 768 ? 'desktop' : 'phone';
  await page.screenshot({ path: `${SCREENS}portal-b-${screen}-${size}.png` });
}

describe('portal-b against the real server', { skip: noChromium }, () => {
  let ws: PortalWorkspace;
  const mailDir = mkdtempSync(join(tmpdir(), 'continuum-portal-mail-'));
  /** A FHIR call as the system client (the front desk's and the clinic's writes), answering status and body. */
  let asSystem: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Resource }>;

  before(async () => {
    ws = await startPortal(4, { CONTINUUM_MAIL: `file:${mailDir}` });
    asSystem = async (method, path, body) => {
      const res = await fetch(`${ws.origin}/fhir/${path}`, {
        method,
        headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/fhir+json', prefer: 'return=representation' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Resource };
    };
  });
  after(async () => {
    await ws?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('a patient books, fills in the intake, cancels, reschedules, messages, pays and asks for a correction', async (t) => {
    const { context, page } = await portalPage(ws, PHONE, true);
    const selfRead = page.waitForRequest((r) => /\/fhir\/Patient\/[^/?$]+$/.test(new URL(r.url()).pathname));
    const token = tokenOf(page);
    await signInPortal(page, ws.origin, 'demo.patient1');
    const patientId = new URL((await selfRead).url()).pathname.split('/').pop()!;
    const patient = `Patient/${patientId}`;
    const bearer = await token;
    const patients = await ws.api<Patient>('Patient?_count=50');
    const other = patients.find((p) => p.id !== patientId)!;

    // A clinician signs in to the staff app: their token answers the patient's message below.
    const staff = await ws.browser.newContext();
    const staffPage = await staff.newPage();
    const staffTokens = staffPage.waitForResponse((r) => new URL(r.url()).pathname === '/oauth/token' && r.request().method() === 'POST');
    await staffPage.goto(`${ws.origin}/`);
    await signIn(staffPage, 'demo.physician');
    const { access_token: physicianToken, id_token: idToken } = (await (await staffTokens).json()) as { access_token: string; id_token: string };
    await staff.close();
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')) as { fhirUser?: string };
    const physician = /Practitioner\/[^/]+$/.exec(claims.fhirUser ?? '')?.[0] ?? '';
    assert.match(physician, /^Practitioner\/./, 'the clinician is a Practitioner');
    const asPhysician = async (path: string, parameter: ParametersParameter[]) => {
      const res = await fetch(`${ws.origin}/fhir/${path}`, { method: 'POST', headers: { authorization: `Bearer ${physicianToken}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Parameters', parameter }) });
      return { status: res.status, body: (await res.json()) as Resource };
    };

    let booked: Appointment | undefined;
    await t.test('books a visit, recovering when the chosen time is taken first', async () => {
      await open(page, 'Appointments');
      const slotSearch = page.waitForResponse((r) => new URL(r.url()).pathname === '/fhir/Slot');
      await page.getByRole('link', { name: 'Book an appointment' }).click();
      await page.getByRole('heading', { name: 'Book an appointment', level: 1 }).waitFor();
      await page.getByRole('radiogroup', { name: '1. Provider' }).getByRole('radio').first().check();
      const shown = ((await (await slotSearch).json()) as Bundle<Slot>).entry?.map((e) => e.resource!) ?? [];
      // A day two days ahead or later, so that the visit can still be changed online (24 hours' notice).
      const localDay = (iso: string) => new Date(iso).toLocaleDateString('en-CA');
      const days = [...new Set(shown.map((s) => localDay(s.start)))];
      const soonest = localDay(new Date(Date.now() + 2 * 24 * HOUR).toISOString());
      const day = days.findIndex((d) => d >= soonest);
      const [first, second] = shown.filter((s) => localDay(s.start) === days[day]);
      assert.ok(first && second, 'the schedule has free times that day');
      await page.getByRole('group', { name: 'Day' }).getByRole('button').nth(day).click();
      const times = page.getByRole('group', { name: /^Times on/ });
      await times.getByRole('button').first().click();
      await page.getByLabel('Reason for the visit (optional)').fill('Knee still hurts');
      await accessible(page, 'book');

      // The front desk books that time for another patient before this one confirms.
      const taken = await asSystem('POST', 'Appointment/$book', { resourceType: 'Parameters', parameter: [{ name: 'slot', valueReference: { reference: `Slot/${first.id}` } }, { name: 'patient', valueReference: { reference: `Patient/${other.id}` } }] });
      assert.equal(taken.status, 201, 'the front desk booked it');
      const reloaded = page.waitForResponse((r) => new URL(r.url()).pathname === '/fhir/Slot');
      await page.getByRole('button', { name: 'Book visit' }).click();
      await page.getByRole('alert').filter({ hasText: 'That time was just taken' }).waitFor();
      await reloaded;
      await times.getByRole('button').first().waitFor();
      const booking = page.waitForResponse((r) => new URL(r.url()).pathname === '/fhir/Appointment/$book');
      await times.getByRole('button').first().click();
      await page.getByRole('button', { name: 'Book visit' }).click();
      await page.getByRole('heading', { name: 'You are booked' }).waitFor();
      assert.equal((await booking).status(), 201);

      const mine = await ws.api<Appointment>(`Appointment?patient=${patient}&status=booked&_count=50`);
      booked = mine.find((a) => a.slot?.[0]?.reference === `Slot/${second.id}`);
      assert.ok(booked, 'the next free time is booked for the patient');
      assert.equal(booked.reasonCode?.[0]?.text, 'Knee still hurts');
      assert.equal((await ws.read<Slot>(`Slot/${second.id}`)).status, 'busy', 'its slot turned busy');
      assert.ok(!mine.some((a) => a.slot?.[0]?.reference === `Slot/${first.id}`), 'the taken time is not the patient\'s');
    });

    await t.test('fills in the intake form: a required answer, a follow-up question, the server refusing an answer', async () => {
      await page.getByRole('link', { name: 'Fill in your pre-visit form' }).click();
      await page.getByRole('heading', { name: 'Pre-visit form', level: 1 }).waitFor();
      await page.getByLabel('What is the main reason for your visit?').waitFor();
      assert.equal(await page.getByLabel('What changed?').count(), 0, 'the follow-up is hidden until asked for');
      await page.getByRole('button', { name: 'Send form' }).click();
      await page.getByRole('alert').filter({ hasText: 'Please check the answers marked below.' }).waitFor();
      assert.equal(await page.evaluate<string | null>('document.activeElement?.getAttribute("data-link-id") ?? null'), 'reason', 'the focus moves to the first problem');
      await page.getByLabel('What is the main reason for your visit?').fill('Knee pain on stairs');
      await page.getByRole('radiogroup', { name: 'Have your medications changed since your last visit?' }).getByRole('radio', { name: 'Yes' }).check();
      await page.getByLabel('What changed?').fill('Started ibuprofen');
      await page.getByLabel(/Pain today/).fill('4');
      await accessible(page, 'intake');

      // Meanwhile the front desk cancels the visit by mistake: the server refuses the form (422).
      const cancelled = await asSystem('POST', `Appointment/${booked!.id}/$cancel`, { resourceType: 'Parameters', parameter: [{ name: 'reason', valueString: 'Entered by mistake' }] });
      assert.equal(cancelled.status, 200);
      await page.getByRole('button', { name: 'Send form' }).click();
      await page.getByRole('alert').filter({ hasText: 'is cancelled' }).waitFor();
      assert.equal((await ws.api<QuestionnaireResponse>(`QuestionnaireResponse?subject=${patient}`)).length, 0, 'nothing was stored');

      // The front desk books the same time again; the patient fills in the form for that visit.
      const again = await asSystem('POST', 'Appointment/$book', { resourceType: 'Parameters', parameter: [{ name: 'slot', valueReference: booked!.slot![0]! }, { name: 'patient', valueReference: { reference: patient } }, { name: 'reason', valueString: 'Knee still hurts' }] });
      assert.equal(again.status, 201, 'the freed time is booked again');
      booked = again.body as Appointment;
      await open(page, 'Home');
      await open(page, 'Appointments');
      await page.locator(`[data-appointment="${booked.id}"]`).getByRole('link', { name: 'Fill in your pre-visit form' }).click();
      await page.getByLabel('What is the main reason for your visit?').fill('Knee pain on stairs');
      await page.getByRole('radiogroup', { name: 'Have your medications changed since your last visit?' }).getByRole('radio', { name: 'Yes' }).check();
      await page.getByLabel('What changed?').fill('Started ibuprofen');
      await page.getByLabel(/Pain today/).fill('4');
      await page.getByLabel('Preferred pharmacy').fill('Main Street Pharmacy');
      await page.getByRole('button', { name: 'Send form' }).click();
      await page.getByRole('heading', { name: 'Thank you, your form was sent' }).waitFor();
      const [sent] = await ws.api<QuestionnaireResponse>(`QuestionnaireResponse?subject=${patient}`);
      assert.ok(sent, 'the form is stored');
      assert.equal(sent.extension?.[0]?.valueReference?.reference, `Appointment/${booked.id}`);
      assert.deepEqual(
        sent.item?.map((i) => [i.linkId, i.answer?.[0]?.valueString ?? i.answer?.[0]?.valueBoolean ?? i.answer?.[0]?.valueInteger]),
        [['reason', 'Knee pain on stairs'], ['medication-changes', true], ['medication-changes-detail', 'Started ibuprofen'], ['pain', 4], ['pharmacy', 'Main Street Pharmacy']],
      );
      const review = await ws.api<Task>(`Task?patient=${patient}&code=urn:continuum:task-code|intake-review`);
      assert.equal(review.length, 1, 'the care team has it to review');
      assert.equal(review[0]!.focus?.reference, `QuestionnaireResponse/${sent.id}`);
      await page.getByRole('link', { name: 'Back to appointments' }).click();
      await page.locator(`[data-appointment="${booked.id}"]`).filter({ hasText: 'Pre-visit form sent' }).waitFor();
    });

    await t.test('cancels a visit: refused inside the policy window, then accepted outside it', async () => {
      // Another visit, booked by the front desk a few days ahead.
      const [schedule] = await ws.api<Schedule>('Schedule?active=true');
      const later = (await ws.api<Slot>(`Slot?schedule=Schedule/${schedule!.id}&status=free&start=ge${new Date(Date.now() + 4 * 24 * HOUR).toISOString()}&_sort=start&_count=1`))[0]!;
      const made = await asSystem('POST', 'Appointment/$book', { resourceType: 'Parameters', parameter: [{ name: 'slot', valueReference: { reference: `Slot/${later.id}` } }, { name: 'patient', valueReference: { reference: patient } }] });
      assert.equal(made.status, 201);
      const visit = made.body as Appointment;
      await open(page, 'Home');
      await open(page, 'Appointments');
      const card = page.locator(`[data-appointment="${visit.id}"]`);
      await card.getByRole('button', { name: 'Cancel visit' }).click();
      const dialog = page.getByRole('dialog', { name: 'Cancel this visit?' });
      await dialog.waitFor();
      assert.match(await dialog.innerText(), /You can cancel or reschedule online up to 24 hours before your visit/);
      await dialog.getByLabel('Reason (optional)').fill('Feeling better');
      await accessible(page, 'cancel');

      // Meanwhile the clinic moved the visit to this evening: the server refuses, inside 24 hours.
      const moved = await asSystem('PUT', `Appointment/${visit.id}`, { ...visit, start: new Date(Date.now() + 10 * HOUR).toISOString(), end: new Date(Date.now() + 10 * HOUR + 20 * 60_000).toISOString() });
      assert.equal(moved.status, 200);
      await dialog.getByRole('button', { name: 'Cancel visit' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'up to 24 hours before they start. Please call the clinic.' }).waitFor();
      assert.equal((await ws.read<Appointment>(`Appointment/${visit.id}`)).status, 'booked', 'nothing changed');

      // And back to its day: now it can be cancelled online.
      assert.equal((await asSystem('PUT', `Appointment/${visit.id}`, { ...visit, meta: (moved.body as Appointment).meta })).status, 200);
      await dialog.getByRole('button', { name: 'Cancel visit' }).click();
      await page.getByRole('alert').filter({ hasText: 'was cancelled' }).waitFor();
      await card.filter({ hasText: 'Reason: Feeling better' }).waitFor();
      const cancelled = await ws.read<Appointment>(`Appointment/${visit.id}`);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.cancelationReason?.text, 'Feeling better');
      assert.equal((await ws.read<Slot>(`Slot/${later.id}`)).status, 'free', 'its time is free again');
      await accessible(page, 'appointments');
    });

    await t.test('reschedules the booked visit to another day', async () => {
      await page.locator(`[data-appointment="${booked!.id}"]`).getByRole('link', { name: 'Reschedule' }).click();
      await page.getByRole('heading', { name: 'Reschedule a visit', level: 1 }).waitFor();
      await page.getByRole('group', { name: 'Day' }).getByRole('button').last().click();
      await page.getByRole('group', { name: /^Times on/ }).getByRole('button').first().click();
      await page.getByRole('button', { name: 'Move my visit' }).click();
      await page.getByRole('heading', { name: 'Your visit was moved' }).waitFor();
      const old = await ws.read<Appointment>(`Appointment/${booked!.id}`);
      assert.equal(old.status, 'cancelled');
      assert.equal(old.cancelationReason?.text, 'Rescheduled');
      const now = await ws.api<Appointment>(`Appointment?patient=${patient}&status=booked&_count=50`);
      const moved = now.find((a) => a.reasonCode?.[0]?.text === 'Knee still hurts');
      assert.ok(moved && moved.id !== old.id, 'a new appointment, with the old one\'s reason');
      assert.ok(moved.start!.slice(0, 10) > old.start!.slice(0, 10), 'on the later day chosen');
      assert.equal((await ws.read<Slot>(old.slot![0]!.reference!)).status, 'free', 'the old time is free again');
    });

    const threads = () => ws.api<Communication>(`Communication?subject=${patient}&category=${encodeURIComponent(MESSAGES)}&_count=200`);
    await t.test('reads a thread (marking it read) and replies with an attachment', async () => {
      const [welcome] = await threads();
      assert.ok(welcome && !welcome.received, 'the demo welcome message, unread');
      await open(page, 'Messages');
      const unread = page.getByRole('link', { name: `${welcome.topic?.text}, 1 unread` });
      await unread.waitFor();
      await accessible(page, 'messages');
      await unread.click();
      await page.getByRole('heading', { name: welcome.topic!.text! }).waitFor();
      await page.getByLabel('Your reply').fill('Thank you, glad to be here.');
      await page.locator('form[aria-label="Reply"] input[type=file]').setInputFiles({ name: 'knee-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Pain 4/10 on stairs') });
      await accessible(page, 'thread');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.locator('.pb-bubble').filter({ hasText: 'Thank you, glad to be here.' }).waitFor();
      assert.ok((await ws.read<Communication>(`Communication/${welcome.id}`)).received, 'opening it set its read receipt');
      const reply = (await threads()).find((c) => c.partOf?.[0]?.reference === `Communication/${welcome.id}`);
      assert.ok(reply, 'the reply is in the thread');
      assert.equal(reply.sender?.reference, patient);
      const attachment = reply.payload?.find((p) => p.contentAttachment)?.contentAttachment;
      assert.equal(Buffer.from(attachment?.data ?? '', 'base64').toString(), 'Pain 4/10 on stairs');
      assert.deepEqual([attachment?.contentType, attachment?.title], ['text/plain', 'knee-notes.txt']);
    });

    await t.test('writes to a care team member (a 6 MB file refused), who answers; the patient sees the answer and the read receipt', async () => {
      const doctor = await ws.read<Practitioner>(physician);
      const doctorName = `${doctor.name?.[0]?.given?.join(' ') ?? ''} ${doctor.name?.[0]?.family ?? ''}`.trim();
      await ws.create({ resourceType: 'CareTeam', status: 'active', subject: { reference: patient }, participant: [{ member: { reference: physician } }] });
      await page.getByRole('link', { name: '← All messages' }).click();
      await page.getByRole('button', { name: 'New message' }).click();
      await page.getByRole('textbox', { name: 'To' }).click();
      await page.getByRole('option', { name: new RegExp(`${doctorName}.*\\(care team\\)`) }).click();
      await page.getByLabel('Subject').fill('Travel vaccines');
      await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Which vaccines do I need for a trip?');
      const files = page.locator('form[aria-label="New message"] input[type=file]');
      await files.setInputFiles({ name: 'itinerary.png', mimeType: 'image/png', buffer: Buffer.alloc(6 * 1024 * 1024) });
      await page.getByRole('button', { name: 'Send message' }).click();
      await page.getByText('itinerary.png is larger than 5 MB.').waitFor();
      assert.ok(!(await threads()).some((c) => c.topic?.text === 'Travel vaccines'), 'nothing was sent');
      await files.setInputFiles({ name: 'itinerary.png', mimeType: 'image/png', buffer: Buffer.alloc(2048) });
      await page.getByRole('button', { name: 'Send message' }).click();
      await page.getByRole('heading', { name: 'Travel vaccines' }).waitFor();
      const question = (await threads()).find((c) => c.topic?.text === 'Travel vaccines')!;
      assert.deepEqual(question.recipient?.map((r) => r.reference), [physician], 'to the chosen care team member');

      // The clinician opens it (the patient's receipt) and answers.
      assert.equal((await asPhysician(`Communication/${question.id}/$mark-read`, [])).status, 200);
      const answer = await asPhysician(`${patient}/$message`, [{ name: 'thread', valueReference: { reference: `Communication/${question.id}` } }, { name: 'text', valueString: 'Hepatitis A and typhoid; book a travel visit.' }]);
      assert.equal(answer.status, 201);
      const answerId = (answer.body as Communication).id!;
      const opened = page.waitForResponse((r) => new URL(r.url()).pathname === `/fhir/Communication/${answerId}/$mark-read`);
      await open(page, 'Messages');
      await page.getByRole('link', { name: 'Travel vaccines, 1 unread' }).click();
      await page.locator('.pb-bubble').filter({ hasText: 'Hepatitis A and typhoid; book a travel visit.' }).waitFor();
      assert.match(await page.locator('.pb-receipt').first().innerText(), /^Read /, 'the question shows it was read');
      assert.equal((await opened).status(), 200);
      assert.ok((await ws.read<Communication>(`Communication/${answerId}`)).received, 'the patient opening the answer is its receipt');
    });

    await t.test('pays an invoice: a declined card, then one approved charge', async () => {
      const statement = (await (await fetch(`${ws.origin}/fhir/${patient}/$statement`, { headers: { authorization: `Bearer ${bearer}` } })).json()) as Parameters;
      const owing = statement.parameter!.filter((p) => p.name === 'invoice').find((p) => (part(p, 'due')?.valueMoney?.value ?? 0) > 0)!;
      assert.ok(owing, 'the demo patient owes on an invoice');
      const invoiceId = part(owing, 'invoice')!.valueReference!.reference!;
      const due = part(owing, 'due')!.valueMoney!.value!;
      const paymentsOf = async () => (await ws.api<PaymentReconciliation>('PaymentReconciliation?_count=200')).filter((r) => r.detail?.some((d) => d.request?.reference === invoiceId));
      const paidBefore = (await paymentsOf()).length;
      await open(page, 'Billing');
      await page.getByRole('button', { name: new RegExp(`, ${usd(due).replace('$', '\\$')} due$`) }).first().click();
      await page.getByRole('table', { name: 'Line items' }).first().waitFor();
      await accessible(page, 'billing');
      await page.getByRole('button', { name: `Pay ${usd(due)}` }).first().click();
      const dialog = page.getByRole('dialog');
      assert.equal(await dialog.getByLabel('Amount (USD)').inputValue(), due.toFixed(2));
      await dialog.getByLabel('Card number').fill('4000 0000 0000 0002');
      await dialog.getByLabel('Expiry (MM/YY)').fill('12/30');
      await dialog.getByLabel('CVC').fill('123');
      await dialog.getByLabel('Name on card').fill('Test Patient');
      await accessible(page, 'pay');
      await dialog.getByRole('button', { name: 'Pay', exact: true }).click();
      await dialog.getByRole('alert').filter({ hasText: 'Your card was declined.' }).waitFor();
      assert.equal((await paymentsOf()).length, paidBefore, 'no payment recorded');
      await dialog.getByLabel('Card number').fill('4242 4242 4242 4242');
      await dialog.getByRole('button', { name: 'Pay', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: `Payment of ${usd(due)} approved.` }).waitFor();
      const payments = await paymentsOf();
      assert.equal(payments.length, paidBefore + 1, 'one charge');
      assert.equal(payments.at(-1)?.paymentAmount?.value, due);
      assert.ok(!JSON.stringify(payments).includes('4242424242424242'), 'the card number is not stored');
    });

    await t.test('asks for a correction of the record', async () => {
      await open(page, 'Corrections');
      await page.getByRole('textbox', { name: 'What is it about? (optional)' }).click();
      await page.getByRole('option').first().click();
      await page.getByLabel('What should be corrected?').fill('This was a rash from a virus, not an allergy.');
      await accessible(page, 'corrections');
      await page.getByRole('button', { name: 'Send request' }).click();
      await page.getByRole('alert').filter({ hasText: 'Your request was sent.' }).waitFor();
      await page.getByRole('article', { name: /Waiting for review$/ }).waitFor();
      const [task] = await ws.api<Task>(`Task?patient=${patient}&code=urn:continuum:task-code|amendment-request`);
      assert.ok(task, 'an amendment request');
      assert.equal(task.status, 'requested');
      assert.equal(task.input?.[0]?.valueString, 'This was a rash from a virus, not an allergy.');
      assert.ok(task.focus?.reference, 'about a part of the record');
      assert.ok(task.restriction?.period?.end, 'with its answer deadline');
    });

    // The proxy's isolation holds here too: the patient's token opens nobody else's appointments.
    const foreign = await fetch(`${ws.origin}/fhir/Appointment?patient=Patient/${other.id}`, { headers: { authorization: `Bearer ${bearer}` } });
    const foreignBody = (await foreign.json()) as Bundle;
    assert.ok(foreign.status >= 400 || (foreignBody.entry ?? []).length === 0, 'another patient\'s visits are not shown');
    await context.close();
  });

  it('the same pages at desktop size, audited', async () => {
    const { context, page } = await portalPage(ws, DESKTOP, true);
    await signInPortal(page, ws.origin, 'demo.patient1');
    for (const [label, screen] of [['Appointments', 'appointments'], ['Messages', 'messages'], ['Billing', 'billing'], ['Corrections', 'corrections']] as const) {
      await open(page, label);
      await page.locator('main h1').first().waitFor();
      await accessible(page, screen);
    }
    await open(page, 'Messages');
    await page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().click();
    await page.getByLabel('Your reply').waitFor();
    await accessible(page, 'thread');
    await open(page, 'Appointments');
    await page.getByRole('link', { name: 'Book an appointment' }).click();
    await page.getByRole('radiogroup', { name: '1. Provider' }).getByRole('radio').first().check();
    await page.getByRole('group', { name: /^Times on/ }).getByRole('button').first().waitFor();
    await accessible(page, 'book');
    await open(page, 'Appointments');
    await page.getByRole('link', { name: 'Fill in your pre-visit form' }).first().click();
    await page.getByLabel('What is the main reason for your visit?').waitFor();
    await accessible(page, 'intake');
    await context.close();
  });

  it('a clinician invites a new patient, who activates the mailed link, signs in and lands on the portal home', async () => {
    const patient = await ws.create<Patient>({ resourceType: 'Patient', active: true, name: [{ given: ['Nora'], family: 'Invitee' }], birthDate: '1990-04-02', telecom: [{ system: 'email', value: 'nora.invitee@example.org' }] });
    const { context, page } = await portalPage(ws, PHONE);
    const staffToken = tokenOf(page);
    await page.goto(`${ws.origin}/`);
    await signIn(page, 'demo.physician');
    const invite = await fetch(`${ws.origin}/fhir/Patient/${patient.id}/$portal-invite`, { method: 'POST', headers: { authorization: `Bearer ${await staffToken}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Parameters' }) });
    assert.equal(invite.status, 200, await invite.clone().text());
    await context.clearCookies();

    const mails = emlFiles(mailDir).map(readEml);
    const link = mails.map((m) => /(http\S+\/portal\/activate\?token=[A-Za-z0-9_-]+)/.exec(m.text)?.[1]).find(Boolean);
    assert.ok(link?.startsWith(`${ws.origin}/portal/activate?token=`), 'the mail holds the activation link');
    await page.goto(link!);
    assert.equal(await page.getByLabel('User name').inputValue(), 'nora.invitee@example.org', 'the user name defaults to the email');
    await page.getByLabel('User name').fill('nora.invitee');
    await page.getByLabel('Password', { exact: true }).fill('Meadow-Lantern-Copper-58');
    await page.getByLabel('Password again').fill('Meadow-Lantern-Copper-58');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByLabel('User name').waitFor();
    await page.screenshot({ path: `${SCREENS}portal-login-phone.png` });
    await page.getByLabel('User name').fill('nora.invitee');
    await page.getByLabel('Password').fill('Meadow-Lantern-Copper-58');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hello, Nora' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/portal\/?$/);
    await context.close();
  });
});
