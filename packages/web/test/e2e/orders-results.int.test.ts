/**
 * Ordering and results end to end, in headless Chromium against a real server with a small demo
 * clinic. The physician orders an HbA1c from the chart (form, review with the order checks,
 * sign) and a medication (a missing medication is refused in the form first), then discontinues
 * the medication; each write is checked through the FHIR API. A lab system then posts results as
 * any API client would (a transaction: Observation + DiagnosticReport `basedOn` the order): an
 * HbA1c above its range, and a newer, normal glucose. In the physician's inbox the HbA1c comes
 * first, flagged High, with its reference range and a trend of the API's earlier HbA1c values;
 * the physician acknowledges it (a completed review Task, via the API) and forwards the glucose
 * to the nurse, who finds it in her inbox and her tasks and marks it done. Screenshots of the
 * orders tab, the order form and its review, the inbox and the tasks go to artifacts/screens/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, MedicationRequest, Observation, Patient, Practitioner, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { desktopPage, noChromium, overrideAlerts, SCREENS, signIn, startWorkspace, unlabelled, type Workspace } from './workspace-fixture.ts';

const LOINC = 'http://loinc.org';
const REVIEW = 'urn:continuum:task-code|result-review';

describe('orders and the results inbox in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;
  let token: string;

  before(async () => {
    workspace = await startWorkspace();
    token = await clientCredentialsToken(workspace.origin, TEST_CLIENT);
  });
  after(async () => {
    await workspace?.close();
  });

  /** A write as the system client (the lab interface). */
  async function post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${workspace.origin}/fhir/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
    assert.ok(res.ok, `POST ${path}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  }

  /** A lab's result: one Observation and its DiagnosticReport, based on the order, in one transaction. */
  async function postResult(order: ServiceRequest, code: string, display: string, value: number, unit: string, low: number, high: number, issued: Date): Promise<string> {
    const bundle = await post<Bundle>('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:6a1e0f7e-1c1f-4d2a-9a55-000000000001',
          request: { method: 'POST', url: 'Observation' },
          resource: {
            resourceType: 'Observation', status: 'final', basedOn: [{ reference: `ServiceRequest/${order.id}` }],
            category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
            code: { coding: [{ system: LOINC, code, display }], text: display }, subject: order.subject, effectiveDateTime: issued.toISOString(), issued: issued.toISOString(),
            valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
            referenceRange: [{ low: { value: low, unit, system: 'http://unitsofmeasure.org', code: unit }, high: { value: high, unit, system: 'http://unitsofmeasure.org', code: unit } }],
          },
        },
        {
          request: { method: 'POST', url: 'DiagnosticReport' },
          resource: {
            resourceType: 'DiagnosticReport', status: 'final', basedOn: [{ reference: `ServiceRequest/${order.id}` }],
            category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] }],
            code: { coding: [{ system: LOINC, code, display }], text: display }, subject: order.subject, effectiveDateTime: issued.toISOString(), issued: issued.toISOString(),
            result: [{ reference: 'urn:uuid:6a1e0f7e-1c1f-4d2a-9a55-000000000001' }],
          },
        },
      ],
    });
    const location = bundle.entry?.[1]?.response?.location ?? '';
    const id = /DiagnosticReport\/([^/]+)/.exec(location)?.[1];
    assert.ok(id, `the report was created (${location})`);
    return id;
  }

  /** Picks an option in a labelled select, typing first to search when `typed` is given. */
  async function choose(page: Page, label: string, typed: string, option: string | RegExp): Promise<void> {
    const box = page.getByRole('combobox', { name: label, exact: true }).or(page.getByRole('textbox', { name: label, exact: true })).first();
    await box.click();
    if (typed) await box.fill(typed);
    await page.getByRole('option', { name: option }).first().click();
  }

  async function headerName(page: Page): Promise<string> {
    const header = page.locator('header');
    await header.getByRole('button', { name: 'Sign out' }).waitFor();
    for (let i = 0; i < 100; i++) {
      const text = (await header.getByTestId('user-name').innerText()).trim();
      if (text && !text.startsWith('demo.') && text !== 'Signed in') return text;
      await page.waitForTimeout(100);
    }
    throw new Error('the header never showed the user name');
  }

  it('orders a lab and a medication, then reviews the result in the inbox and forwards one to the nurse', async () => {
    // A patient with earlier HbA1c results, for the trend.
    const a1cs = await workspace.api<Observation>(`Observation?code=${encodeURIComponent(`${LOINC}|4548-4`)}&_count=50`);
    const patientRef = a1cs.find((o) => o.subject?.reference?.startsWith('Patient/'))?.subject?.reference;
    assert.ok(patientRef, 'the demo has a patient with HbA1c results');
    const patientId = patientRef.slice('Patient/'.length);
    const patient = await workspace.read<Patient>(patientRef);

    // The nurse's name, as her own header shows it.
    const nurse = await desktopPage(workspace);
    await nurse.page.goto(`${workspace.origin}/tasks`);
    await signIn(nurse.page, 'demo.nurse');
    const nurseName = await headerName(nurse.page);

    // The physician opens the chart's Orders tab by deep link.
    const { context, page } = await desktopPage(workspace);
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(`${workspace.origin}/patients/${patientId}/orders`);
    await signIn(page);
    await page.waitForURL(`${workspace.origin}/patients/${patientId}/orders`);
    const physicianName = await headerName(page);
    const orders = page.getByRole('table', { name: 'Orders' });
    await orders.or(page.getByText('No orders.')).first().waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Orders' }).getAttribute('aria-selected'), 'true', 'the Orders tab is open');
    const existing = await workspace.api<MedicationRequest>(`MedicationRequest?patient=${patientId}&_count=50`);
    assert.equal(await page.locator('tr[data-order^="MedicationRequest/"]').count(), existing.length, 'every medication order of the API is listed');
    await page.screenshot({ path: `${SCREENS}orders-tab-desktop.png`, fullPage: true });

    // A lab order: HbA1c, urgent, with a note.
    await page.getByRole('button', { name: 'New lab order' }).click();
    await page.getByRole('button', { name: 'Review order' }).click();
    await page.getByText('Choose the test to order').waitFor();
    await choose(page, 'Test', 'hemoglobin a1c', /Hemoglobin A1c\/Hemoglobin.total in Blood/);
    await page.getByRole('radio', { name: 'Urgent' }).check();
    await page.getByLabel('Note to the lab').fill('Fasting not required');
    assert.deepEqual(await unlabelled(page), [], 'every input of the lab order form has a label');
    await page.screenshot({ path: `${SCREENS}orders-lab-form.png`, fullPage: true });
    await page.getByRole('button', { name: 'Review order' }).click();
    const toSign = page.getByRole('table', { name: 'Order to sign' });
    await toSign.waitFor();
    assert.match(await toSign.innerText(), /LOINC 4548-4[\s\S]*Urgent[\s\S]*Fasting not required/);
    await overrideAlerts(page);
    await page.screenshot({ path: `${SCREENS}orders-lab-review.png`, fullPage: true });
    await page.getByRole('button', { name: 'Sign order' }).click();
    await page.getByText('Lab order signed.').waitFor();

    const [a1cOrder] = await workspace.api<ServiceRequest>(`ServiceRequest?patient=${patientId}&code=${encodeURIComponent(`${LOINC}|4548-4`)}&_sort=-authored&_count=1`);
    assert.ok(a1cOrder, 'the ServiceRequest is stored');
    assert.equal(a1cOrder.status, 'active');
    assert.equal(a1cOrder.intent, 'order');
    assert.equal(a1cOrder.priority, 'urgent');
    assert.equal(a1cOrder.category?.[0]?.coding?.[0]?.code, '108252007');
    assert.equal(a1cOrder.note?.[0]?.text, 'Fasting not required');
    const physicianRef = a1cOrder.requester?.reference ?? '';
    assert.match(physicianRef, /^Practitioner\//, 'the requester is a practitioner');
    const physician = await workspace.read<Practitioner>(physicianRef);
    assert.ok(physicianName.includes(physician.name?.[0]?.family ?? '?'), `the requester is the signed-in physician (${physicianName})`);
    await page.locator(`tr[data-order="ServiceRequest/${a1cOrder.id}"]`).getByText('active').waitFor();

    // A medication order: refused without a medication, then metformin twice daily.
    await page.getByRole('button', { name: 'New medication order' }).click();
    await page.getByRole('button', { name: 'Review order' }).click();
    await page.getByText('Choose the medication to prescribe').waitFor();
    await choose(page, 'Medication', 'metformin 500', /^metformin hydrochloride\s*500 mg\s*Oral Tablet(?!.*\[)/i);
    await choose(page, 'Frequency', '', 'twice daily');
    await page.getByLabel('Quantity to dispense').fill('0');
    await page.getByRole('button', { name: 'Review order' }).click();
    await page.getByText('Enter a whole quantity greater than 0').waitFor();
    await page.getByLabel('Quantity to dispense').fill('60');
    await page.getByLabel('Refills').fill('3');
    assert.equal(await page.locator('[data-sig]').innerText(), 'Directions: Take 1 tablet by mouth twice daily', 'the directions are written from the structured dose');
    assert.deepEqual(await unlabelled(page), [], 'every input of the medication order form has a label');
    await page.screenshot({ path: `${SCREENS}orders-medication-form.png`, fullPage: true });
    await page.getByRole('button', { name: 'Review order' }).click();
    await overrideAlerts(page);
    await page.getByRole('button', { name: 'Sign order' }).click();
    await page.getByText('Medication order signed.').waitFor();
    const [metformin] = await workspace.api<MedicationRequest>(`MedicationRequest?patient=${patientId}&code=861007&_sort=-authoredon&_count=1`);
    assert.ok(metformin, 'the MedicationRequest is stored');
    assert.equal(metformin.status, 'active');
    assert.equal(metformin.requester?.reference, physicianRef);
    assert.equal(metformin.dosageInstruction?.[0]?.text, 'Take 1 tablet by mouth twice daily');
    assert.equal(metformin.dosageInstruction?.[0]?.timing?.repeat?.frequency, 2);
    assert.equal(metformin.dispenseRequest?.quantity?.value, 60);
    assert.equal(metformin.dispenseRequest?.numberOfRepeatsAllowed, 3);

    // Discontinued, with a reason.
    const row = page.locator(`tr[data-order="MedicationRequest/${metformin.id}"]`);
    await row.getByRole('button', { name: /Discontinue/ }).click();
    await page.getByRole('button', { name: 'Discontinue', exact: true }).click();
    await page.getByText('Give a reason').waitFor();
    await page.getByLabel('Reason').fill('GI intolerance');
    await page.getByRole('button', { name: 'Discontinue', exact: true }).click();
    await row.getByText('stopped').waitFor();
    const stopped = await workspace.read<MedicationRequest>(`MedicationRequest/${metformin.id}`);
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.statusReason?.text, 'GI intolerance');
    await page.screenshot({ path: `${SCREENS}orders-tab-after.png`, fullPage: true });

    // The lab posts results: the HbA1c above range, then a newer normal glucose (on a second order).
    const glucoseOrder = await post<ServiceRequest>('ServiceRequest', {
      resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: patientRef }, requester: { reference: physicianRef },
      code: { coding: [{ system: LOINC, code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }] }, authoredOn: new Date().toISOString(),
    });
    const a1cReport = await postResult(a1cOrder, '4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', 9.1, '%', 4, 5.6, new Date(Date.now() - 60_000));
    const glucoseReport = await postResult(glucoseOrder, '2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 88, 'mg/dL', 70, 99, new Date());

    // The physician's inbox: the abnormal HbA1c first, though the glucose is newer.
    await page.getByRole('link', { name: 'Inbox' }).click();
    await page.waitForURL(`${workspace.origin}/inbox`);
    const cards = page.locator('article.inbox-card');
    await cards.nth(1).waitFor();
    const order = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-report')));
    assert.deepEqual(order.slice(0, 2), [a1cReport, glucoseReport], 'the abnormal result comes first');
    const a1cCard = page.locator(`article[data-report="${a1cReport}"]`);
    assert.equal(await a1cCard.getAttribute('data-flag'), 'H');
    const a1cRow = a1cCard.locator('tbody tr').first();
    assert.equal((await a1cRow.locator('[data-value]').innerText()).trim(), '9.1 %');
    assert.equal((await a1cRow.locator('[data-range]').innerText()).trim(), '4–5.6 %');
    assert.equal(await a1cRow.getByLabel('High').count(), 1, 'flagged High in words');
    const history = (await workspace.api<Observation>(`Observation?subject=${patientRef}&code=${encodeURIComponent(`${LOINC}|4548-4`)}&_sort=-date&_count=12`)).filter((o) => o.valueQuantity?.value !== undefined);
    const trend = a1cRow.locator('[data-trend-values]');
    await trend.waitFor();
    assert.equal(await trend.getAttribute('data-trend-values'), history.map((o) => o.valueQuantity!.value).reverse().join(','), "the trend is the API's HbA1c values, oldest to newest, ending with this one");
    assert.ok((await trend.locator('path.recharts-curve').count()) >= 1, 'the trend line is drawn');
    assert.equal(await a1cCard.getByText(patient.name?.[0]?.family ?? '?', { exact: false }).count() > 0, true, 'the card names the patient');
    assert.deepEqual(await unlabelled(page), [], 'every input of the inbox has a label');
    await page.screenshot({ path: `${SCREENS}inbox-desktop.png`, fullPage: true });

    // Acknowledge the HbA1c: a completed review Task of the physician's; the card leaves.
    await a1cCard.getByRole('button', { name: /^Acknowledge/ }).click();
    await a1cCard.waitFor({ state: 'detached' });
    const acks = await workspace.api<Task>(`Task?code=${encodeURIComponent(REVIEW)}&focus=DiagnosticReport/${a1cReport}`);
    assert.equal(acks.length, 1);
    assert.equal(acks[0]!.status, 'completed');
    assert.equal(acks[0]!.owner?.reference, physicianRef);
    assert.equal(acks[0]!.for?.reference, patientRef);

    // Forward the glucose to the nurse with a note.
    const glucoseCard = page.locator(`article[data-report="${glucoseReport}"]`);
    await glucoseCard.getByRole('button', { name: /^Forward/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Forward', exact: true }).click();
    await dialog.getByText('Choose who should review this result').waitFor();
    await choose(page, 'Forward to', nurseName.split(' ').slice(-1)[0]!, nurseName);
    await dialog.getByLabel('Note').fill('Please call the patient with this result');
    await dialog.getByRole('button', { name: 'Forward', exact: true }).click();
    await glucoseCard.waitFor({ state: 'detached' });
    const reviews = await workspace.api<Task>(`Task?code=${encodeURIComponent(REVIEW)}&focus=DiagnosticReport/${glucoseReport}`);
    const forwardedTask = reviews.find((t) => t.status === 'requested');
    assert.ok(forwardedTask, 'a review Task was created for the nurse');
    assert.equal(forwardedTask.requester?.reference, physicianRef, 'it records who forwarded it');
    assert.equal(forwardedTask.note?.[0]?.text, 'Please call the patient with this result');
    const nurseRef = forwardedTask.owner?.reference ?? '';
    const nursePractitioner = await workspace.read<Practitioner>(nurseRef);
    assert.ok(nurseName.includes(nursePractitioner.name?.[0]?.family ?? '?'), 'owned by the nurse');
    assert.ok(reviews.some((t) => t.status === 'completed' && t.owner?.reference === physicianRef), "and the physician's own review is done");
    await page.reload();
    await page.getByText('No new results').waitFor();
    // Both are in the acknowledged list, the latest review first.
    await page.getByText('Acknowledged', { exact: true }).click();
    await page.locator('article.inbox-card').nth(1).waitFor();
    assert.deepEqual(await page.locator('article.inbox-card').evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute('data-report'))), [glucoseReport, a1cReport]);
    assert.equal(await page.locator('article.inbox-card [data-reviewed]').count(), 2, 'each says when it was acknowledged');
    assert.equal(await page.getByRole('button', { name: /^Acknowledge / }).count(), 0, 'and cannot be acknowledged again');
    await page.screenshot({ path: `${SCREENS}inbox-acknowledged.png`, fullPage: true });

    // The nurse's inbox shows it, forwarded by the physician with the note.
    await nurse.page.goto(`${workspace.origin}/inbox`);
    const forwardedCard = nurse.page.locator(`article[data-report="${glucoseReport}"]`);
    await forwardedCard.waitFor();
    assert.match(await forwardedCard.innerText(), new RegExp(`Forwarded by ${physicianName}: “Please call the patient with this result”`));
    await nurse.page.screenshot({ path: `${SCREENS}inbox-forwarded-nurse.png`, fullPage: true });

    // And her tasks; marking it done completes the Task.
    await nurse.page.getByRole('link', { name: 'Tasks' }).click();
    const taskRow = nurse.page.locator(`tr[data-item="Task/${forwardedTask.id}"]`);
    await taskRow.waitFor();
    assert.equal(await taskRow.getAttribute('data-open'), 'true');
    const taskText = await taskRow.innerText();
    assert.ok(taskText.includes(patient.name?.[0]?.family ?? '?'), 'with the patient');
    assert.ok(taskText.includes(`From ${physicianName}: Please call the patient with this result`), `with who forwarded it and the note: ${taskText}`);
    const firstRow = nurse.page.getByRole('table', { name: 'My tasks and messages' }).locator('tbody tr').first();
    assert.equal(await firstRow.getAttribute('data-open'), 'true', 'open tasks come first');
    assert.deepEqual(await unlabelled(nurse.page), []);
    await nurse.page.screenshot({ path: `${SCREENS}tasks-desktop.png`, fullPage: true });
    await taskRow.getByRole('button', { name: /^Mark done/ }).click();
    await nurse.page.locator(`tr[data-item="Task/${forwardedTask.id}"][data-open="false"]`).waitFor();
    assert.equal((await workspace.read<Task>(`Task/${forwardedTask.id}`)).status, 'completed');

    // Tablet width.
    await nurse.page.setViewportSize({ width: 820, height: 1180 });
    await nurse.page.reload();
    await nurse.page.getByRole('table', { name: 'My tasks and messages' }).waitFor();
    await nurse.page.screenshot({ path: `${SCREENS}tasks-tablet.png`, fullPage: true });
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto(`${workspace.origin}/patients/${patientId}/orders`);
    await page.getByRole('table', { name: 'Orders' }).waitFor();
    await page.screenshot({ path: `${SCREENS}orders-tab-tablet.png`, fullPage: true });
    assert.deepEqual(cspErrors, [], 'the Content-Security-Policy blocked nothing');
    await nurse.context.close();
    await context.close();
  });
});
