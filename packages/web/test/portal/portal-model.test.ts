/**
 * The portal's small pure models: how a proxy's relationship is named, the "From <source>" rule
 * for data from another organization, activity-log rows from AuditEvents, refill statuses, and
 * share links read from the record operations' Parameters.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent, Task } from '@medplum/fhirtypes';
import { patientDescription, proxyRole, SELF } from '../../src/portal/portal-patients.ts';
import { foreignSource } from '../../src/portal/data-source.ts';
import { activityRow } from '../../src/portal/activity.ts';
import { latestRefills, refillOpen, refillStatusText } from '../../src/portal/refill.ts';
import { shareOf } from '../../src/portal/share-data.ts';

const ROLE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';

test('a proxy\'s relationship code names its role and the patient', () => {
  assert.equal(proxyRole([{ coding: [{ system: ROLE, code: 'PRN', display: 'parent' }] }]), 'Parent');
  assert.equal(patientDescription('Parent'), 'your child');
  assert.equal(proxyRole([{ coding: [{ system: ROLE, code: 'GUARD' }] }]), 'Guardian');
  assert.equal(patientDescription('Guardian'), 'in your care');
  assert.equal(proxyRole(undefined), 'Caregiver', 'no code: a caregiver');
  assert.equal(patientDescription('Caregiver'), 'in your care');
  assert.equal(patientDescription(SELF), 'you');
});

test('only data from another system carries a "From" badge', () => {
  const own = 'https://clinic.example';
  assert.equal(foreignSource({ resourceType: 'Condition', subject: {} } as never, own), undefined, 'no meta.source: ours');
  assert.equal(foreignSource({ resourceType: 'Observation', meta: { source: 'https://clinic.example/fhir' } } as never, own), undefined, 'our own origin');
  assert.equal(foreignSource({ resourceType: 'Observation', meta: { source: 'https://stmary.example/fhir#req-1' } } as never, own), 'stmary.example');
  assert.equal(foreignSource({ resourceType: 'Observation', meta: { source: 'urn:oid:2.16.840.1.113883.3.1' } } as never, own), 'urn:oid:2.16.840.1.113883.3.1', 'a non-web source is named as it is');
});

/** A physician's read of the patient's record, as the server's AuditEvents give it. */
const READ: AuditEvent = {
  resourceType: 'AuditEvent',
  id: '42',
  type: { code: 'rest' },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
  action: 'R',
  recorded: '2026-01-02T10:00:00Z',
  outcome: '0',
  agent: [{ who: { reference: 'Practitioner/1', display: 'dr.jones' }, role: [{ text: 'physician' }], requestor: true }, { who: { display: 'continuum-web' }, requestor: false }],
  source: { observer: { display: 'Continuum' } },
  entity: [{ what: { reference: 'DiagnosticReport/7' }, role: { code: '4' } }, { what: { reference: 'Patient/1' }, role: { code: '1' } }],
};

test('an AuditEvent reads as who, role, what and when', () => {
  const read = READ;
  assert.deepEqual(activityRow(read), { id: '42', when: '2026-01-02T10:00:00Z', who: 'dr.jones', role: 'Doctor', what: 'Viewed lab reports' });
  const search: AuditEvent = { ...read, id: '43', subtype: [{ code: 'search-type' }], agent: [{ who: { display: 'demo.parent' }, role: [{ text: 'proxy' }], requestor: true }], entity: [{ role: { code: '24' }, description: 'Observation' }, { what: { reference: 'Patient/1' }, role: { code: '1' } }], outcome: '4' };
  const row = activityRow(search);
  assert.equal(row.what, 'Searched results and measurements');
  assert.equal(row.role, 'Family member or caregiver');
  assert.equal(row.problem, 'refused', 'a refused request is marked');
  assert.equal(activityRow({ ...search, outcome: '8' }).problem, 'failed', 'and a failed one');
  const own: AuditEvent = { ...read, id: '44', entity: [{ what: { reference: 'Patient/1' }, role: { code: '1' } }] };
  assert.equal(activityRow(own).what, 'Viewed personal details', 'the patient resource itself');
});

test('the activity log names people, says "You", and puts operations in words', () => {
  const base: AuditEvent = { ...READ, entity: [{ what: { reference: 'Patient/1' }, role: { code: '1' } }] };
  const names = new Map([['Practitioner/1', 'Ana Jones']]);
  assert.equal(activityRow(base, names).who, 'Ana Jones', 'staff by their Practitioner\'s name');
  assert.equal(activityRow(base).who, 'dr.jones', 'else by username');
  const own: AuditEvent = { ...base, agent: [{ who: { reference: 'Patient/1', display: 'pat.one' }, role: [{ text: 'patient' }], requestor: true }] };
  assert.equal(activityRow(own, names, 'Patient/1').who, 'You');
  assert.equal(activityRow(own, names, 'RelatedPerson/9').who, 'pat.one', 'someone else signed in (a parent) sees the patient\'s username');
  const op = (code: string): AuditEvent => ({ ...base, action: 'E', subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'operation' }, { system: 'urn:continuum:operation', code, display: `$${code}` }] });
  assert.equal(activityRow(op('everything')).what, 'Opened the whole record');
  assert.equal(activityRow(op('summary-pdf')).what, 'Made a summary of the record (PDF)');
  assert.equal(activityRow(op('grant-proxy')).what, 'Gave family access');
  assert.equal(activityRow(op('some-new-operation')).what, 'Worked with personal details', 'an operation without words: what it worked on');
  const unnamed: AuditEvent = { ...base, action: 'E', subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'operation' }] };
  assert.equal(activityRow(unnamed).what, 'Worked with personal details', 'an entry from before operations were named');
  const hook: AuditEvent = { ...unnamed, entity: [{ description: 'cds-services/continuum-patient-view' }, { what: { reference: 'Patient/1' }, role: { code: '1' } }] };
  assert.equal(activityRow(hook).what, 'Checked the record for care reminders and alerts');
  assert.equal(activityRow({ ...hook, entity: [{ description: 'cds-client/patient-view' }] }).what, 'Checked the record for care reminders and alerts');
});

test('refill requests: the newest per medication, and their status in words', () => {
  const t = (id: string, status: Task['status'], authoredOn: string, reason?: string): Task => ({ resourceType: 'Task', id, status, intent: 'order', authoredOn, focus: { reference: 'MedicationRequest/m1' }, ...(reason ? { statusReason: { text: reason } } : {}) });
  const latest = latestRefills([t('a', 'rejected', '2026-01-01', 'Needs a visit'), t('b', 'requested', '2026-02-01')]);
  assert.equal(latest.get('MedicationRequest/m1')?.id, 'b');
  assert.equal(refillStatusText(t('a', 'rejected', '2026-01-01', 'Needs a visit')), 'Refill declined: Needs a visit');
  assert.equal(refillStatusText(t('c', 'completed', '2026-01-01')), 'Refill approved');
  assert.equal(refillStatusText(t('b', 'requested', '2026-02-01')), 'Refill requested');
  assert.equal(refillOpen(t('b', 'requested', '2026-02-01')), true);
  assert.equal(refillOpen(t('c', 'completed', '2026-01-01')), false);
  assert.equal(refillOpen(undefined), false);
});

test('a share link from its Parameters parts', () => {
  const share = shareOf([
    { name: 'id', valueString: 's1' },
    { name: 'recipient', valueString: 'Dr. Rivera' },
    { name: 'format', valueCode: 'pdf' },
    { name: 'created', valueInstant: '2026-01-01T00:00:00Z' },
    { name: 'expires', valueInstant: '2026-01-04T00:00:00Z' },
    { name: 'revoked', valueBoolean: false },
    { name: 'accessCount', valueInteger: 2 },
  ]);
  assert.deepEqual(share, { id: 's1', recipient: 'Dr. Rivera', format: 'pdf', created: '2026-01-01T00:00:00Z', expires: '2026-01-04T00:00:00Z', revoked: false, accessCount: 2 });
  assert.equal(shareOf([{ name: 'format', valueCode: 'pdf' }]), undefined, 'no id: not a share');
});
