/**
 * The `patient-view` service through HTTP: care reminders (diabetes without a recent HbA1c, adults
 * without a blood pressure) and a critical card for a critical laboratory result that nobody has
 * reviewed, which goes away once a completed result-review Task covers its report.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, userToken, type Clinic } from '../auth/fixtures.ts';
import { cds, hookRequest, labResult, save } from './fixtures.ts';
import { validateAs } from './json-schema.ts';

const DAY = 86_400_000;

describe('patient-view: reminders and critical results', () => {
  let server: TestServer;
  let clinic: Clinic;
  let nurse: string;
  let potassium: string;

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    nurse = await userToken(server, clinic, 'nurse.lee');
    const b = clinic.patientB;
    await save(server, {
      resourceType: 'Condition',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes mellitus type 2' }] },
      subject: { reference: `Patient/${b}` },
    });
    // An HbA1c eight months ago: due again.
    await save(server, labResult(b, '4548-4', 'Hemoglobin A1c', 7.9, '%', new Date(Date.now() - 240 * DAY).toISOString()));
    potassium = await save(server, labResult(b, '2823-3', 'Potassium', 6.8, 'mmol/L', new Date(Date.now() - 2 * DAY).toISOString(), 'HH'));
    // A critical result older than 30 days is not flagged again.
    await save(server, labResult(b, '2951-2', 'Sodium', 118, 'mmol/L', new Date(Date.now() - 45 * DAY).toISOString(), 'LL'));
    // A blood pressure last week for patient B, none for patient A.
    await save(server, { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }, subject: { reference: `Patient/${b}` }, effectiveDateTime: new Date(Date.now() - 7 * DAY).toISOString() });
  });
  after(() => server.close());

  const view = (patientId: string) => cds(server, 'POST', '/cds-services/continuum-patient-view', nurse, hookRequest('patient-view', { userId: `Practitioner/${clinic.practitioner}`, patientId }));

  it('reminds of an HbA1c due and flags the unreviewed critical potassium', async () => {
    const res = await view(clinic.patientB);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(validateAs('response', res.json), []);
    const rules = res.json.cards.map((c: { source: { topic: { code: string } } }) => c.source.topic.code).sort();
    assert.deepEqual(rules, ['critical-result', 'reminder-hba1c']);
    const critical = res.json.cards.find((c: { indicator: string }) => c.indicator === 'critical');
    assert.match(critical.summary, /Potassium 6\.8 mmol\/L \(critical high\)/);
    assert.equal(critical.links[0].url, `${server.origin}/patients/${clinic.patientB}/results`);
    const reminder = res.json.cards.find((c: { indicator: string }) => c.indicator === 'info');
    assert.match(reminder.detail, /ADA|American Diabetes Association/);
  });

  it('reminds an adult with no blood pressure on record', async () => {
    const res = await view(clinic.patientA);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.cards.map((c: { source: { topic: { code: string } } }) => c.source.topic.code), ['reminder-bp-adult']);
    assert.match(res.json.cards[0].source.url, /uspreventiveservicestaskforce/);
  });

  it('drops the critical card once the report holding the result has a completed review', async () => {
    const report = await save(server, { resourceType: 'DiagnosticReport', status: 'final', code: { text: 'Basic metabolic panel' }, subject: { reference: `Patient/${clinic.patientB}` }, effectiveDateTime: new Date().toISOString(), result: [{ reference: `Observation/${potassium}` }] });
    await save(server, {
      resourceType: 'Task',
      status: 'completed',
      intent: 'order',
      code: { coding: [{ system: 'urn:continuum:task-code', code: 'result-review' }] },
      focus: { reference: `DiagnosticReport/${report}` },
      for: { reference: `Patient/${clinic.patientB}` },
      owner: { reference: `Practitioner/${clinic.practitioner}` },
    });
    const res = await view(clinic.patientB);
    assert.deepEqual(res.json.cards.map((c: { source: { topic: { code: string } } }) => c.source.topic.code), ['reminder-hba1c']);
  });
});
