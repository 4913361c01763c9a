/**
 * The lab workflow end to end, in headless Chromium against a real server with a small demo
 * clinic. The physician orders the "Pre-op basic" order set from the chart (three orders and their
 * specimens in one transaction, checked through the FHIR API). The lab, as the system client,
 * posts a critical potassium for the BMP carrying only the placer order number. The server matches
 * it to the order (completing it) and raises a stat review Task for the physician: in the inbox it
 * comes first, boxed as a critical result still to acknowledge; the result review screen shows the
 * value, flag and range and the matched order; acknowledging asks for an explicit confirmation and
 * records who and when; the pending orders screen lists the CBC and INR but no longer the BMP.
 * A chest X-ray ordered from the chart is answered by a radiology report with its ImagingStudy,
 * shown (conclusion, report text, study) on the review screen. Screenshots go to
 * artifacts/screens/ and each new screen passes the axe WCAG A/AA audit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Patient, ServiceRequest, Specimen, Task } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { axeViolations, describeViolations } from './axe-audit.ts';
import { noChromium, SCREENS, signIn, startWorkspace, unlabelled, type Workspace } from './workspace-fixture.ts';

const REVIEW = 'urn:continuum:task-code|result-review';

describe('lab orders and critical results in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;
  let token: string;

  before(async () => {
    workspace = await startWorkspace(6);
    token = await clientCredentialsToken(workspace.origin, TEST_CLIENT);
  });
  after(async () => {
    await workspace?.close();
  });

  async function post(path: string, body: unknown): Promise<Bundle> {
    const res = await fetch(`${workspace.origin}/fhir/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
    assert.ok(res.ok, `POST ${path}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as Bundle;
  }

  async function audit(page: Page, screen: string): Promise<void> {
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, describeViolations(screen, violations));
  }

  it('orders a set with specimens, routes a critical result, acknowledges it, and the order leaves the pending list', async () => {
    const [patient] = await workspace.api<Patient>('Patient?_count=1&_sort=family');
    assert.ok(patient?.id, 'the demo has a patient');
    const context = await workspace.browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();

    // The order set, from the chart's Orders tab.
    await page.goto(`${workspace.origin}/patients/${patient.id}/orders`);
    await signIn(page);
    await page.getByRole('button', { name: 'Order set or panels' }).click();
    await page.getByRole('button', { name: 'Review orders' }).click();
    await page.getByText('Choose an order set or at least one test').waitFor();
    await page.getByRole('textbox', { name: 'Order set' }).click();
    await page.getByRole('option', { name: 'Pre-op basic' }).click();
    await page.getByRole('list', { name: 'Specimens and panel contents' }).getByText('Whole blood (EDTA tube)').waitFor();
    await page.getByLabel('Fasting specimen').check();
    assert.deepEqual(await unlabelled(page), [], 'every input of the order set form has a label');
    await page.screenshot({ path: `${SCREENS}lab-order-set-form.png`, fullPage: true });
    await audit(page, 'order set form');
    await page.getByRole('button', { name: 'Review orders' }).click();
    const toSign = page.getByRole('table', { name: 'Orders to sign' });
    await toSign.waitFor();
    assert.match(await toSign.innerText(), /LOINC 58410-2[\s\S]*Whole blood[\s\S]*LOINC 24320-4[\s\S]*Serum[\s\S]*LOINC 6301-6[\s\S]*Plasma/);
    await page.screenshot({ path: `${SCREENS}lab-order-set-review.png`, fullPage: true });
    await page.getByRole('button', { name: 'Sign 3 orders' }).click();
    await page.getByText('3 orders signed.').waitFor();

    // Through the API: three orders, one requisition, a specimen each, to be collected.
    const orders = await workspace.api<ServiceRequest>(`ServiceRequest?patient=${patient.id}&status=active&_sort=-authored&_count=3`);
    assert.equal(orders.length, 3);
    const requisition = orders[0]!.requisition?.value;
    assert.ok(requisition && orders.every((o) => o.requisition?.value === requisition));
    for (const o of orders) {
      const specimen = await workspace.read<Specimen>(o.specimen![0]!.reference!);
      assert.equal(specimen.collection?.collectedDateTime, undefined, 'to be collected');
      assert.ok(o.instantiatesCanonical?.some((c) => c.includes('PlanDefinition/pre-op-basic')));
    }
    const bmp = orders.find((o) => o.code?.coding?.[0]?.code === '24320-4')!;
    const me = bmp.requester!.reference!;

    // The lab posts a critical potassium for the BMP, naming the order only by its placer number.
    const now = new Date().toISOString();
    const placer = bmp.identifier!.find((i) => i.type?.coding?.[0]?.code === 'PLAC')!;
    const result = await post('', {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:7a1e0f7e-1c1f-4d2a-9a55-000000000001', request: { method: 'POST', url: 'Observation' }, resource: {
          resourceType: 'Observation', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
          code: { coding: [{ system: 'http://loinc.org', code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma' }], text: 'Potassium' },
          subject: { reference: `Patient/${patient.id}` }, effectiveDateTime: now, issued: now,
          valueQuantity: { value: 6.9, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
          referenceRange: [{ low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L' } }],
          interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'HH' }] }],
        } },
        { request: { method: 'POST', url: 'DiagnosticReport' }, resource: {
          resourceType: 'DiagnosticReport', status: 'final', identifier: [placer],
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] }],
          code: { coding: [{ system: 'http://loinc.org', code: '24320-4' }], text: 'Basic metabolic panel' },
          subject: { reference: `Patient/${patient.id}` }, issued: now, result: [{ reference: 'urn:uuid:7a1e0f7e-1c1f-4d2a-9a55-000000000001' }],
        } },
      ],
    });
    const reportId = /DiagnosticReport\/([^/]+)/.exec(result.entry![1]!.response!.location!)![1]!;
    const [task] = await workspace.api<Task>(`Task?focus=DiagnosticReport/${reportId}&code=${encodeURIComponent(REVIEW)}`);
    assert.equal(task?.priority, 'stat');
    assert.equal(task?.owner?.reference, me);

    // The inbox: first, flagged critical, still to acknowledge.
    await page.goto(`${workspace.origin}/inbox`);
    const first = page.locator('article.inbox-card').first();
    await first.waitFor();
    assert.equal(await first.getAttribute('data-report'), reportId, 'the critical result comes first');
    await first.getByText('Critical result: acknowledgement required').waitFor();
    await first.getByText('Critical high HH').first().waitFor();
    await page.screenshot({ path: `${SCREENS}lab-inbox-critical.png`, fullPage: true });
    await audit(page, 'inbox with a critical result');

    // The review screen.
    await first.getByRole('link', { name: /Open result/ }).click();
    await page.waitForURL(`${workspace.origin}/results/${reportId}`);
    await page.getByRole('heading', { name: 'Basic metabolic panel' }).waitFor();
    const table = page.getByRole('table', { name: 'Basic metabolic panel results' });
    assert.match(await table.innerText(), /Potassium[\s\S]*6\.9 mmol\/L[\s\S]*Critical high HH[\s\S]*3\.5–5\.1 mmol\/L/i);
    await page.locator(`[data-matched-order="${bmp.id}"]`).waitFor();
    await page.locator('[data-critical-unacknowledged]').waitFor();
    await page.screenshot({ path: `${SCREENS}lab-result-review-critical.png`, fullPage: true });
    await audit(page, 'result review');

    // Acknowledging a critical result needs an explicit confirmation.
    await page.getByRole('button', { name: 'Acknowledge critical result' }).click();
    const confirm = page.getByRole('button', { name: 'Confirm acknowledgement' });
    assert.equal(await confirm.isDisabled(), true, 'not before ticking the confirmation');
    await page.getByLabel('I have reviewed this critical result and will act on it').check();
    await page.screenshot({ path: `${SCREENS}lab-critical-confirm.png` });
    await confirm.click();
    await page.getByText('Basic metabolic panel acknowledged.').waitFor();
    await page.locator(`[data-acknowledged-by="${me}"]`).waitFor();
    const done = await workspace.read<Task>(`Task/${task.id}`);
    assert.equal(done.status, 'completed');
    assert.ok(done.executionPeriod?.end, 'when it was acknowledged');
    assert.equal(done.owner?.reference, me, 'by whom');
    assert.equal((await workspace.read<ServiceRequest>(`ServiceRequest/${bmp.id}`)).status, 'completed');

    // A comment, kept with the record.
    await page.getByRole('textbox', { name: 'Comment' }).fill('Repeat potassium today; patient called.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.getByText('Repeat potassium today; patient called.').waitFor();

    // Pending orders: the CBC and INR wait, the BMP is gone.
    await page.goto(`${workspace.origin}/orders`);
    const pending = page.getByRole('table', { name: 'Pending orders' });
    await pending.waitFor();
    for (const o of orders.filter((x) => x.id !== bmp.id)) await pending.locator(`tr[data-order="${o.id}"]`).waitFor();
    assert.equal(await pending.locator(`tr[data-order="${bmp.id}"]`).count(), 0, 'the resulted order left the list');
    assert.match(await pending.locator(`tr[data-order="${orders.find((o) => o.code?.coding?.[0]?.code === '58410-2')!.id}"]`).innerText(), /Whole blood: to be collected/);
    // The STAT filter hides these routine orders; "Any priority" brings them back.
    const filters = page.getByRole('group', { name: 'Filters' });
    const cbcRow = page.locator(`tr[data-order="${orders.find((o) => o.code?.coding?.[0]?.code === '58410-2')!.id}"]`);
    await filters.getByText('STAT', { exact: true }).click();
    await cbcRow.waitFor({ state: 'detached' });
    await filters.getByText('Any priority', { exact: true }).click();
    await cbcRow.waitFor();
    assert.deepEqual(await unlabelled(page), [], 'every filter has a label');
    await page.screenshot({ path: `${SCREENS}lab-pending-orders.png`, fullPage: true });
    await audit(page, 'pending orders');
    await context.close();
  });

  it('orders a chest X-ray; the radiology report with its ImagingStudy shows on the review screen', async () => {
    const [patient] = await workspace.api<Patient>('Patient?_count=1&_sort=-family');
    assert.ok(patient?.id);
    const context = await workspace.browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await page.goto(`${workspace.origin}/patients/${patient.id}/orders`);
    await signIn(page);
    await page.getByRole('button', { name: 'New imaging order' }).click();
    await page.getByRole('button', { name: 'Review orders' }).click();
    await page.getByText('Choose the imaging study').last().waitFor();
    await page.getByRole('textbox', { name: 'Study' }).click();
    await page.getByRole('option', { name: /Chest X-ray, 2 views/ }).click();
    assert.equal(await page.getByRole('textbox', { name: 'Body site' }).inputValue(), 'Chest', 'the study fills its body site');
    await page.getByLabel('Clinical information for the radiologist').fill('Cough for three weeks, smoker');
    assert.deepEqual(await unlabelled(page), [], 'every input of the imaging form has a label');
    await page.screenshot({ path: `${SCREENS}imaging-order-form.png`, fullPage: true });
    await page.getByRole('button', { name: 'Review orders' }).click();
    await page.getByRole('button', { name: 'Sign order' }).click();
    await page.getByText('Imaging order signed.').waitFor();
    const [order] = await workspace.api<ServiceRequest>(`ServiceRequest?patient=${patient.id}&category=http://snomed.info/sct|363679005&_sort=-authored&_count=1`);
    assert.ok(order, 'the imaging order is stored');
    assert.equal(order.code?.coding?.[0]?.code, '36643-5');
    assert.deepEqual(order.bodySite, [{ text: 'Chest' }]);

    // The radiology system posts the study and the report.
    const study = 'urn:uuid:8a1e0f7e-1c1f-4d2a-9a55-000000000001';
    const result = await post('', {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: study, request: { method: 'POST', url: 'ImagingStudy' }, resource: { resourceType: 'ImagingStudy', status: 'available', subject: { reference: `Patient/${patient.id}` }, basedOn: [{ reference: `ServiceRequest/${order.id}` }], modality: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'DX' }], started: new Date().toISOString(), numberOfSeries: 1, numberOfInstances: 2 } },
        { request: { method: 'POST', url: 'DiagnosticReport' }, resource: {
          resourceType: 'DiagnosticReport', status: 'final', basedOn: [{ reference: `ServiceRequest/${order.id}` }],
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD' }] }],
          code: { coding: [{ system: 'http://loinc.org', code: '36643-5' }], text: 'XR Chest 2 Views' }, subject: { reference: `Patient/${patient.id}` }, issued: new Date().toISOString(),
          imagingStudy: [{ reference: study }], conclusion: 'No acute cardiopulmonary process.',
          presentedForm: [{ contentType: 'text/plain', data: Buffer.from('FINDINGS: The lungs are clear. Heart size is normal.').toString('base64') }],
        } },
      ],
    });
    const reportId = /DiagnosticReport\/([^/]+)/.exec(result.entry![1]!.response!.location!)![1]!;
    assert.equal((await workspace.read<ServiceRequest>(`ServiceRequest/${order.id}`)).status, 'completed');
    await page.goto(`${workspace.origin}/results/${reportId}`);
    await page.getByText('No acute cardiopulmonary process.').waitFor();
    await page.getByText('FINDINGS: The lungs are clear. Heart size is normal.').waitFor();
    await page.getByText(/Imaging study: DX, available/).waitFor();
    await page.locator(`[data-matched-order="${order.id}"]`).waitFor();
    await page.screenshot({ path: `${SCREENS}imaging-result-review.png`, fullPage: true });
    await audit(page, 'imaging result review');
    // A normal result is acknowledged without a confirmation.
    await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await page.getByText('XR Chest 2 Views acknowledged.').waitFor();
    await context.close();
  });
});
