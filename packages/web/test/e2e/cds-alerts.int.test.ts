/**
 * Decision-support alerts end to end, in headless Chromium against a real server with a small demo
 * clinic and the real CDS Hooks services behind `/cds-client`. A demo patient is given (through the
 * FHIR API) an active simvastatin order; the physician prescribes clarithromycin: the interaction
 * card shows while composing (order-select) and in the review (order-sign), critical, with its
 * source; "Sign order" stays disabled until the card is overridden with a reason; signing writes
 * the MedicationRequest with a DetectedIssue holding the mitigation and reason, and the override's
 * feedback reaches the audit trail. Then: "Remove the … order" discards a draft (nothing written);
 * "Switch to pravastatin" replaces a simvastatin draft and the re-run checks clear; and a patient
 * with an unreviewed critical result sees it at the top of the chart summary. A duplicate lab order
 * warns, with a link to the earlier result. Screenshots of the
 * card and the override dialog go to artifacts/screens/; the review step passes the axe audit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent, DetectedIssue, MedicationRequest, Patient } from '@medplum/fhirtypes';
import type { BrowserContext, Page } from 'playwright-core';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { axeViolations, describeViolations } from './axe-audit.ts';
import { desktopPage, noChromium, SCREENS, signIn, startWorkspace, unlabelled, type Workspace } from './workspace-fixture.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const CLARITHROMYCIN = { code: '197517', display: 'clarithromycin 500 MG Oral Tablet' };
const SIMVASTATIN = { code: '198211', display: 'simvastatin 40 MG Oral Tablet' };

describe('decision-support alerts in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;
  let token: string;
  let patients: Patient[];

  before(async () => {
    workspace = await startWorkspace(6);
    token = await clientCredentialsToken(workspace.origin, TEST_CLIENT);
    patients = await workspace.api<Patient>('Patient?_count=6');
    assert.ok(patients.length >= 3, 'the demo has patients');
  });
  after(async () => {
    await workspace?.close();
  });

  /** A write as the system client (another app recording the patient's medications, or a lab). */
  async function post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${workspace.origin}/fhir/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
    assert.ok(res.ok, `POST ${path}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  }
  const activeOrder = (patientId: string, drug: { code: string; display: string }) =>
    post<MedicationRequest>('MedicationRequest', {
      resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${patientId}` }, authoredOn: new Date(Date.now() - 86_400_000).toISOString(),
      medicationCodeableConcept: { coding: [{ system: RXNORM, ...drug }], text: drug.display }, dosageInstruction: [{ text: 'Take 1 tablet by mouth once daily' }],
    });

  /** A desktop page whose context accepts the injected axe script (see axe-audit.ts). */
  async function auditPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await workspace.browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
    context.setDefaultTimeout(60_000);
    return { context, page: await context.newPage() };
  }

  async function choose(page: Page, label: string, typed: string, option: string | RegExp): Promise<void> {
    const box = page.getByRole('combobox', { name: label, exact: true }).or(page.getByRole('textbox', { name: label, exact: true })).first();
    await box.click();
    if (typed) await box.fill(typed);
    await page.getByRole('option', { name: option }).first().click();
  }

  /** Opens the patient's Orders tab and the medication order form with `drug` chosen. */
  async function composeMedication(page: Page, patientId: string, drug: { code: string; display: string }): Promise<void> {
    await page.goto(`${workspace.origin}/patients/${patientId}/orders`);
    await page.getByRole('button', { name: 'New medication order' }).click();
    // The catalogue picker shows the ingredient, the strength and the form (then a brand in brackets, and the classes).
    const [, name, strength, form] = /^(.+?) (\d+(?:\.\d+)?) MG (.+)$/.exec(drug.display)!;
    await choose(page, 'Medication', `${name} ${strength}`, new RegExp(`^${name}\\s*${strength} mg\\s*${form}(?!.*\\[)`, 'i'));
  }

  /** The decision on every critical or warning card but `except`: overridden, "not clinically relevant". */
  async function overrideOthers(page: Page, except: string): Promise<void> {
    for (;;) {
      const pending = page.locator(`article[data-card]:not([data-card="${except}"])`).filter({ has: page.getByRole('button', { name: /^Override:/ }) });
      if ((await pending.count()) === 0) return;
      await pending.first().getByRole('button', { name: /^Override:/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('radio', { name: 'Not clinically relevant for this patient' }).check();
      await dialog.getByRole('button', { name: 'Override', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
    }
  }

  it('alerts on simvastatin with clarithromycin, and signs only after an override with a reason, recorded as a DetectedIssue and in the audit trail', async () => {
    const patient = patients[0]!;
    await activeOrder(patient.id!, SIMVASTATIN);
    const { context, page } = await auditPage();
    await page.goto(`${workspace.origin}/patients/${patient.id}/orders`);
    await signIn(page);
    await composeMedication(page, patient.id!, CLARITHROMYCIN);
    await choose(page, 'Frequency', '', 'twice daily');

    // order-select: the card shows under the form as soon as the drug is chosen.
    const selectCard = page.getByRole('region', { name: 'Checks so far' }).locator('article[data-indicator="critical"]').filter({ hasText: /simvastatin/i });
    await selectCard.first().waitFor();
    assert.match(await selectCard.first().innerText(), /clarithromycin/i);
    await page.screenshot({ path: `${SCREENS}cds-order-select.png`, fullPage: true });

    // order-sign, in the review.
    await page.getByRole('button', { name: 'Review order' }).click();
    const card = page.getByRole('region', { name: 'Order checks' }).locator('article[data-card]').filter({ hasText: /simvastatin/i }).first();
    await card.waitFor();
    const cardId = (await card.getAttribute('data-card')) ?? '';
    assert.equal(await card.getAttribute('data-indicator'), 'critical');
    assert.equal((await card.locator('[data-severity]').textContent())?.trim(), 'Critical', 'the severity in words, not only in colour');
    assert.equal(await card.getAttribute('role'), 'alert');
    const source = card.locator('[data-source]');
    assert.match(await source.innerText(), /^Source: Continuum order checks/);
    assert.match((await source.getByRole('link').getAttribute('href')) ?? '', /^https:\/\//, 'the source links to its reference');
    assert.ok((await card.getByText('References').count()) > 0, 'the detail (markdown) is shown');
    assert.equal(await card.locator('script, [onerror]').count(), 0);
    const signButton = page.getByRole('button', { name: 'Sign order' });
    assert.equal(await signButton.isDisabled(), true, 'signing waits for the alert');
    assert.match(await page.locator('[data-sign-hint]').innerText(), /^Act on or override the (\d+ )?alerts? to sign\.$/, 'and says why');
    await overrideOthers(page, cardId);
    assert.equal(await signButton.isDisabled(), true, 'still waiting for the interaction card');
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations('the review step with cards', violations));
    await page.screenshot({ path: `${SCREENS}cds-review-with-card.png`, fullPage: true });
    await card.screenshot({ path: `${SCREENS}cds-card-critical.png` });

    // Override: a critical card needs a reason.
    await card.getByRole('button', { name: /^Override:/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Override', exact: true }).click();
    await dialog.getByText('A critical alert needs a reason: choose one').waitFor();
    await dialog.getByRole('radio', { name: 'Will monitor or adjust the dose' }).check();
    await dialog.getByLabel('Comment').fill('Short course; CK checked on day 5');
    assert.deepEqual(await unlabelled(page), [], 'every input of the override dialog has a label');
    await page.screenshot({ path: `${SCREENS}cds-override-dialog.png` });
    await dialog.getByRole('button', { name: 'Override', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.match(await card.locator('[data-decision="overridden"]').innerText(), /Overridden: Will monitor or adjust the dose: Short course; CK checked on day 5/);
    assert.equal(await signButton.isDisabled(), false, 'every alert is decided');
    assert.equal(await page.locator('[data-sign-hint]').count(), 0);
    const decided = await axeViolations(page);
    assert.deepEqual(decided, [], describeViolations("the review step with a decided card", decided));
    await signButton.click();
    await page.getByText('Medication order signed.').waitFor();

    // The order, with its DetectedIssue.
    const [order] = await workspace.api<MedicationRequest>(`MedicationRequest?patient=${patient.id}&code=${CLARITHROMYCIN.code}&_sort=-authoredon&_count=1`);
    assert.ok(order, 'the MedicationRequest is stored');
    assert.equal(order.status, 'active');
    const issueRefs = (order.detectedIssue ?? []).map((r) => r.reference ?? '');
    assert.ok(issueRefs.length >= 1, 'it names its detected issues');
    const issues = await Promise.all(issueRefs.map((r) => workspace.read<DetectedIssue>(r)));
    const issue = issues.find((i) => /simvastatin/i.test(i.detail ?? ''));
    assert.ok(issue, 'the interaction is recorded');
    assert.equal(issue.status, 'final');
    assert.equal(issue.severity, 'high');
    assert.equal(issue.code?.coding?.[0]?.code, 'DRG');
    assert.deepEqual(issue.patient, { reference: `Patient/${patient.id}` });
    assert.deepEqual(issue.implicated, [{ reference: `MedicationRequest/${order.id}` }]);
    assert.equal(issue.author?.reference, order.requester?.reference, 'by the prescriber');
    assert.match(issue.reference ?? '', /^https:\/\//);
    const mitigation = issue.mitigation?.[0];
    assert.deepEqual(mitigation?.action.coding?.[0], { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '1', display: 'Therapy Appropriate' });
    assert.equal(mitigation?.action.text, 'Overridden: Will monitor or adjust the dose: Short course; CK checked on day 5');
    assert.equal(mitigation?.author?.reference, order.requester?.reference);

    // The override's feedback, in the audit trail (sent after the signing: wait for it).
    let event: AuditEvent | undefined;
    for (let i = 0; i < 100 && !event; i++) {
      const events = await workspace.api<AuditEvent>(`AuditEvent?patient=${patient.id}&_count=200`);
      event = events.find((e) => e.outcomeDesc?.includes(cardId));
      if (!event) await page.waitForTimeout(100);
    }
    assert.ok(event, 'the feedback is in the audit trail');
    assert.match(event.outcomeDesc ?? '', /overridden/);
    assert.match(event.outcomeDesc ?? '', /will-monitor/);
    assert.match(event.outcomeDesc ?? '', /Short course; CK checked on day 5/);
    await context.close();
  });

  it('discards the draft when the clinician takes "Remove the … order": nothing is written', async () => {
    const patient = patients[1]!;
    await activeOrder(patient.id!, SIMVASTATIN);
    const { context, page } = await desktopPage(workspace);
    await page.goto(`${workspace.origin}/patients/${patient.id}/orders`);
    await signIn(page);
    const before = await workspace.api<MedicationRequest>(`MedicationRequest?patient=${patient.id}&_count=200`);
    await composeMedication(page, patient.id!, CLARITHROMYCIN);
    await page.getByRole('button', { name: 'Review order' }).click();
    const card = page.getByRole('region', { name: 'Order checks' }).locator('article[data-card]').filter({ hasText: /simvastatin/i }).first();
    const cardId = (await card.getAttribute('data-card')) ?? '';
    await card.getByRole('button', { name: `Remove the ${CLARITHROMYCIN.display} order` }).click();
    await page.getByRole('button', { name: 'New medication order' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Order checks' }).count(), 0, 'the review is gone');
    const now = await workspace.api<MedicationRequest>(`MedicationRequest?patient=${patient.id}&_count=200`);
    assert.deepEqual(now.map((o) => o.id).sort(), before.map((o) => o.id).sort(), 'no order was written');
    // The suggestion taken is reported as accepted feedback, in the audit trail.
    let event: AuditEvent | undefined;
    for (let i = 0; i < 100 && !event; i++) {
      event = (await workspace.api<AuditEvent>(`AuditEvent?patient=${patient.id}&_count=200`)).find((e) => e.outcomeDesc?.includes(cardId));
      if (!event) await page.waitForTimeout(100);
    }
    assert.match(event?.outcomeDesc ?? '', /CDS feedback: accepted.*accepted suggestion/);
    await context.close();
  });

  it('switches a simvastatin draft to pravastatin, and the checks run again on the new drug', async () => {
    const patient = patients[2]!;
    await activeOrder(patient.id!, CLARITHROMYCIN);
    const { context, page } = await desktopPage(workspace);
    await page.goto(`${workspace.origin}/patients/${patient.id}/orders`);
    await signIn(page);
    await composeMedication(page, patient.id!, SIMVASTATIN);
    await page.getByRole('button', { name: 'Review order' }).click();
    const checks = page.getByRole('region', { name: 'Order checks' });
    const card = checks.locator('article[data-card]').filter({ hasText: /clarithromycin/i }).first();
    await card.getByRole('button', { name: /^Switch to pravastatin/ }).click();
    await page.getByRole('table', { name: 'Order to sign' }).getByText(/pravastatin sodium 40 MG Oral Tablet/).waitFor();
    await checks.locator('article[data-card]').filter({ hasText: /clarithromycin/i }).waitFor({ state: 'detached' });
    await overrideOthers(page, '-');
    await page.getByRole('button', { name: 'Sign order' }).click();
    await page.getByText('Medication order signed.').waitFor();
    const [order] = await workspace.api<MedicationRequest>(`MedicationRequest?patient=${patient.id}&code=904475`);
    assert.ok(order, 'pravastatin was ordered');
    assert.deepEqual(await workspace.api<MedicationRequest>(`MedicationRequest?patient=${patient.id}&code=${SIMVASTATIN.code}`), [], 'not simvastatin');
    await context.close();
  });

  it('warns of a duplicate lab order and links to the earlier result, in a new tab so the order is kept', async () => {
    const patient = patients[4] ?? patients[1]!;
    const earlier = await post<{ id: string }>('Observation', {
      resourceType: 'Observation', status: 'final', subject: { reference: `Patient/${patient.id}` },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood' }] },
      effectiveDateTime: new Date(Date.now() - 10 * 86_400_000).toISOString(),
      valueQuantity: { value: 7.2, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
    });
    const { context, page } = await desktopPage(workspace);
    await page.goto(`${workspace.origin}/patients/${patient.id}/orders`);
    await signIn(page);
    await page.getByRole('button', { name: 'New lab order' }).click();
    await choose(page, 'Test', 'hemoglobin a1c', /Hemoglobin A1c\/Hemoglobin.total in Blood/);
    await page.getByRole('button', { name: 'Review order' }).click();
    const card = page.getByRole('region', { name: 'Order checks' }).locator('article[data-indicator="warning"]').filter({ hasText: /already resulted/ }).first();
    await card.waitFor();
    assert.equal((await card.locator('[data-severity]').textContent())?.trim(), 'Warning');
    const link = card.getByRole('link', { name: /^Earlier result: 7\.2/ });
    // The earlier result in the chart's Trends, with its own reference.
    assert.ok((await link.getAttribute('href'))?.includes(`/patients/${patient.id}/trends?focus=${encodeURIComponent(`Observation/${earlier.id}`)}`), 'to the earlier result');
    assert.equal(await link.getAttribute('target'), '_blank', 'opened beside the order under review');
    assert.equal(await page.getByRole('button', { name: 'Sign order' }).isDisabled(), true, 'a warning waits for a decision too');
    await card.screenshot({ path: `${SCREENS}cds-card-duplicate-lab.png` });
    await context.close();
  });

  it('shows an unreviewed critical result at the top of the chart summary, dismissible for the session', async () => {
    const patient = patients[3] ?? patients[0]!;
    await post('Observation', {
      resourceType: 'Observation', status: 'final', subject: { reference: `Patient/${patient.id}` },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma' }], text: 'Potassium' },
      effectiveDateTime: new Date(Date.now() - 3_600_000).toISOString(),
      valueQuantity: { value: 6.9, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
      interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'HH' }] }],
    });
    const { context, page } = await auditPage();
    await page.goto(`${workspace.origin}/patients/${patient.id}/summary`);
    await signIn(page);
    const region = page.getByRole('region', { name: 'Decision support alerts' });
    const card = region.locator('article[data-indicator="critical"]').filter({ hasText: /Potassium/ });
    await card.waitFor();
    assert.equal(await card.getAttribute('role'), 'alert', 'a critical card is announced');
    assert.equal((await card.locator('[data-severity]').textContent())?.trim(), 'Critical');
    // A result posted on its own (in no report) is reviewed in the chart's Trends.
    assert.ok((await card.getByRole('link', { name: 'Review the result' }).getAttribute('href'))?.endsWith(`/patients/${patient.id}/trends`), 'it links to the result');
    assert.equal(await region.locator('article[data-indicator="info"][role="alert"]').count(), 0, 'reminders are not announced');
    const details = card.getByRole('button', { name: 'Details' });
    assert.equal(await details.getAttribute('aria-expanded'), 'false', 'compact: the detail waits behind Details');
    await details.click();
    await card.getByText(/has not been acknowledged/).waitFor();
    assert.equal(await card.getByRole('button', { name: 'Hide details' }).getAttribute('aria-expanded'), 'true');
    await page.screenshot({ path: `${SCREENS}cds-summary-cards.png`, fullPage: true });
    const summaryViolations = await axeViolations(page);
    assert.deepEqual(summaryViolations, [], describeViolations('the summary with its cards', summaryViolations));
    await card.getByRole('button', { name: /^Dismiss:/ }).click();
    await card.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { name: 'Active problems' }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.locator('article[data-indicator="critical"]').filter({ hasText: /Potassium/ }).count(), 0, 'dismissed for the session');
    await context.close();
  });
});
