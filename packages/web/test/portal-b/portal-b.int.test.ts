/**
 * The portal's appointments, intake, messages, billing and corrections pages in Chromium, on a
 * phone-sized screen, mounted as PortalApp mounts them (harness.tsx stands in for W1's frame)
 * over the contract's FHIR API held in memory (contract-fhir.ts; the server parts are built in
 * parallel). One flow: book a visit (a time taken meanwhile → "just taken", times reloaded), fill
 * in the pre-visit form (required, enableWhen, the server's 422 under its item), a refused and
 * then an accepted cancellation, a reschedule, a thread read and answered with an attachment, a
 * new message to a care team member (a 6 MB file refused), a declined then approved card payment
 * (one charge), and an amendment request about an allergy. Each page passes axe's WCAG A/AA rules.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Communication, Parameters, QuestionnaireResponse, Slot } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from '../e2e/axe-audit.ts';
import { noChromium, SCREENS } from '../e2e/workspace-fixture.ts';
import { startHarness, until, type Harness } from '../components/harness.ts';
import { contractFhir, type ContractFhir } from './contract-fhir.ts';
import { PATIENT, portalSeed } from './portal-seed.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

async function accessible(page: Page, screen: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], describeViolations(screen, violations));
  await page.screenshot({ path: `${SCREENS}portal-b-${screen}.png`, fullPage: true });
}

const location = (page: Page) => page.getByLabel('Location').textContent();
const card = (page: Page, id: string) => page.locator(`[data-appointment="${id}"]`);

describe('portal-b', { skip: noChromium }, () => {
  let harness: Harness;
  let fhir: ContractFhir;
  let page: Page;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    harness = await startHarness(HERE);
    fhir = contractFhir(portalSeed(), PATIENT, `Patient/${PATIENT}`);
    ({ page } = await harness.open('appointments', fhir.handler, { width: 390, height: 844 }));
  });
  after(async () => {
    await harness?.close();
  });

  it('lists visits: upcoming with their actions, too-late ones without, and past ones', async () => {
    await card(page, 'a-later').waitFor();
    const later = await card(page, 'a-later').innerText();
    assert.match(later, /Ana Ruiz/, 'the practitioner is named from the included Practitioner');
    assert.match(later, /Follow-up visit · Knee pain/);
    assert.ok(await card(page, 'a-later').getByRole('button', { name: 'Cancel visit' }).isVisible());
    assert.ok(await card(page, 'a-later').getByRole('link', { name: 'Fill in your pre-visit form' }).isVisible());
    assert.equal(await card(page, 'a-soon').getByRole('button', { name: 'Cancel visit' }).count(), 0, 'no cancel button inside the 24-hour window');
    assert.match(await card(page, 'a-soon').innerText(), /less than 24 hours.*call the clinic/);
    const sections = await page.locator('section').evaluateAll((s) => s.map((x) => [x.querySelector('h2')?.textContent, [...x.querySelectorAll('[data-appointment]')].map((a) => a.getAttribute('data-appointment'))]));
    assert.deepEqual(sections, [['Upcoming', ['a-soon', 'a-later']], ['Past and cancelled', ['a-past']]]);
    await accessible(page, 'appointments');
  });

  let bookedId = '';

  it('books a visit, recovering when the chosen time is taken first, then offers the intake form', async () => {
    await page.getByRole('link', { name: 'Book an appointment' }).click();
    await page.getByRole('heading', { name: 'Book an appointment', level: 1 }).waitFor();
    await page.getByRole('radio', { name: 'Ana Ruiz' }).check();
    assert.ok(await page.getByRole('radio', { name: 'Follow-up visit' }).isChecked(), "the schedule's first visit type is chosen");
    await page.getByRole('radio', { name: 'Sick visit' }).check();
    const days = page.getByRole('group', { name: 'Day' });
    await days.getByRole('button').first().waitFor();
    // The first day's 14:00 slot is busy: its first free time is 14:20 UTC.
    const [firstFree, secondFree] = fhir.all<Slot>('Slot').filter((s) => s.schedule.reference === 'Schedule/s1' && s.status === 'free').sort((a, b) => a.start.localeCompare(b.start));
    assert.ok(firstFree && secondFree);
    const times = page.getByRole('group', { name: /^Times on/ });
    assert.equal(await times.getByRole('button').first().innerText(), '2:20 PM');
    await times.getByRole('button', { name: '2:20 PM' }).click();
    assert.equal(await times.getByRole('button', { name: '2:20 PM' }).getAttribute('aria-pressed'), 'true');
    await page.getByLabel('Reason for the visit (optional)').fill('Knee still hurts');
    await accessible(page, 'book');

    // Someone else takes that time before the patient confirms.
    fhir.store.set(`Slot/${firstFree.id}`, { ...firstFree, status: 'busy' });
    await page.getByRole('button', { name: 'Book visit' }).click();
    await page.getByRole('alert').filter({ hasText: 'That time was just taken' }).waitFor();
    await until(page, `[...document.querySelectorAll('[role=group][aria-label^="Times on"] button')].map((b) => b.textContent).join() === '2:40 PM'`);

    await times.getByRole('button', { name: '2:40 PM' }).click();
    await page.getByRole('button', { name: 'Book visit' }).click();
    await page.getByRole('heading', { name: 'You are booked' }).waitFor();
    const booked = fhir.all<Appointment>('Appointment').find((a) => a.status === 'booked' && a.id?.startsWith('n'))!;
    bookedId = booked.id!;
    const bookCall = fhir.posts.filter((p) => p.path === 'Appointment/$book').at(-1)!.body as Parameters;
    assert.deepEqual(
      bookCall.parameter?.map((p) => [p.name, p.valueReference?.reference ?? p.valueCoding?.code ?? p.valueString]),
      [['slot', `Slot/${secondFree.id}`], ['patient', `Patient/${PATIENT}`], ['appointmentType', 'sick-visit'], ['reason', 'Knee still hurts']],
    );
    assert.equal((fhir.store.get(`Slot/${secondFree.id}`) as Slot).status, 'busy', 'the booked slot turned busy');
    await page.getByRole('link', { name: 'Fill in your pre-visit form' }).click();
    assert.equal(await location(page), `/portal/intake/${bookedId}`);
  });

  it('fills in the intake form: required answers, a follow-up question, the server refusing one answer', async () => {
    await page.getByRole('heading', { name: 'Pre-visit form', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('Which medications changed?').count(), 0, 'the follow-up is hidden until asked for');
    await page.getByRole('button', { name: 'Send form' }).click();
    await page.getByRole('alert').filter({ hasText: 'Please check the answers marked below.' }).waitFor();
    assert.match(await page.locator('[data-link-id="reason"]').evaluate((e) => e.closest('.mantine-InputWrapper-root')?.textContent ?? ''), /Please answer this question\./);
    assert.equal(await page.evaluate<string | null>('document.activeElement?.getAttribute("data-link-id") ?? null'), 'reason', 'the focus moves to the first problem');
    await page.getByLabel('What is the main reason for your visit?').fill('Knee pain on stairs');
    await page.getByRole('radiogroup', { name: 'Have your medications changed since your last visit?' }).getByRole('radio', { name: 'Yes' }).check();
    await page.getByLabel('Which medications changed?').fill('Started ibuprofen');
    await page.getByLabel(/Pain today/).fill('12');
    await page.getByRole('radio', { name: 'Several days' }).check();
    await accessible(page, 'intake');
    await page.getByRole('button', { name: 'Send form' }).click();
    // The form has no range for pain: the server's 422 names the item and shows under it.
    await page.getByText('Pain must be a number from 0 to 10.').waitFor();
    assert.match(await page.locator('[data-link-id="pain"]').evaluate((e) => e.closest('.mantine-InputWrapper-root')?.textContent ?? ''), /Pain must be a number from 0 to 10\./);
    await page.getByLabel(/Pain today/).fill('4');
    await page.getByRole('button', { name: 'Send form' }).click();
    await page.getByRole('heading', { name: 'Thank you, your form was sent' }).waitFor();
    const sent = fhir.all<QuestionnaireResponse>('QuestionnaireResponse');
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]!.extension, [{ url: 'https://continuum.dev/fhir/StructureDefinition/intake-appointment', valueReference: { reference: `Appointment/${bookedId}` } }]);
    assert.deepEqual(
      sent[0]!.item?.map((i) => [i.linkId, i.answer?.[0]]),
      [
        ['reason', { valueString: 'Knee pain on stairs' }],
        ['medication-changes', { valueBoolean: true }],
        ['medication-changes-detail', { valueString: 'Started ibuprofen' }],
        ['pain', { valueInteger: 4 }],
        ['phq2-1', { valueCoding: { system: 'http://loinc.org', code: 'LA6569-3', display: 'Several days' } }],
      ],
    );
    await page.getByRole('link', { name: 'Back to appointments' }).click();
    await card(page, bookedId).waitFor();
    assert.match(await card(page, bookedId).innerText(), /Pre-visit form sent/);
  });

  it('cancels a visit: the policy shown, the 422 when too late, then a cancellation', async () => {
    // The clinic lengthened its window after the page was loaded: the server refuses.
    fhir.policy.cancelHours = 200;
    await card(page, 'a-later').getByRole('button', { name: 'Cancel visit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this visit?' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /You can cancel or reschedule online up to 24 hours before your visit/);
    await dialog.getByLabel('Reason (optional)').fill('Feeling better');
    await accessible(page, 'cancel');
    await dialog.getByRole('button', { name: 'Cancel visit' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'up to 200 hours before they start. Please call the clinic.' }).waitFor();
    assert.equal((fhir.store.get('Appointment/a-later') as Appointment).status, 'booked', 'nothing changed');

    fhir.policy.cancelHours = 24;
    await dialog.getByRole('button', { name: 'Cancel visit' }).click();
    await page.getByRole('alert').filter({ hasText: 'was cancelled' }).waitFor();
    await until(page, `!!document.querySelector('[data-appointment="a-later"]')?.textContent?.includes('Reason: Feeling better')`);
    const sections = await page.locator('section').evaluateAll((s) => s.map((x) => [...x.querySelectorAll('[data-appointment]')].map((a) => a.getAttribute('data-appointment'))));
    assert.ok(sections[1]?.includes('a-later'), 'the cancelled visit moved to past and cancelled');
  });

  it('reschedules the booked visit to another day', async () => {
    await card(page, bookedId).getByRole('link', { name: 'Reschedule' }).click();
    await page.getByRole('heading', { name: 'Reschedule a visit', level: 1 }).waitFor();
    assert.ok(await page.getByRole('radio', { name: 'Ana Ruiz' }).isChecked(), "the visit's provider is preselected");
    assert.ok(await page.getByRole('radio', { name: 'Sick visit' }).isChecked(), "and its visit type");
    // The first day with a free time is the day after the booked one (that day's times are all taken).
    const days = page.getByRole('group', { name: 'Day' });
    await days.getByRole('button').first().click();
    await page.getByRole('group', { name: /^Times on/ }).getByRole('button', { name: '2:00 PM' }).click();
    await page.getByRole('button', { name: 'Move my visit' }).click();
    await page.getByRole('heading', { name: 'Your visit was moved' }).waitFor();
    const old = fhir.store.get(`Appointment/${bookedId}`) as Appointment;
    assert.equal(old.status, 'cancelled');
    assert.equal(old.cancelationReason?.text, 'Rescheduled');
    const moved = fhir.all<Appointment>('Appointment').filter((a) => a.status === 'booked' && a.id !== bookedId && a.id?.startsWith('n'));
    assert.equal(moved.length, 1);
    assert.equal(moved[0]!.slot?.[0]?.reference, 'Slot/s1-d3-0');
  });

  it('reads a thread (marking the reply read), sees the read receipt, and replies with an attachment', async () => {
    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Messages' }).click();
    const unread = page.getByRole('link', { name: 'Knee pain question, 1 unread' });
    await unread.waitFor();
    assert.equal(await page.evaluate<string>(`getComputedStyle(document.querySelector('a[aria-label="Knee pain question, 1 unread"] p')).fontWeight`), '700', 'an unread thread is bold');
    assert.ok(await page.getByRole('link', { name: 'Flu shot reminder' }).isVisible());
    const order = await page.getByRole('list', { name: 'Conversations' }).getByRole('link').allInnerTexts();
    assert.match(order[0]!, /^Knee pain question/, 'the most recently active thread first');
    await accessible(page, 'messages');

    await unread.click();
    await page.getByRole('heading', { name: 'Knee pain question' }).waitFor();
    await until(page, `document.body.textContent.includes('Read ')`);
    const receipt = await page.locator('.pb-receipt').first().innerText();
    assert.match(receipt, /^Read [A-Z][a-z]{2} \d{1,2}, 10:42$/, 'my first message was read at 10:42, two days ago');
    const markRead = fhir.posts.filter((p) => p.path.endsWith('/$mark-read')).map((p) => p.path);
    assert.deepEqual(markRead, ['Communication/c2/$mark-read'], 'only the unread message to me is marked read');
    assert.ok((fhir.store.get('Communication/c2') as Communication).received);

    await page.getByLabel('Your reply').fill('Thanks, I booked a visit.');
    await page.locator('form[aria-label="Reply"] input[type=file]').setInputFiles({ name: 'knee-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Pain 4/10 on stairs') });
    await accessible(page, 'thread');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.locator('.pb-bubble').filter({ hasText: 'Thanks, I booked a visit.' }).waitFor();
    assert.ok(await page.getByRole('button', { name: /knee-notes\.txt/ }).isVisible(), 'the attachment shows on the sent message');
    const reply = fhir.posts.filter((p) => p.path === `Patient/${PATIENT}/$message`).at(-1)!.body as Parameters;
    assert.equal(reply.parameter?.find((p) => p.name === 'thread')?.valueReference?.reference, 'Communication/c1');
    const attachment = reply.parameter?.find((p) => p.name === 'attachment')?.valueAttachment;
    assert.equal(Buffer.from(attachment?.data ?? '', 'base64').toString(), 'Pain 4/10 on stairs');
    assert.deepEqual([attachment?.contentType, attachment?.title, attachment?.size], ['text/plain', 'knee-notes.txt', 19]);
  });

  it('starts a new thread with a care team member, refusing a file over 5 MB', async () => {
    await page.getByRole('link', { name: '← All messages' }).click();
    await page.getByRole('link', { name: 'Knee pain question' }).waitFor();
    await page.getByRole('button', { name: 'New message' }).click();
    const to = page.getByRole('textbox', { name: 'To' });
    await until(page, `document.querySelector('input[aria-haspopup]')?.value === 'Ana Ruiz (primary care)'`);
    await to.click();
    await page.getByRole('option', { name: 'Ben Okafor (care team)' }).click();
    await page.getByLabel('Subject').fill('Travel vaccines');
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Which vaccines do I need for a trip?');
    const files = page.locator('form[aria-label="New message"] input[type=file]');
    await files.setInputFiles({ name: 'itinerary.png', mimeType: 'image/png', buffer: Buffer.alloc(6 * 1024 * 1024) });
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.getByText('itinerary.png is larger than 5 MB.').waitFor();
    const before = fhir.posts.length;
    await files.setInputFiles({ name: 'itinerary.png', mimeType: 'image/png', buffer: Buffer.alloc(2048) });
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.getByRole('heading', { name: 'Travel vaccines' }).waitFor();
    const sent = fhir.posts.slice(before).find((p) => p.path === `Patient/${PATIENT}/$message`)!.body as Parameters;
    assert.deepEqual(
      sent.parameter?.map((p) => [p.name, p.valueString ?? p.valueReference?.reference ?? p.valueAttachment?.title]),
      [['text', 'Which vaccines do I need for a trip?'], ['topic', 'Travel vaccines'], ['recipient', 'Practitioner/doc2'], ['attachment', 'itinerary.png']],
    );
    assert.match((await location(page)) ?? '', /^\/portal\/messages\/n\d+$/);
  });

  it('pays an invoice: line items, a declined card, then one approved charge', async () => {
    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Billing' }).click();
    await page.getByLabel('Your balance $125.00').waitFor();
    await page.getByRole('button', { name: /Office visit, \$125\.00 due/ }).click();
    const lines = page.getByRole('table', { name: 'Line items' });
    await lines.waitFor();
    const rows = await lines.locator('tbody tr').allInnerTexts();
    assert.deepEqual(rows.map((r) => r.split('\t').map((c) => c.trim())), [['Office visit', '99213', '$100.00'], ['Blood draw', '36415', '$25.00']]);
    assert.match(await page.getByRole('table', { name: 'Payments' }).innerText(), /Visa ending 1111\s+\$40\.00/);
    await accessible(page, 'billing');

    await page.getByRole('button', { name: 'Pay $125.00' }).click();
    const dialog = page.getByRole('dialog');
    assert.equal(await dialog.getByLabel('Amount (USD)').inputValue(), '125.00');
    await dialog.getByLabel('Card number').fill('4000 0000 0000 0002');
    await dialog.getByLabel('Expiry (MM/YY)').fill('12/30');
    await dialog.getByLabel('CVC').fill('123');
    await dialog.getByLabel('Name on card').fill('Maria Lopez');
    await accessible(page, 'pay');
    await dialog.getByRole('button', { name: 'Pay', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Your card was declined.' }).waitFor();
    assert.equal(fhir.charges.length, 0);
    await dialog.getByLabel('Card number').fill('4242 4242 4242 4242');
    await dialog.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Payment of $125.00 approved. Your balance is now $0.00.' }).waitFor();
    await page.getByLabel('Your balance $0.00').waitFor();
    assert.deepEqual(fhir.charges.map((c) => [c.amount, c.last4]), [[125, '4242']]);
    const keys = fhir.posts.filter((p) => p.path === 'Invoice/inv1/$pay').map((p) => (p.body as Parameters).parameter?.find((x) => x.name === 'idempotencyKey')?.valueString);
    assert.equal(keys.length, 2);
    assert.notEqual(keys[0], keys[1], 'each attempt has its own idempotency key');
    assert.ok(keys.every((k) => k && /^[0-9a-f-]{36}$/.test(k)));
  });

  it('requests a correction about an allergy and lists the requests with their decisions', async () => {
    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Corrections' }).click();
    const old = page.getByRole('article', { name: /Denied$/ });
    await old.waitFor();
    assert.match(await old.innerText(), /Reason: The value matches the laboratory report\./);
    await page.getByRole('textbox', { name: 'What is it about? (optional)' }).click();
    await page.getByRole('option', { name: 'Penicillin' }).click();
    await page.getByLabel('What should be corrected?').fill('I am not allergic to penicillin; it was a rash from a virus.');
    await accessible(page, 'corrections');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your request was sent.' }).waitFor();
    const waiting = page.getByRole('article', { name: /Waiting for review$/ });
    await waiting.waitFor();
    assert.match(await waiting.innerText(), /About: Penicillin/);
    assert.match(await waiting.innerText(), /Answer due by/);
    const request = fhir.posts.find((p) => p.path === `Patient/${PATIENT}/$request-amendment`)!.body as Parameters;
    assert.deepEqual(request.parameter?.find((p) => p.name === 'focus')?.valueReference, { reference: 'AllergyIntolerance/al1', display: 'Penicillin' });
    const order = await page.getByRole('article').evaluateAll((a) => a.map((x) => x.getAttribute('aria-label')?.split(': ')[1]));
    assert.deepEqual(order, ['Waiting for review', 'Denied'], 'newest first');
  });
});
