/**
 * Prescribing end to end, in headless Chromium against a real server with the demo clinic (and
 * its demo pharmacies), the e-prescription sender writing to the outbox. The physician prescribes
 * lisinopril with a structured sig, a duration, dispense-as-written with its reason and a pharmacy;
 * the order's NewRx is stored beside it and sent by the background loop, and the Medications tab
 * shows "Sent to" the pharmacy, with the message in the prescription's detail. The physician then
 * renews it (a new order pointing back, the old one completed, its own NewRx) and discontinues the
 * renewal with a coded reason. Each write is checked through the FHIR API; screenshots go to
 * artifacts/screens/ and the screens are audited with axe.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { MedicationRequest, Organization, Patient, Task } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from './axe-audit.ts';
import { noChromium, overrideAlerts, SCREENS, signIn, startWorkspace, unlabelled, type Workspace } from './workspace-fixture.ts';

const ERX = encodeURIComponent('urn:continuum:task-code|erx-send');

describe('prescribing and e-prescriptions in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;

  before(async () => {
    workspace = await startWorkspace();
  });
  after(async () => {
    await workspace?.close();
  });

  /** The erx-send Task of an order, once it has reached `status`. */
  async function sendTask(order: string, status: Task['status']): Promise<Task> {
    for (let i = 0; i < 200; i++) {
      const [task] = await workspace.api<Task>(`Task?focus=MedicationRequest/${order}&code=${ERX}`);
      if (task?.status === status) return task;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the send Task of ${order} never became ${status}`);
  }

  async function audit(page: Page, screen: string): Promise<void> {
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations(screen, violations));
  }

  it('prescribes to a pharmacy, shows the transmission, renews and discontinues with a reason', async () => {
    const [patient] = await workspace.api<Patient>('Patient?_count=1&_sort=family');
    assert.ok(patient?.id, 'the demo has a patient');
    const [pharmacy] = await workspace.api<Organization>(`Organization?name=${encodeURIComponent('Main Street Pharmacy')}`);
    assert.ok(pharmacy, 'the demo pharmacies are seeded');

    // axe is injected as an inline script: the audit context bypasses the app's CSP.
    const context = await workspace.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${workspace.origin}/patients/${patient.id}/orders`);
    await signIn(page);
    await page.waitForURL(`${workspace.origin}/patients/${patient.id}/orders`);

    // The prescription: lisinopril 10 mg, 1 tablet twice daily for 30 days, 60 tablets, 2 refills.
    await page.getByRole('button', { name: 'New medication order' }).click();
    const drug = page.getByRole('combobox', { name: 'Medication', exact: true });
    await drug.click();
    await drug.fill('lisinopril 10');
    // The catalogue's match: lisinopril, 10 MG, Oral Tablet (not a combination, not a brand).
    await page.getByRole('option').filter({ hasText: /^lisinopril\s*10 mg\s*Oral Tablet/i }).filter({ hasNotText: '[' }).first().click();
    const frequency = page.getByRole('textbox', { name: 'Frequency', exact: true }).or(page.getByRole('combobox', { name: 'Frequency', exact: true })).first();
    await frequency.click();
    await page.getByRole('option', { name: 'twice daily' }).click();
    await page.getByLabel('Duration (days)').fill('30');
    await page.getByLabel('Quantity to dispense').fill('60');
    await page.getByLabel('Refills').fill('2');
    await page.getByLabel('Generic substitution allowed').uncheck();
    await page.getByRole('button', { name: 'Review order' }).click();
    await page.getByText('Say why the brand must be dispensed').waitFor();
    await page.getByLabel('Why dispense as written').fill('Stable on this brand');
    const pick = page.getByRole('textbox', { name: 'Pharmacy', exact: true }).or(page.getByRole('combobox', { name: 'Pharmacy', exact: true })).first();
    // The form starts at the pharmacy of the patient's last prescription (the demo's own pharmacy).
    const earlier = await workspace.api<MedicationRequest>(`MedicationRequest?patient=${patient.id}&_sort=-authoredon&_count=20`);
    const last = earlier.find((m) => m.dispenseRequest?.performer?.reference)?.dispenseRequest?.performer;
    assert.ok(last?.display, 'the demo patient has an earlier prescription to a pharmacy');
    await page.getByText('The pharmacy of the last prescription').waitFor();
    assert.ok((await pick.inputValue()).startsWith(last.display), `the last pharmacy (${last.display}) is preselected`);
    await pick.click();
    await page.getByRole('option', { name: /^Main Street Pharmacy/ }).click();
    assert.equal(await page.locator('[data-sig]').innerText(), 'Directions: Take 1 tablet by mouth twice daily for 30 days');
    assert.deepEqual(await unlabelled(page), [], 'every input of the prescription form has a label');
    await page.screenshot({ path: `${SCREENS}prescribing-form.png`, fullPage: true });
    await audit(page, 'the prescription form');
    await page.getByRole('button', { name: 'Review order' }).click();
    await overrideAlerts(page);
    await page.getByRole('button', { name: 'Sign order' }).click();
    await page.getByText('Medication order signed.').waitFor();

    const [first] = await workspace.api<MedicationRequest>(`MedicationRequest?patient=${patient.id}&code=314076&status=active&_sort=-authoredon&_count=1`);
    assert.ok(first?.id, 'the MedicationRequest is stored');
    assert.equal(first.dispenseRequest?.performer?.reference, `Organization/${pharmacy.id}`);
    assert.equal(first.dispenseRequest?.expectedSupplyDuration?.value, 30);
    assert.equal(first.dosageInstruction?.[0]?.timing?.repeat?.boundsDuration?.value, 30);
    assert.deepEqual(first.substitution, { allowedBoolean: false, reason: { text: 'Stable on this brand' } });

    // The sender loop sends its NewRx to the outbox; the Medications tab says so.
    const sent = await sendTask(first.id, 'completed');
    const messageId = sent.input?.[0]?.valueReference?.reference?.split('/')[1];
    assert.equal(sent.output?.[0]?.valueIdentifier?.value, `outbox:${messageId}`);
    await page.getByRole('tab', { name: 'Medications' }).click();
    const table = page.getByRole('table', { name: 'Medications' });
    const row = table.locator(`tr[data-entry="MedicationRequest/${first.id}"]`);
    await row.getByText('Sent to Main Street Pharmacy').waitFor();
    await page.screenshot({ path: `${SCREENS}prescribing-medications-tab.png`, fullPage: true });
    await audit(page, 'the medications tab with prescriptions');

    const actions = async (order: string, action: string) => {
      await table.locator(`tr[data-entry="MedicationRequest/${order}"]`).getByRole('button', { name: /^Actions for prescription of/ }).click();
      await page.getByRole('menuitem', { name: action }).click();
      // The menu closes with a transition: audits and the next steps see the settled screen.
      await page.getByRole('menu').waitFor({ state: 'detached' });
    };

    // The detail: the transmission and the NewRx message as stored.
    await actions(first.id, 'Details');
    const drawer = page.getByRole('dialog', { name: /^Prescription: lisinopril/ });
    await drawer.getByText('Sent to Main Street Pharmacy').waitFor();
    await drawer.getByText('NCPDP SCRIPT NewRx message').click();
    assert.match(await drawer.getByLabel('NewRx message').innerText(), new RegExp(`<MessageID>${messageId}</MessageID>`));
    await page.screenshot({ path: `${SCREENS}prescribing-detail.png`, fullPage: true });
    await audit(page, 'the prescription detail');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    // Renew: 90 tablets, 1 refill; the old prescription is completed.
    await actions(first.id, 'Renew');
    const renew = page.getByRole('dialog', { name: /^Renew:/ });
    await renew.getByLabel('Quantity to dispense').fill('90');
    await renew.getByLabel('Refills').fill('1');
    await page.screenshot({ path: `${SCREENS}prescribing-renew.png`, fullPage: true });
    await renew.getByRole('button', { name: 'Sign renewal' }).click();
    await renew.waitFor({ state: 'detached' });
    const [renewal] = await workspace.api<MedicationRequest>(`MedicationRequest?patient=${patient.id}&code=314076&status=active&_sort=-authoredon&_count=1`);
    assert.ok(renewal?.id && renewal.id !== first.id, 'a new prescription was written');
    assert.equal(renewal.priorPrescription?.reference, `MedicationRequest/${first.id}`);
    assert.equal(renewal.dispenseRequest?.quantity?.value, 90);
    assert.equal(renewal.dispenseRequest?.numberOfRepeatsAllowed, 1);
    assert.equal(renewal.dosageInstruction?.[0]?.text, 'Take 1 tablet by mouth twice daily for 30 days');
    assert.equal((await workspace.read<MedicationRequest>(`MedicationRequest/${first.id}`)).status, 'completed');
    await row.waitFor({ state: 'detached' });
    // The tab follows the renewal's e-prescription until it is sent, without a reload.
    await table.locator(`tr[data-entry="MedicationRequest/${renewal.id}"]`).getByText('Sent to Main Street Pharmacy').waitFor();
    await sendTask(renewal.id, 'completed');

    // Discontinue the renewal: a reason is required.
    await actions(renewal.id, 'Discontinue');
    const stop = page.getByRole('dialog', { name: /^Discontinue:/ });
    await stop.getByRole('button', { name: 'Discontinue' }).click();
    await stop.getByText('Choose a reason').waitFor();
    await stop.getByRole('textbox', { name: 'Reason' }).or(stop.getByRole('combobox', { name: 'Reason' })).first().click();
    await page.getByRole('option', { name: 'Suspected intolerance' }).click();
    await stop.getByLabel('Details').fill('Dry cough');
    assert.equal(await stop.getByText('Choose a reason').count(), 0, 'the message goes once a reason is chosen');
    await page.screenshot({ path: `${SCREENS}prescribing-discontinue.png`, fullPage: true });
    await stop.getByRole('button', { name: 'Discontinue' }).click();
    await stop.waitFor({ state: 'detached' });
    const stopped = await workspace.read<MedicationRequest>(`MedicationRequest/${renewal.id}`);
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.statusReason?.coding?.[0]?.code, 'sintol');
    assert.equal(stopped.statusReason?.text, 'Suspected intolerance: Dry cough');
    assert.match(stopped.note?.at(-1)?.authorReference?.reference ?? '', /^Practitioner\//);
    await table.locator(`tr[data-entry="MedicationRequest/${renewal.id}"]`).waitFor({ state: 'detached' });
    assert.ok(existsSync(SCREENS));
    await context.close();
  });
});
