/** Which navigation each staff role is offered, and how the roles claim is read (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { navFor, rolesFromClaim, rolesLabel } from '../../src/auth/roles.ts';

const labels = (roles: Parameters<typeof navFor>[0]) => navFor(roles).map((i) => i.label);

describe('role navigation', () => {
  it('gives clinicians their patients, inbox, tasks and pending orders; nurses also register', () => {
    assert.deepEqual(labels(['physician']), ['Patients', 'Inbox', 'Tasks', 'Pending orders']);
    assert.deepEqual(labels(['nurse']), ['Patients', 'Inbox', 'Tasks', 'Pending orders', 'Register patient']);
  });

  it('gives the front desk patients and registration, nothing clinical', () => {
    assert.deepEqual(labels(['front-desk']), ['Patients', 'Register patient']);
    assert.deepEqual(navFor(['front-desk']).map((i) => i.to), ['/', '/patients/new']);
  });

  it('hides what billing, audit and admin may not use', () => {
    assert.deepEqual(labels(['biller']), ['Patients']);
    assert.deepEqual(labels(['auditor']), [], 'an auditor reads no patient data, and the audit screens are not in this app');
    assert.deepEqual(labels(['admin']), ['Patients', 'Register patient']);
    assert.deepEqual(labels([]), []);
  });

  it('gives several roles the union, in one order', () => {
    assert.deepEqual(labels(['front-desk', 'physician']), ['Patients', 'Inbox', 'Tasks', 'Pending orders', 'Register patient']);
  });

  it('marks the current page: a chart is under Patients, registration is not', () => {
    const [patients, , , pending, register] = navFor(['nurse']);
    assert.ok(patients!.active('/'));
    assert.ok(patients!.active('/patients/abc/summary'));
    assert.ok(!patients!.active('/patients/new'));
    assert.ok(register!.active('/patients/new'));
    assert.ok(!patients!.active('/inbox'));
    assert.ok(pending!.active('/orders') && !pending!.active('/patients/abc/orders'));
  });

  it('reads only known roles from the claim', () => {
    assert.deepEqual(rolesFromClaim(['physician', 'superuser', 7, 'physician']), ['physician']);
    assert.deepEqual(rolesFromClaim('physician'), []);
    assert.deepEqual(rolesFromClaim(undefined), []);
    assert.equal(rolesLabel(['nurse', 'front-desk']), 'Nurse, Front desk');
  });
});
