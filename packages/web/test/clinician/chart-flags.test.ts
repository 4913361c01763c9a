/** Code status, banner flags and the care team as the chart shows them (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CareTeam, Flag } from '@medplum/fhirtypes';
import { careTeamMembers, CODE_STATUS_SYSTEM, splitFlags } from '../../src/clinician/chart-flags.ts';

const NOW = new Date('2031-05-01T12:00:00Z');
const flag = (id: string, system: string, code: string, display: string, extra: Partial<Flag> = {}): Flag => ({
  resourceType: 'Flag', id, status: 'active', code: { coding: [{ system, code, display }], text: display }, subject: { reference: 'Patient/p' }, ...extra,
});

describe('chart flags', () => {
  it('takes the newest active code status, with the short label, and keeps the rest as flags', () => {
    const flags = [
      flag('old', CODE_STATUS_SYSTEM, 'full-code', 'Full code', { period: { start: '2029-01-01' } }),
      flag('new', CODE_STATUS_SYSTEM, 'dnr-dni', 'DNR/DNI (do not resuscitate, do not intubate)', { period: { start: '2030-06-01' } }),
      flag('fall', 'urn:continuum:flag', 'fall-risk', 'Fall risk'),
    ];
    const { codeStatus, others } = splitFlags(flags, NOW);
    assert.deepEqual(codeStatus, { label: 'DNR/DNI', detail: 'DNR/DNI (do not resuscitate, do not intubate)', limited: true, since: '2030-06-01' });
    assert.deepEqual(others.map((f) => f.id), ['fall']);
  });

  it('ignores inactive, entered-in-error and ended flags', () => {
    const flags = [
      flag('dnr', CODE_STATUS_SYSTEM, 'dnr', 'DNR', { status: 'inactive' }),
      flag('err', 'urn:x', 'x', 'Wrong chart', { status: 'entered-in-error' }),
      flag('ended', 'urn:x', 'iso', 'Isolation', { period: { start: '2031-01-01', end: '2031-04-30' } }),
      flag('today', 'urn:x', 'vip', 'Ends today', { period: { start: '2031-01-01', end: '2031-05-01' } }),
    ];
    const { codeStatus, others } = splitFlags(flags, NOW);
    assert.equal(codeStatus, undefined);
    assert.deepEqual(others.map((f) => f.id), ['today']);
    assert.equal(splitFlags([flag('f', CODE_STATUS_SYSTEM, 'full-code', 'Full code')], NOW).codeStatus?.limited, false);
  });
});

describe('care team', () => {
  const team = (status: CareTeam['status'], members: [string, string, string?][]): CareTeam => ({
    resourceType: 'CareTeam', status,
    participant: members.map(([ref, role, display]) => ({ member: { reference: ref, ...(display ? { display } : {}) }, role: [{ text: role }] })),
  });

  it('lists each active member once, with the role, naming them from the included Practitioner when needed', () => {
    const members = careTeamMembers(
      [team('active', [['Practitioner/a', 'Primary care provider', 'Dr. A'], ['Practitioner/b', 'Nurse']]), team('active', [['Practitioner/a', 'Cardiology', 'Dr. A']]), team('inactive', [['Practitioner/c', 'Old', 'Dr. C']])],
      [],
      [{ resourceType: 'Practitioner', id: 'b', name: [{ given: ['Bea'], family: 'Nurse' }] }],
    );
    assert.deepEqual(members, [
      { name: 'Dr. A', role: 'Primary care provider', reference: 'Practitioner/a' },
      { name: 'Bea Nurse', role: 'Nurse', reference: 'Practitioner/b' },
    ]);
  });

  it('falls back to the primary care provider when there is no team', () => {
    assert.deepEqual(careTeamMembers([], [{ reference: 'Practitioner/g', display: 'Dr. G' }]), [{ name: 'Dr. G', role: 'Primary care provider', reference: 'Practitioner/g' }]);
    assert.deepEqual(careTeamMembers([], []), []);
  });
});
