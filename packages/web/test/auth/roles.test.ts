/** Which navigation each staff role is offered, and how the roles claim is read (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { navFor, rolesFromClaim, rolesLabel } from '../../src/auth/roles.ts';

const labels = (roles: Parameters<typeof navFor>[0]) => navFor(roles).map((i) => i.label);

describe('role navigation', () => {
  it('gives clinicians their patients, inbox, tasks, pending orders and referrals; nurses also register', () => {
    assert.deepEqual(labels(['physician']), ['Patients', 'Inbox', 'Tasks', 'Pending orders', 'Referrals']);
    assert.deepEqual(labels(['nurse']), ['Patients', 'Inbox', 'Tasks', 'Pending orders', 'Referrals', 'Register patient']);
  });

  it('gives the front desk patients, duplicates and registration, nothing clinical', () => {
    assert.deepEqual(labels(['front-desk']), ['Patients', 'Duplicates', 'Register patient']);
    assert.deepEqual(navFor(['front-desk']).map((i) => i.to), ['/', '/admin/duplicates', '/patients/new']);
  });

  it('hides what billing, audit and admin may not use; the partner directory is the administrator’s alone, the audit log the auditor’s and the administrator’s', () => {
    assert.deepEqual(labels(['biller']), ['Patients']);
    assert.deepEqual(labels(['auditor']), ['Audit log'], 'an auditor reads no patient data: the audit log only');
    assert.deepEqual(labels(['admin']), ['Patients', 'Partners', 'Duplicates', 'Register patient', 'Audit log']);
    assert.deepEqual(navFor(['admin']).map((i) => i.to), ['/', '/admin/partners', '/admin/duplicates', '/patients/new', '/audit']);
    for (const role of ['physician', 'nurse', 'front-desk', 'biller'] as const) assert.ok(!labels([role]).includes('Audit log'), `${role} does not read the audit log`);
    for (const role of ['physician', 'nurse', 'front-desk', 'biller', 'auditor'] as const) assert.ok(!labels([role]).includes('Partners'), `${role} does not manage partners`);
    for (const role of ['front-desk', 'biller', 'auditor', 'admin'] as const) assert.ok(!labels([role]).includes('Referrals'), `${role} does not handle referrals`);
    assert.deepEqual(labels([]), []);
  });

  it('gives several roles the union, in one order', () => {
    assert.deepEqual(labels(['front-desk', 'physician']), ['Patients', 'Inbox', 'Tasks', 'Pending orders', 'Referrals', 'Duplicates', 'Register patient']);
  });

  it('marks the current page: a chart is under Patients, registration is not', () => {
    const [patients, , , pending, referrals, register] = navFor(['nurse']);
    assert.ok(referrals!.active('/referrals') && !referrals!.active('/patients/abc/referrals'), 'a chart’s referrals tab is under Patients');
    const [, partners, duplicates] = navFor(['admin']);
    assert.ok(partners!.active('/admin/partners') && !partners!.active('/admin/duplicates'));
    assert.ok(duplicates!.active('/admin/duplicates'));
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
