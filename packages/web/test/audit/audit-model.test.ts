/**
 * The audit report's model (pure): the filter as a URL and as the server's AuditEvent search, and
 * each AuditEvent as a line. The events come from the server's own mapping of stored entries
 * (`toAuditEvent`), so the page reads what the server really sends.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle } from '@medplum/fhirtypes';
import { toAuditEvent } from '../../../server/src/audit/audit-event.ts';
import type { AuditRow } from '../../../server/src/audit/types.ts';
import { auditLine, nextCursor, queryFromUrl, queryToUrl, searchParams } from '../../src/audit/audit-model.ts';

function row(overrides: Partial<AuditRow> = {}): AuditRow {
  return {
    seq: '42', lane: 0, pos: '42', tenantId: 'clinic-a', recorded: '2031-03-04T05:06:07.891Z', action: 'read', outcome: 'success', priority: 'normal',
    userId: 'u-1', username: 'dr.synthetic', fhirUser: 'Practitioner/prac-1', role: 'physician', clientId: 'continuum-web',
    patients: ['pat-9'], resource: 'Observation/obs-1', query: null, sourceIp: '192.0.2.10', detail: 'GET 200',
    ...overrides,
  };
}

describe('audit report model', () => {
  it('keeps the filter in the URL, leaving out blanks and malformed values', () => {
    const q = queryFromUrl(new URLSearchParams('user=dr.synthetic&patient=pat-9&from=2031-03-01&to=2031-03-04&action=search'));
    assert.deepEqual(q, { user: 'dr.synthetic', patient: 'pat-9', from: '2031-03-01', to: '2031-03-04', action: 'search' });
    assert.deepEqual(queryFromUrl(queryToUrl(q)), q, 'a round trip');
    assert.deepEqual(queryFromUrl(new URLSearchParams('user=%20&from=March&action=drop-table&patient=p')), { patient: 'p' });
  });

  it('asks the server for the filter: agent, patient, a range of whole days, action, newest page first', () => {
    assert.deepEqual(searchParams({ user: 'dr.synthetic', patient: 'pat-9', from: '2031-03-01', to: '2031-03-04', action: 'read' }), [
      ['agent', 'dr.synthetic'], ['patient', 'pat-9'], ['date', 'ge2031-03-01'], ['date', 'le2031-03-04'], ['action', 'read'], ['_count', '50'],
    ]);
    assert.deepEqual(searchParams({}, 20, '1234'), [['_count', '20'], ['_cursor', '1234']]);
    const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'self', url: 'https://x/fhir/AuditEvent?_count=50' }, { relation: 'next', url: 'https://x/fhir/AuditEvent?_count=50&_cursor=977' }] };
    assert.equal(nextCursor(bundle), '977');
    assert.equal(nextCursor({ ...bundle, link: bundle.link!.slice(0, 1) }), undefined, 'the last page');
  });

  it('reads a read, a search with its query, an operation, a sign-in and a denial', () => {
    const read = auditLine(toAuditEvent(row()));
    assert.deepEqual(read, {
      id: '42', when: '2031-03-04T05:06:07.891Z', user: 'dr.synthetic', role: 'physician', app: 'continuum-web', action: 'Read',
      what: 'Observation/obs-1', patients: ['pat-9'], outcome: 'success', high: false, detail: 'GET 200', sourceIp: '192.0.2.10',
    });
    const search = auditLine(toAuditEvent(row({ action: 'search', resource: 'Observation', query: 'patient=pat-9&category=vital-signs%2Claboratory', patients: ['pat-9', 'pat-10'] })));
    assert.equal(search.action, 'Search');
    assert.equal(search.what, 'Observation?patient=pat-9&category=vital-signs,laboratory', 'the query, readable');
    assert.deepEqual(search.patients, ['pat-9', 'pat-10']);
    assert.equal(auditLine(toAuditEvent(row({ action: 'operation', resource: 'Patient/pat-9', detail: 'GET $everything 200' }))).action, 'Operation $everything');
    const login = auditLine(toAuditEvent(row({ action: 'login', resource: null, patients: [], detail: null })));
    assert.equal(login.action, 'Sign-in');
    assert.equal(auditLine(toAuditEvent(row({ action: 'login-failed', outcome: 'failure', resource: null, patients: [] }))).action, 'Failed sign-in');
    const denied = auditLine(toAuditEvent(row({ outcome: 'denied', detail: 'GET 403' })));
    assert.equal(denied.outcome, 'denied');
  });

  it('marks break-the-glass high priority, with its reason', () => {
    const glass = auditLine(toAuditEvent(row({ action: 'break-glass', priority: 'high', resource: 'Patient/pat-9', detail: 'unconscious in the ED' })));
    assert.equal(glass.action, 'Break-the-glass');
    assert.equal(glass.high, true);
    assert.equal(glass.detail, 'unconscious in the ED');
    assert.equal(auditLine(toAuditEvent(row())).high, false);
  });
});
