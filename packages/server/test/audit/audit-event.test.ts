/**
 * Audit suite, the FHIR view: stored entries mapped to R4 AuditEvents, checked against what the
 * spec's codes mean (a read is R, a search an Execute carrying its query in base64, a denial a
 * minor failure, a login DICOM User Authentication / Login), not against a snapshot of output.
 */
import assert from 'node:assert/strict';
import type { AuditEvent } from '@medplum/fhirtypes';
import { describe, it } from 'node:test';
import { loadDefinitions, validateResource } from '@continuum/fhir';
import type { Principal } from '../../src/access/policy.ts';
import { OPERATION_SYSTEM, toAuditEvent } from '../../src/audit/audit-event.ts';
import { AUDIT_ACTIONS, auditFields, type AuditRow } from '../../src/audit/types.ts';
import { auditFhir } from '../../src/http/audit-fhir.ts';

function row(overrides: Partial<AuditRow> = {}): AuditRow {
  return {
    seq: '42', lane: 0, pos: '42', tenantId: 'clinic-a', recorded: '2031-03-04T05:06:07.891Z', action: 'read', outcome: 'success', priority: 'normal',
    userId: 'u-1', username: 'dr.synthetic', fhirUser: 'Practitioner/prac-1', role: 'physician', clientId: 'continuum-web',
    patients: ['pat-9'], resource: 'Observation/obs-1', query: null, sourceIp: '192.0.2.10', detail: null,
    ...overrides,
  };
}

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

describe('toAuditEvent', () => {
  it('maps a read: rest/read, action R, success, user and app agents, resource and patient entities', () => {
    const e = toAuditEvent(row());
    assert.equal(e.resourceType, 'AuditEvent');
    assert.equal(e.id, '42');
    assert.equal(e.meta?.versionId, '1');
    assert.equal(e.recorded, '2031-03-04T05:06:07.891Z');
    assert.deepEqual([e.type.system, e.type.code], ['http://terminology.hl7.org/CodeSystem/audit-event-type', 'rest']);
    assert.deepEqual(e.subtype?.map((c) => [c.system, c.code]), [['http://hl7.org/fhir/restful-interaction', 'read']]);
    assert.equal(e.action, 'R');
    assert.equal(e.outcome, '0');
    const [user, app, ...others] = e.agent;
    assert.equal(others.length, 0);
    assert.equal(user?.who?.reference, 'Practitioner/prac-1');
    assert.equal(user?.requestor, true);
    assert.equal(user?.role?.[0]?.text, 'physician');
    assert.deepEqual(user?.network, { address: '192.0.2.10', type: '2' }, 'type 2 is an IP address');
    assert.equal(app?.who?.identifier?.value, 'continuum-web');
    assert.equal(app?.requestor, false);
    assert.equal(e.source.site, 'clinic-a');
    assert.ok(e.source.observer.display);
    const refs = e.entity?.map((x) => [x.what?.reference, x.role?.code]);
    assert.deepEqual(refs, [['Observation/obs-1', '4'], ['Patient/pat-9', '1']], 'object-role 1 is Patient');
    assert.equal(e.entity?.[1]?.type?.code, '1', 'a patient is a Person entity');
  });

  it('maps a search: an Execute with the query in base64 and every patient returned', () => {
    const query = 'patient=pat-1&code=http://loinc.org|8867-4&_count=20';
    const e = toAuditEvent(row({ action: 'search', resource: 'Observation', query, patients: ['pat-1', 'pat-2'] }));
    assert.equal(e.action, 'E');
    assert.equal(e.subtype?.[0]?.code, 'search-type');
    const q = e.entity?.find((x) => x.query !== undefined);
    assert.ok(q);
    assert.equal(Buffer.from(q.query!, 'base64').toString('utf8'), query);
    assert.equal(q.role?.code, '24', 'object-role 24 is Query');
    assert.equal(q.name, undefined, 'an entity has a name or a query, never both (sev-1)');
    assert.deepEqual(e.entity?.filter((x) => x.role?.code === '1').map((x) => x.what?.reference), ['Patient/pat-1', 'Patient/pat-2']);
    assert.equal(toAuditEvent(row({ action: 'search', resource: null, query: '_lastUpdated=gt2031' })).subtype?.[0]?.code, 'search-system');
  });

  it('maps each write to its CRUD action code', () => {
    const action = (a: AuditRow['action']): string | undefined => toAuditEvent(row({ action: a })).action;
    assert.deepEqual(['create', 'update', 'patch', 'delete', 'vread', 'history'].map((a) => action(a as AuditRow['action'])), ['C', 'U', 'U', 'D', 'R', 'R']);
    assert.equal(toAuditEvent(row({ action: 'history' })).subtype?.[0]?.code, 'history-instance');
    assert.equal(toAuditEvent(row({ action: 'history', resource: 'Observation' })).subtype?.[0]?.code, 'history-type');
  });

  it('maps login, a failed login and logout to DICOM User Authentication', () => {
    const login = toAuditEvent(row({ action: 'login', resource: null, patients: [] }));
    assert.deepEqual([login.type.system, login.type.code], [DCM, '110114']);
    assert.deepEqual(login.subtype?.map((c) => [c.system, c.code]), [[DCM, '110122']]);
    assert.equal(login.action, 'E');
    assert.equal(login.entity, undefined);
    const failed = toAuditEvent(row({ action: 'login-failed', outcome: 'failure', resource: null, patients: [], fhirUser: null, userId: null, detail: 'wrong password' }));
    assert.equal(failed.subtype?.[0]?.code, '110122');
    assert.equal(failed.outcome, '8', 'a failure is a serious failure');
    assert.equal(failed.outcomeDesc, 'wrong password');
    assert.deepEqual(failed.agent[0]?.who, { display: 'dr.synthetic' }, 'without a fhirUser the user is shown by name');
    assert.equal(toAuditEvent(row({ action: 'logout' })).subtype?.[0]?.code, '110123');
  });

  it('marks a denial a minor failure, and break-glass an emergency override for break-the-glass', () => {
    assert.equal(toAuditEvent(row({ outcome: 'denied' })).outcome, '4');
    const e = toAuditEvent(row({ action: 'break-glass', priority: 'high', resource: null }));
    assert.deepEqual([e.type.code, e.subtype?.[0]?.code], ['110113', '110127']);
    assert.equal(e.purposeOfEvent?.[0]?.coding?.[0]?.code, 'BTG');
  });

  it('names a patient read once, as the patient', () => {
    const e = toAuditEvent(row({ resource: 'Patient/pat-9', patients: ['pat-9'] }));
    assert.deepEqual(e.entity?.map((x) => [x.what?.reference, x.role?.code]), [['Patient/pat-9', '1']]);
  });

  it('gives every action a type, an action code and at least one agent, even with no user or client', () => {
    for (const action of AUDIT_ACTIONS) {
      const e = toAuditEvent(row({ action, userId: null, username: null, fhirUser: null, clientId: null, role: null }));
      assert.ok(e.type.system && e.type.code, action);
      assert.ok(e.action && 'CRUDE'.includes(e.action), action);
      assert.equal(e.agent.length, 1, action);
      assert.equal(e.agent[0]?.requestor, true, action);
    }
  });

  it('names the operation that ran: what the request\'s URL says, as a second subtype', () => {
    const doctor: Principal = { kind: 'staff', tenant: 'clinic-a', clientId: 'continuum-web', userId: 'u-1', username: 'dr.synthetic', fhirUser: 'Practitioner/prac-1', roles: ['physician'], scopes: [], securityRights: [], breakGlass: [] };
    // As the FHIR route records a request, stored, then read back as an AuditEvent.
    const recorded = (method: string, path: string, status: number): AuditEvent => {
      const fields = auditFields(auditFhir(doctor, { method, path, query: [['_count', '50']], headers: {}, body: undefined }, status, undefined, '192.0.2.10'), new Date('2031-03-04T05:06:07.891Z'));
      return toAuditEvent({ ...fields, seq: '7', lane: 0, pos: '7' });
    };
    const everything = recorded('GET', '/Patient/pat-9/$everything', 200);
    assert.deepEqual(everything.subtype, [
      { system: 'http://hl7.org/fhir/restful-interaction', code: 'operation', display: 'operation' },
      { system: OPERATION_SYSTEM, code: 'everything', display: '$everything' },
    ]);
    assert.equal(everything.outcome, '0');
    assert.ok(everything.entity?.some((x) => x.what?.reference === 'Patient/pat-9' && x.role?.code === '1'), 'on the patient named by the URL');
    const typeLevel = recorded('POST', '/Patient/$match', 200);
    assert.deepEqual(typeLevel.subtype?.map((c) => c.code), ['operation', 'match']);
    const refused = recorded('POST', '/Patient/pat-9/$summary-pdf', 403);
    assert.deepEqual(refused.subtype?.map((c) => c.code), ['operation', 'summary-pdf'], 'a refused operation is named too');
    assert.equal(refused.outcome, '4');
    const exported = recorded('GET', '/Group/g-1/$export', 202);
    assert.deepEqual([exported.type.code, exported.subtype?.map((c) => c.code)], ['110106', ['export']]);
    // A segment that is no operation name is not written into the detail, so nothing is named.
    const odd = recorded('GET', '/Patient/pat-9/$not.a-name', 400);
    assert.deepEqual(odd.subtype?.map((c) => c.code), ['operation']);
    assert.equal(odd.outcomeDesc, 'GET 400');
    // Not an operation: no such subtype; nor for a detail written by other routes (a CDS hook's).
    assert.deepEqual(recorded('GET', '/Observation/obs-1', 200).subtype?.map((c) => c.code), ['read']);
    const hook = toAuditEvent(row({ action: 'operation', resource: 'cds-services/patient-view', detail: 'CDS hook patient-view: 2 card(s)' }));
    assert.deepEqual(hook.subtype?.map((c) => c.code), ['operation']);
    loadDefinitions();
    for (const e of [everything, typeLevel, refused, exported]) assert.deepEqual(validateResource(e), [], JSON.stringify(e.subtype));
  });

  it('passes the R4 validator for every action, outcome and shape', () => {
    loadDefinitions();
    const shapes: Partial<AuditRow>[] = [
      {}, { resource: null, patients: [] }, { resource: 'Observation', query: 'code=8867-4', patients: ['pat-1', 'pat-2'] },
      { resource: 'Patient/pat-9' }, { resource: 'Observation/obs-1/_history/3' }, { userId: null, username: null, fhirUser: null, clientId: null, sourceIp: null },
    ];
    for (const action of AUDIT_ACTIONS) {
      for (const outcome of ['success', 'denied', 'failure'] as const) {
        for (const shape of shapes) {
          const e = toAuditEvent(row({ action, outcome, detail: 'synthetic detail', ...shape }));
          assert.deepEqual(validateResource(e), [], `${action} ${outcome} ${JSON.stringify(shape)}`);
        }
      }
    }
  });
});
