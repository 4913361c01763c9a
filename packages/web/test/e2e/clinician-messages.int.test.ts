/**
 * Patient messages, refill requests and amendments reaching the clinician, end to end in headless
 * Chromium against a real server with a small demo clinic. A demo patient signs in to the demo
 * SMART app (through the real login and consent pages) and, with that token, reads their demo
 * statement (CPT-coded invoices) and sends the physician a message, requests refills of two medications and asks for an amendment. The physician signs in,
 * finds the thread in the inbox's patient messages (unread), opens it (the patient's message gets
 * its read receipt) and replies with a file: the reply is in the thread (`partOf`, `inResponseTo`)
 * and the patient reads it through the API. On the Tasks page the physician approves one refill
 * (a renewal), denies the other with a reason, and denies the amendment (a reason is required).
 * Each write is checked through the FHIR API; the screens are audited with axe.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Communication, Invoice, MedicationRequest, Parameters, Patient, Task } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../../server/src/seed/demo-accounts.ts';
import { frontChannel, pkce, tokenRequest } from '../../../server/test/auth/oauth-client.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { axeViolations, describeViolations } from './axe-audit.ts';
import { noChromium, SCREENS, signIn, startWorkspace, type Workspace } from './workspace-fixture.ts';

const APP = { clientId: 'demo-smart-app', redirectUri: 'http://127.0.0.1:9000/callback' };

/** A user's token and FHIR user, from the demo SMART app's real login and consent pages. */
async function signInToApp(origin: string, username: string): Promise<{ token: string; fhirUser: string }> {
  const { verifier, challenge } = pkce();
  const flow = await frontChannel(origin, { ...APP, scope: 'openid fhirUser user/*.cruds', aud: `${origin}/fhir`, challenge }, { username, password: DEMO_PASSWORD });
  const code = flow.redirect.searchParams.get('code');
  assert.ok(code, `${username} signs in to the app`);
  const tok = await tokenRequest(origin, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri, client_id: APP.clientId, code_verifier: verifier });
  assert.equal(tok.status, 200, JSON.stringify(tok.json));
  const claims = JSON.parse(Buffer.from(String(tok.json.id_token).split('.')[1]!, 'base64url').toString()) as { fhirUser: string };
  return { token: String(tok.json.access_token), fhirUser: claims.fhirUser.replace(/^.*\/fhir\//, '') };
}

describe('patient messages, refills and amendments reach the clinician (Chromium)', { skip: noChromium }, () => {
  let workspace: Workspace;

  before(async () => {
    workspace = await startWorkspace(4);
  });
  after(async () => {
    await workspace?.close();
  });

  async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${workspace.origin}/fhir/${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, json: (await res.json()) as T };
  }

  async function audit(page: Page, screen: string): Promise<void> {
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations(screen, violations));
  }

  it('the physician reads and answers a patient message, and decides refills and an amendment', async () => {
    const system = await clientCredentialsToken(workspace.origin, TEST_CLIENT);
    const patientLogin = await signInToApp(workspace.origin, 'demo.patient1');
    const physicianLogin = await signInToApp(workspace.origin, 'demo.physician');
    const patientId = patientLogin.fhirUser.replace('Patient/', '');
    const physician = physicianLogin.fhirUser;
    assert.match(physician, /^Practitioner\//);
    // The demo clinic billed the patient's visits: their statement lists CPT-coded invoices.
    const statement = await call<Parameters>('GET', `Patient/${patientId}/$statement`, patientLogin.token);
    assert.equal(statement.status, 200, JSON.stringify(statement.json));
    const billed = statement.json.parameter?.filter((p) => p.name === 'invoice') ?? [];
    assert.ok(billed.length > 0, 'the demo patient has statements');
    const invoice = await workspace.read<Invoice>(billed[0]!.part!.find((p) => p.name === 'invoice')!.valueReference!.reference!);
    assert.equal(invoice.lineItem?.[0]?.chargeItemCodeableConcept?.coding?.[0]?.system, 'http://www.ama-assn.org/go/cpt');

    // The physician is this patient's PCP (amendments go to the PCP) and prescribed two medications.
    const patient = await workspace.read<Patient>(`Patient/${patientId}`);
    assert.equal((await call('PUT', `Patient/${patientId}`, system, { ...patient, generalPractitioner: [{ reference: physician }] })).status, 200);
    const prescribe = async (name: string): Promise<string> => {
      const order = { resourceType: 'MedicationRequest', status: 'active', intent: 'order', medicationCodeableConcept: { text: name }, subject: { reference: `Patient/${patientId}` }, requester: { reference: physician }, authoredOn: new Date().toISOString(), dosageInstruction: [{ text: '1 tablet daily' }], dispenseRequest: { quantity: { value: 30 }, numberOfRepeatsAllowed: 1 } };
      const res = await call<MedicationRequest>('POST', 'MedicationRequest', system, order);
      assert.equal(res.status, 201);
      return res.json.id!;
    };
    const toApprove = await prescribe('amlodipine 5 MG Oral Tablet');
    const toDeny = await prescribe('atorvastatin 20 MG Oral Tablet');

    // The patient, with their own token: a message, two refill requests and an amendment request.
    const sent = await call<Communication>('POST', `Patient/${patientId}/$message`, patientLogin.token, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'text', valueString: 'My ankles have been swelling since the new pill.' },
        { name: 'topic', valueString: 'Ankle swelling' },
        { name: 'recipient', valueReference: { reference: physician } },
      ],
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.json));
    const message = sent.json;
    for (const id of [toApprove, toDeny]) {
      assert.equal((await call('POST', `MedicationRequest/${id}/$request-refill`, patientLogin.token, { resourceType: 'Parameters', parameter: [{ name: 'note', valueString: 'Almost out' }] })).status, 201);
    }
    const amendment = await call<Task>('POST', `Patient/${patientId}/$request-amendment`, patientLogin.token, { resourceType: 'Parameters', parameter: [{ name: 'text', valueString: 'I never smoked; please correct my smoking status.' }] });
    assert.equal(amendment.status, 201, JSON.stringify(amendment.json));

    // axe is injected as an inline script: the audit context bypasses the app's CSP.
    const context = await workspace.browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await page.goto(`${workspace.origin}/inbox?view=messages`);
    await signIn(page);
    await page.waitForURL(/\/inbox\?view=messages/);
    await page.getByRole('heading', { name: 'Patient messages' }).waitFor();
    const thread = page.locator(`[data-thread="${message.id}"]`);
    await thread.waitFor();
    assert.equal(await thread.getAttribute('data-unread'), 'true', 'a new message is unread');
    await audit(page, 'patient messages');
    await thread.click();
    const conversation = page.getByRole('region', { name: 'Conversation: Ankle swelling' });
    await conversation.getByText('My ankles have been swelling since the new pill.').waitFor();
    // Opening it reads it: the patient's message gets its read receipt.
    for (let i = 0; i < 100 && !(await workspace.read<Communication>(`Communication/${message.id}`)).received; i++) await page.waitForTimeout(100);
    assert.ok((await workspace.read<Communication>(`Communication/${message.id}`)).received, 'the message is marked read');
    await page.locator(`[data-thread="${message.id}"][data-unread="false"]`).waitFor();

    await page.getByRole('textbox', { name: 'Your reply' }).fill('Please stop it and come in on Monday; see the attached instructions.');
    await page.locator('input[type="file"]').setInputFiles({ name: 'instructions.txt', mimeType: 'text/plain', buffer: Buffer.from('Elevate your feet. Call if short of breath.') });
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('Reply sent.').waitFor();
    await conversation.getByText('Please stop it and come in on Monday').waitFor();
    await page.screenshot({ path: `${SCREENS}clinician-messages.png`, fullPage: true });
    await audit(page, 'a patient message thread');

    const [reply] = await workspace.api<Communication>(`Communication?part-of=Communication/${message.id}`);
    assert.ok(reply, 'the reply is in the thread');
    assert.equal(reply.partOf?.[0]?.reference, `Communication/${message.id}`);
    assert.equal(reply.inResponseTo?.[0]?.reference, `Communication/${message.id}`);
    assert.equal(reply.sender?.reference, physician);
    assert.equal(reply.recipient?.[0]?.reference, `Patient/${patientId}`);
    const file = reply.payload?.find((p) => p.contentAttachment)?.contentAttachment;
    assert.equal(file?.title, 'instructions.txt');
    assert.equal(Buffer.from(file?.data ?? '', 'base64').toString(), 'Elevate your feet. Call if short of breath.');
    // The patient sees the reply with their own token.
    const mine = await call<{ entry?: { resource: Communication }[] }>('GET', `Communication?subject=Patient/${patientId}&category=${encodeURIComponent('urn:continuum:communication-category|portal-message')}&_sort=-sent`, patientLogin.token);
    assert.ok(mine.json.entry?.some((e) => e.resource.id === reply.id));

    // Tasks: approve one refill (a renewal), deny the other with a reason, deny the amendment.
    await page.goto(`${workspace.origin}/tasks`);
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    await page.getByRole('button', { name: /^Approve refill: Refill request: amlodipine/ }).click();
    const approve = page.getByRole('dialog');
    await approve.getByLabel('Refills').fill('3');
    await approve.getByRole('button', { name: 'Sign renewal' }).click();
    await approve.waitFor({ state: 'detached' });
    await page.getByText('Refill of amlodipine 5 MG Oral Tablet approved and renewed.').waitFor();

    await page.getByRole('button', { name: /^Deny refill: Refill request: atorvastatin/ }).click();
    const deny = page.getByRole('dialog');
    await deny.getByRole('button', { name: 'Deny refill' }).click();
    await deny.getByText('Say why: the patient is told').waitFor();
    await deny.getByLabel(/Reason/).fill('Your cholesterol needs rechecking first; please book a visit.');
    await deny.getByRole('button', { name: 'Deny refill' }).click();
    await deny.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: /^Decide: Request to amend the health record/ }).click();
    const decide = page.getByRole('dialog');
    await decide.getByText('I never smoked; please correct my smoking status.').waitFor();
    await decide.getByRole('radio', { name: 'Deny' }).check();
    await audit(page, 'the amendment decision');
    await decide.getByRole('button', { name: 'Deny amendment' }).click();
    await decide.getByText('A denial needs a reason: the patient is told why').waitFor();
    await decide.getByLabel(/Reason/).fill('Your chart records what you told us at the visit of March 2.');
    await decide.getByRole('button', { name: 'Deny amendment' }).click();
    await decide.waitFor({ state: 'detached' });
    await page.getByText('Amendment denied.').waitFor();

    const refills = await workspace.api<Task>(`Task?code=${encodeURIComponent('urn:continuum:task-code|refill-request')}&patient=Patient/${patientId}`);
    const approved = refills.find((t) => t.focus?.reference === `MedicationRequest/${toApprove}`)!;
    assert.equal(approved.status, 'completed');
    const renewalRef = approved.output?.[0]?.valueReference?.reference;
    assert.match(renewalRef ?? '', /^MedicationRequest\//);
    const renewal = await workspace.read<MedicationRequest>(renewalRef!);
    assert.equal(renewal.status, 'active');
    assert.equal(renewal.priorPrescription?.reference, `MedicationRequest/${toApprove}`);
    assert.equal(renewal.dispenseRequest?.numberOfRepeatsAllowed, 3);
    assert.equal((await workspace.read<MedicationRequest>(`MedicationRequest/${toApprove}`)).status, 'completed');
    const denied = refills.find((t) => t.focus?.reference === `MedicationRequest/${toDeny}`)!;
    assert.equal(denied.status, 'rejected');
    assert.equal(denied.statusReason?.text, 'Your cholesterol needs rechecking first; please book a visit.');
    const decided = await workspace.read<Task>(`Task/${amendment.json.id}`);
    assert.equal(decided.status, 'rejected');
    assert.equal(decided.businessStatus?.text, 'Denied');
    assert.equal(decided.statusReason?.text, 'Your chart records what you told us at the visit of March 2.');
    await context.close();
  });
});
