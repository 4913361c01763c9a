/**
 * The pre-visit intake over real HTTP: the form is stored at start; a patient's completed answers
 * for their appointment are stored with a Task `intake-review` for the appointment's physician;
 * answers the form does not allow (a required item missing, a wrong type, a value out of range,
 * an unknown option or question, a detail whose question was not "yes") or an intake without an
 * appointment of its own patient are a 422 that stores nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, QuestionnaireResponse, QuestionnaireResponseItem, Task } from '@medplum/fhirtypes';
import { INTAKE_APPOINTMENT_EXTENSION, INTAKE_QUESTIONNAIRE_URL } from '../../src/portal/scheduling/codes.ts';
import { PHQ_ANSWERS } from '../../src/portal/scheduling/intake-questionnaire.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildSchedulingClinic, DAY, makeSlot, params, ref, type SchedulingClinic } from './scheduling-fixture.ts';

let server: TestServer;
let c: SchedulingClinic;
let appointmentA: string;
let appointmentB: string;

before(async () => {
  server = await startTestServer();
  c = await buildSchedulingClinic(server);
  const book = async (token: string, patient: string): Promise<string> => {
    const slot = await makeSlot(server, c, 3 * DAY);
    const res = await server.request('POST', '/Appointment/$book', { token, body: params({ slot: ref(`Slot/${slot}`), patient: ref(`Patient/${patient}`) }) });
    assert.equal(res.status, 201, res.text);
    return String(res.json.id);
  };
  appointmentA = await book(c.tokens.patient, c.patientA);
  appointmentB = await book(c.tokens.physician, c.patientB);
});
after(async () => server?.close());

const answer = (linkId: string, value: Record<string, unknown>): QuestionnaireResponseItem => ({ linkId, answer: [value] });

const VALID: QuestionnaireResponseItem[] = [
  answer('reason', { valueString: 'Follow-up on blood pressure' }),
  answer('symptom-duration', { valueCoding: { system: 'urn:continuum:symptom-duration', code: 'weeks' } }),
  answer('medication-changes', { valueBoolean: true }),
  answer('medication-changes-detail', { valueString: 'Stopped ibuprofen' }),
  answer('allergy-changes', { valueBoolean: false }),
  answer('pain', { valueInteger: 3 }),
  answer('phq2-1', { valueCoding: PHQ_ANSWERS[0] }),
  answer('phq2-2', { valueCoding: PHQ_ANSWERS[1] }),
];

function intake(items: QuestionnaireResponseItem[], appointment = appointmentA, patient = c.patientA): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse',
    questionnaire: INTAKE_QUESTIONNAIRE_URL,
    status: 'completed',
    subject: { reference: `Patient/${patient}` },
    author: { reference: `Patient/${patient}` },
    authored: new Date().toISOString(),
    extension: [{ url: INTAKE_APPOINTMENT_EXTENSION, valueReference: { reference: `Appointment/${appointment}` } }],
    item: items,
  };
}

const reviewTasks = async (): Promise<Task[]> =>
  (((await server.request('GET', '/Task?code=urn:continuum:task-code|intake-review')).json as Bundle<Task>).entry ?? []).map((e) => e.resource!);

describe('the intake form', () => {
  it('is stored at start, with the contract url', async () => {
    const res = await server.request('GET', '/Questionnaire/pre-visit-intake', { token: c.tokens.patient });
    assert.equal(res.status, 200);
    assert.equal(res.json.url, INTAKE_QUESTIONNAIRE_URL);
    assert.deepEqual(
      (res.json.item as { linkId: string }[]).map((i) => i.linkId),
      ['reason', 'symptoms', 'symptom-duration', 'medication-changes', 'medication-changes-detail', 'allergy-changes', 'allergy-changes-detail', 'pain', 'phq2-1', 'phq2-2', 'pharmacy'],
    );
  });
});

describe('submitting an intake', () => {
  it('refuses answers the form does not allow (422), storing nothing', async () => {
    const without = (linkId: string) => VALID.filter((i) => i.linkId !== linkId);
    const cases: [string, QuestionnaireResponse, RegExp][] = [
      ['required reason missing', intake(without('reason')), /'reason'.*is required/],
      ['pain above 10', intake([...without('pain'), answer('pain', { valueInteger: 11 })]), /between 0 and 10/],
      ['pain as text', intake([...without('pain'), answer('pain', { valueString: 'a lot' })]), /must be of type integer/],
      ['unknown PHQ answer', intake([...without('phq2-1'), answer('phq2-1', { valueCoding: { system: 'http://loinc.org', code: 'LA0000-0' } })]), /not one of its options/],
      ['unknown question', intake([...VALID, answer('shoe-size', { valueInteger: 42 })]), /not a question of this form/],
      ['detail after "no"', intake([...VALID, answer('allergy-changes-detail', { valueString: 'Peanuts' })]), /does not apply/],
      ['no appointment', { ...intake(VALID), extension: undefined }, /must name its appointment/],
      ["another patient's appointment", intake(VALID, appointmentB), /not an appointment of its subject/],
    ];
    for (const [name, body, says] of cases) {
      const res = await server.request('POST', '/QuestionnaireResponse', { token: c.tokens.patient, body });
      assert.equal(res.status, 422, `${name}: ${res.text.slice(0, 300)}`);
      assert.match(String(res.json.issue?.[0]?.diagnostics), says, name);
    }
    const stored = (await server.request('GET', `/QuestionnaireResponse?subject=Patient/${c.patientA}`)).json as Bundle;
    assert.equal(stored.entry?.length ?? 0, 0);
    assert.deepEqual(await reviewTasks(), []);
  });

  it("stores a valid intake and asks the appointment's physician to review it", async () => {
    const res = await server.request('POST', '/QuestionnaireResponse', { token: c.tokens.patient, body: intake(VALID) });
    assert.equal(res.status, 201, res.text);
    const tasks = await reviewTasks();
    assert.equal(tasks.length, 1);
    const task = tasks[0]!;
    assert.equal(task.status, 'requested');
    assert.equal(task.description, 'Review pre-visit intake');
    assert.equal(task.for?.reference, `Patient/${c.patientA}`);
    assert.equal(task.focus?.reference, `QuestionnaireResponse/${String(res.json.id)}`);
    assert.equal(task.owner?.reference, `Practitioner/${c.practitioner}`);
    // Saving the completed form again asks for no second review.
    const again = await server.request('PUT', `/QuestionnaireResponse/${String(res.json.id)}`, { token: c.tokens.patient, body: { ...res.json, item: [...VALID, answer('pharmacy', { valueString: 'Main St Pharmacy' })] } });
    assert.equal(again.status, 200, again.text);
    assert.equal((await reviewTasks()).length, 1);
  });

  it('lets an in-progress draft skip required answers, and asks for review once completed', async () => {
    const slot = await makeSlot(server, c, 4 * DAY);
    const booked = await server.request('POST', '/Appointment/$book', { token: c.tokens.patient, body: params({ slot: ref(`Slot/${slot}`), patient: ref(`Patient/${c.patientA}`) }) });
    const draft = await server.request('POST', '/QuestionnaireResponse', { token: c.tokens.patient, body: { ...intake([answer('pain', { valueInteger: 2 })], String(booked.json.id)), status: 'in-progress' } });
    assert.equal(draft.status, 201, draft.text);
    assert.equal((await reviewTasks()).length, 1);
    const done = await server.request('PUT', `/QuestionnaireResponse/${String(draft.json.id)}`, { token: c.tokens.patient, body: { ...draft.json, status: 'completed', item: VALID } });
    assert.equal(done.status, 200, done.text);
    assert.equal((await reviewTasks()).length, 2);
  });
});
