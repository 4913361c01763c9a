/**
 * The clinician's side of the pre-visit intake, in headless Chromium against a real server with a
 * small demo clinic: the demo physician has a seeded schedule with free slots; a patient's visit is
 * booked there (`$book`) and their intake posted (as the system client stands in for the portal);
 * the physician's Tasks page shows "Review pre-visit intake", opens the read-only answers with the
 * PHQ-2 score, and "Mark reviewed" completes the Task (checked through the FHIR API). The intake
 * screen passes the axe WCAG A/AA audit; a screenshot goes to artifacts/screens/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Patient, Schedule, Slot, Task } from '@medplum/fhirtypes';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { axeViolations, describeViolations } from './axe-audit.ts';
import { noChromium, SCREENS, signIn, startWorkspace, type Workspace } from './workspace-fixture.ts';

const INTAKE_URL = 'https://continuum.dev/fhir/Questionnaire/pre-visit-intake';
const INTAKE_APPOINTMENT = 'https://continuum.dev/fhir/StructureDefinition/intake-appointment';

describe('pre-visit intake review in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;
  let token: string;

  before(async () => {
    workspace = await startWorkspace(4);
    token = await clientCredentialsToken(workspace.origin, TEST_CLIENT);
  });
  after(async () => {
    await workspace?.close();
  });

  async function post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${workspace.origin}/fhir/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 201, `POST ${path}: ${await res.clone().text()}`);
    return (await res.json()) as T;
  }

  it('shows the intake on the Tasks page, opens its answers and marks it reviewed', async () => {
    // The axe audit injects its script: the page's CSP would refuse it.
    const context = await workspace.browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    // Who the demo physician is: the owner the Tasks page searches for.
    const tasksSearch = page.waitForRequest((r) => /\/fhir\/Task\?.*owner=/.test(r.url()));
    await page.goto(`${workspace.origin}/tasks`);
    await signIn(page);
    const me = new URL((await tasksSearch).url()).searchParams.get('owner');
    assert.match(me ?? '', /^Practitioner\//);

    const [schedule] = await workspace.api<Schedule>(`Schedule?actor=${me!}&active=true`);
    assert.ok(schedule, 'the demo physician has a seeded schedule');
    const from = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const [slot] = await workspace.api<Slot>(`Slot?schedule=Schedule/${schedule.id!}&status=free&start=ge${encodeURIComponent(from)}&_sort=start&_count=1`);
    assert.ok(slot, 'the schedule has free slots ahead');
    const [patient] = await workspace.api<Patient>('Patient?_count=1&_sort=family');
    const appointment = await post<Appointment>('Appointment/$book', {
      resourceType: 'Parameters',
      parameter: [{ name: 'slot', valueReference: { reference: `Slot/${slot.id!}` } }, { name: 'patient', valueReference: { reference: `Patient/${patient!.id!}` } }],
    });
    const subject = { reference: `Patient/${patient!.id!}` };
    const response = await post<{ id: string }>('QuestionnaireResponse', {
      resourceType: 'QuestionnaireResponse',
      questionnaire: INTAKE_URL,
      status: 'completed',
      subject,
      author: subject,
      authored: new Date().toISOString(),
      extension: [{ url: INTAKE_APPOINTMENT, valueReference: { reference: `Appointment/${appointment.id!}` } }],
      item: [
        { linkId: 'reason', answer: [{ valueString: 'Headaches in the morning' }] },
        { linkId: 'medication-changes', answer: [{ valueBoolean: true }] },
        { linkId: 'medication-changes-detail', answer: [{ valueString: 'Started an allergy spray' }] },
        { linkId: 'pain', answer: [{ valueInteger: 6 }] },
        { linkId: 'phq2-1', answer: [{ valueCoding: { system: 'http://loinc.org', code: 'LA6570-1', display: 'More than half the days' } }] },
        { linkId: 'phq2-2', answer: [{ valueCoding: { system: 'http://loinc.org', code: 'LA6569-3', display: 'Several days' } }] },
      ],
    });

    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.locator('tr', { hasText: 'Review pre-visit intake' });
    await row.getByRole('link', { name: /^Open intake/ }).click();
    await page.waitForURL(`**/intake/${response.id}`);
    await page.getByRole('heading', { name: 'Pre-visit intake' }).waitFor();
    const answers = page.getByRole('table', { name: 'Intake answers' });
    assert.equal(await answers.locator('[data-link-id="reason"] td').nth(1).innerText(), 'Headaches in the morning');
    assert.equal(await answers.locator('[data-link-id="medication-changes-detail"] td').nth(1).innerText(), 'Started an allergy spray');
    assert.equal(await answers.locator('[data-link-id="symptoms"] td').nth(1).innerText(), 'Not answered');
    assert.equal(await answers.locator('[data-link-id="allergy-changes-detail"]').count(), 0, 'a follow-up that did not apply is not listed');
    assert.equal(await page.locator('[data-phq2]').getAttribute('data-phq2'), '3');
    await page.screenshot({ path: `${SCREENS}intake-review.png`, fullPage: true });
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, describeViolations('intake review', violations));

    await page.getByRole('button', { name: 'Mark reviewed' }).click();
    await page.getByText('Reviewed', { exact: true }).waitFor();
    const [task] = await workspace.api<Task>(`Task?focus=QuestionnaireResponse/${response.id}&code=urn:continuum:task-code|intake-review`);
    assert.equal(task?.status, 'completed');
    assert.equal(task?.owner?.reference, me);
    await context.close();
  });
});
