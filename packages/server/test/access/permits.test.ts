/**
 * Access suite, the type-level decision for each kind of principal: system clients by their
 * `system/` scopes alone, patients and proxies by `patient/` and `user/` scopes, staff by `user/`
 * scopes (or `patient/` ones with a launch patient) intersected with their roles. Also the
 * interaction → permission map.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Interaction, permissionFor, permits, type Principal } from '../../src/access/policy.ts';
import { parseScopes } from '../../src/access/scopes.ts';

function principal(kind: Principal['kind'], scope: string, extra: Partial<Principal> = {}): Principal {
  const parsed = parseScopes(scope);
  assert.deepEqual(parsed.invalid, []);
  return { kind, tenant: 't1', clientId: 'app', roles: [], scopes: parsed.rules, securityRights: [], breakGlass: [], ...extra };
}

const INTERACTIONS: Interaction[] = ['read', 'vread', 'history', 'search', 'create', 'update', 'patch', 'delete', 'operation'];

/** The interactions `p` may perform on `type`, to compare whole rows at once. */
const allowed = (p: Principal, type: string) => INTERACTIONS.filter((i) => permits(p, i, type));

describe('permissionFor', () => {
  it('maps each interaction to its SMART letter', () => {
    assert.deepEqual(
      Object.fromEntries(INTERACTIONS.map((i) => [i, permissionFor(i)])),
      { read: 'r', vread: 'r', history: 'r', search: 's', create: 'c', update: 'u', patch: 'u', delete: 'd', operation: 'r' },
    );
  });
});

describe('system principals', () => {
  it('are decided by system/ scopes alone, without roles', () => {
    const p = principal('system', 'system/Observation.rs');
    assert.deepEqual(allowed(p, 'Observation'), ['read', 'vread', 'history', 'search', 'operation']);
    assert.deepEqual(allowed(p, 'Patient'), []);
    const writer = principal('system', 'system/*.cruds');
    assert.deepEqual(allowed(writer, 'AuditEvent'), INTERACTIONS, 'a backend service may write the audit trail');
    assert.deepEqual(allowed(writer, 'SearchParameter'), INTERACTIONS);
  });

  it('ignore patient/ and user/ scopes, and roles', () => {
    const p = principal('system', 'patient/*.cruds user/*.cruds', { roles: ['admin'], patient: 'p1' });
    for (const type of ['Observation', 'Patient', 'AuditEvent']) assert.deepEqual(allowed(p, type), [], type);
  });

  it('take an explicit permission for operations', () => {
    const p = principal('system', 'system/Observation.r');
    assert.equal(permits(p, 'operation', 'Observation'), true);
    assert.equal(permits(p, 'operation', 'Observation', 'c'), false);
    assert.equal(permits(principal('system', 'system/Observation.c'), 'operation', 'Observation', 'c'), true);
  });
});

describe('staff principals', () => {
  it('need both a user/ scope and a role', () => {
    const doctor = principal('staff', 'user/*.cruds', { roles: ['physician'] });
    assert.deepEqual(allowed(doctor, 'Observation'), INTERACTIONS);
    assert.deepEqual(allowed(doctor, 'AuditEvent'), [], 'no role lets a physician see the trail');
    assert.deepEqual(allowed(doctor, 'SearchParameter'), ['read', 'vread', 'history', 'search', 'operation']);

    const narrow = principal('staff', 'user/Observation.rs', { roles: ['physician'] });
    assert.deepEqual(allowed(narrow, 'Observation'), ['read', 'vread', 'history', 'search', 'operation'], 'the scope narrows the role');
    assert.deepEqual(allowed(narrow, 'Condition'), []);

    const clerk = principal('staff', 'user/*.cruds', { roles: ['front-desk'] });
    assert.deepEqual(allowed(clerk, 'Observation'), [], 'the role narrows the scope');
    assert.deepEqual(allowed(clerk, 'Patient'), INTERACTIONS);
    assert.deepEqual(allowed(clerk, 'Practitioner'), ['read', 'vread', 'history', 'search', 'operation']);
  });

  it('get nothing from scopes without roles, or roles without scopes', () => {
    assert.deepEqual(allowed(principal('staff', 'user/*.cruds'), 'Patient'), []);
    assert.deepEqual(allowed(principal('staff', '', { roles: ['admin'] }), 'Patient'), []);
    assert.deepEqual(allowed(principal('staff', 'openid fhirUser launch', { roles: ['admin'] }), 'Patient'), []);
  });

  it('use patient/ scopes only with a launch patient', () => {
    const scope = 'patient/*.rs';
    assert.deepEqual(allowed(principal('staff', scope, { roles: ['nurse'] }), 'Observation'), []);
    assert.deepEqual(
      allowed(principal('staff', scope, { roles: ['nurse'], patient: 'p1', patients: ['p1'] }), 'Observation'),
      ['read', 'vread', 'history', 'search', 'operation'],
    );
  });

  it('ignore system/ scopes', () => {
    assert.deepEqual(allowed(principal('staff', 'system/*.cruds', { roles: ['admin'] }), 'Patient'), []);
  });

  it('let admins and auditors read the trail and nobody write it', () => {
    const admin = principal('staff', 'user/*.cruds', { roles: ['admin'] });
    assert.deepEqual(allowed(admin, 'AuditEvent'), ['read', 'vread', 'history', 'search', 'operation']);
    assert.deepEqual(allowed(admin, 'SearchParameter'), INTERACTIONS);
    const auditor = principal('staff', 'user/AuditEvent.rs user/Practitioner.rs', { roles: ['auditor'] });
    assert.deepEqual(allowed(auditor, 'AuditEvent'), ['read', 'vread', 'history', 'search', 'operation']);
    assert.deepEqual(allowed(auditor, 'Practitioner'), ['read', 'vread', 'history', 'search', 'operation']);
    assert.deepEqual(allowed(auditor, 'Patient'), []);
  });
});

describe('patient and proxy principals', () => {
  for (const kind of ['patient', 'proxy'] as const) {
    it(`${kind}: patient/ and user/ scopes, not system/ ones, and roles do not matter`, () => {
      const reader = principal(kind, 'patient/*.rs', { patient: 'p1', patients: ['p1'] });
      assert.deepEqual(allowed(reader, 'Observation'), ['read', 'vread', 'history', 'search', 'operation']);
      assert.deepEqual(allowed(reader, 'Practitioner'), ['read', 'vread', 'history', 'search', 'operation']);
      const user = principal(kind, 'user/Observation.rs', { patient: 'p1', patients: ['p1'] });
      assert.deepEqual(allowed(user, 'Observation'), ['read', 'vread', 'history', 'search', 'operation']);
      assert.deepEqual(allowed(user, 'Condition'), []);
      assert.deepEqual(allowed(principal(kind, 'system/*.cruds', { patient: 'p1', roles: ['admin'] }), 'Observation'), []);
      assert.deepEqual(allowed(principal(kind, '', { patient: 'p1', roles: ['admin'] }), 'Observation'), []);
    });

    it(`${kind}: writes clinical and demographic data and appointment replies, never the directory, conformance, finance or audit types, and never deletes`, () => {
      const p = principal(kind, 'patient/*.cruds', { patient: 'p1', patients: ['p1'] });
      for (const type of ['Observation', 'QuestionnaireResponse', 'Patient', 'AppointmentResponse']) {
        // The record is the clinic's legal document: a patient adds to it, and asks staff to amend it.
        assert.deepEqual(allowed(p, type), INTERACTIONS.filter((i) => i !== 'delete'), type);
      }
      for (const type of ['AuditEvent', 'Practitioner', 'Organization', 'SearchParameter', 'Questionnaire', 'Claim', 'Coverage']) {
        assert.deepEqual(allowed(p, type), ['read', 'vread', 'history', 'search', 'operation'], type);
      }
    });

    it(`${kind}: books, cancels and reschedules only through the operations, never by writing Appointment, Slot or Schedule`, () => {
      const p = principal(kind, 'patient/*.cruds', { patient: 'p1', patients: ['p1'] });
      for (const type of ['Appointment', 'Slot', 'Schedule']) {
        assert.deepEqual(allowed(p, type), ['read', 'vread', 'history', 'search', 'operation'], type);
      }
    });
  }
});

describe('any principal', () => {
  it('is denied names that are not R4 resource types', () => {
    for (const p of [
      principal('system', 'system/*.cruds'),
      principal('staff', 'user/*.cruds', { roles: ['admin'] }),
      principal('patient', 'patient/*.cruds', { patient: 'p1' }),
    ]) {
      for (const type of ['Foo', '*', '', 'Resource', 'SubscriptionStatus']) assert.deepEqual(allowed(p, type), [], `${p.kind} ${type}`);
    }
  });

  it('is limited to the rule for the same type or the wildcard', () => {
    const p = principal('system', 'system/Patient.r system/*.s');
    assert.equal(permits(p, 'read', 'Patient'), true);
    assert.equal(permits(p, 'read', 'Observation'), false);
    assert.equal(permits(p, 'search', 'Observation'), true);
  });
});
