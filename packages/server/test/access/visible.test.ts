/**
 * Access suite, the instance-level decision: compartment limits (patients, proxies with several
 * patients, patient-context launches), sensitivity labels with and without rights, a patient's own
 * record, break-the-glass and its expiry, and v2 scope filters with and without a system.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Interaction, type Principal, type ResourceAccessInfo, visible } from '../../src/access/policy.ts';
import { parseScopes } from '../../src/access/scopes.ts';
import { ACT_CODE_SYSTEM, CONFIDENTIALITY_SYSTEM } from '../../src/access/sensitivity.ts';

const NOW = new Date('2031-03-01T12:00:00Z');
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

function principal(kind: Principal['kind'], scope: string, extra: Partial<Principal> = {}): Principal {
  const parsed = parseScopes(scope);
  assert.deepEqual(parsed.invalid, []);
  return { kind, tenant: 't1', clientId: 'app', roles: [], scopes: parsed.rules, securityRights: [], breakGlass: [], ...extra };
}

const physician = (scope = 'user/*.cruds', extra: Partial<Principal> = {}) => principal('staff', scope, { roles: ['physician'], ...extra });
const patientUser = (id: string, scope = 'patient/*.cruds', extra: Partial<Principal> = {}) =>
  principal('patient', scope, { patient: id, patients: [id], ...extra });

type Label = { system?: string; code: string };
const act = (code: string): Label => ({ system: ACT_CODE_SYSTEM, code });
const conf = (code: string): Label => ({ system: CONFIDENTIALITY_SYSTEM, code });

/** An Observation (or another type) with security labels. */
function subject(labels: Label[] = [], type = 'Observation') {
  return { resourceType: type, ...(labels.length > 0 ? { meta: { security: labels } } : {}) };
}

function info(compartments: string[], tokens: Record<string, string[]> = {}, inCompartmentType = true): ResourceAccessInfo {
  return { compartments, inCompartmentType, tokens: (param) => tokens[param] ?? [] };
}

const can = (p: Principal, compartments: string[], labels: Label[] = [], interaction: Interaction = 'read', now = NOW) =>
  visible(p, subject(labels), info(compartments), interaction, now);

describe('compartment limits', () => {
  it('shows a patient user their own compartment only', () => {
    const p = patientUser('p1');
    assert.equal(can(p, ['p1']), true);
    assert.equal(can(p, ['p2']), false);
    assert.equal(can(p, ['p2', 'p1']), true, 'in several compartments, one of them theirs');
    assert.equal(can(p, []), false, 'a compartment type in no compartment');
  });

  it('shows types outside the patient compartment definition', () => {
    const p = patientUser('p1', 'patient/*.rs');
    assert.equal(visible(p, { resourceType: 'Practitioner' }, info([], {}, false), 'read', NOW), true);
    assert.equal(visible(p, { resourceType: 'Medication' }, info([], {}, false), 'search', NOW), true);
  });

  it('shows a proxy each patient they act for, and no other', () => {
    const p = principal('proxy', 'patient/*.rs', { patient: 'child-1', patients: ['child-1', 'child-2', 'parent-3'] });
    for (const id of ['child-1', 'child-2', 'parent-3']) assert.equal(can(p, [id]), true, id);
    assert.equal(can(p, ['stranger']), false);
    assert.equal(can(p, ['stranger'], [], 'search'), false);
  });

  it('limits a patient or proxy without a patients list to their own patient, not to nobody-or-everyone', () => {
    const p = principal('patient', 'patient/*.rs', { patient: 'p1' });
    assert.equal(can(p, ['p1']), true);
    assert.equal(can(p, ['p2']), false);
    const lost = principal('proxy', 'user/*.rs');
    assert.equal(can(lost, ['p1']), false);
    assert.equal(visible(lost, { resourceType: 'Organization' }, info([], {}, false), 'read', NOW), true);
  });

  it('does not limit staff without a patients list', () => {
    const p = physician();
    assert.equal(can(p, ['p1']), true);
    assert.equal(can(p, ['p2']), true);
    assert.equal(can(p, []), true);
  });

  it('limits a patient-context launch to the launch patient', () => {
    const p = physician('patient/*.rs', { patient: 'p1', patients: ['p1'] });
    assert.equal(can(p, ['p1']), true);
    assert.equal(can(p, ['p2']), false);
  });

  it('keeps patient/ rules to the patient in context even without a patients list', () => {
    const launchOnly = physician('patient/*.rs', { patient: 'p1' });
    assert.equal(can(launchOnly, ['p1']), true);
    assert.equal(can(launchOnly, ['p2']), false);
    const both = physician('patient/*.rs user/Observation.rs', { patient: 'p1' });
    assert.equal(can(both, ['p2']), true, 'the user/ rule is not limited to the launch patient');
    assert.equal(visible(both, subject([], 'Condition'), info(['p2']), 'read', NOW), false, 'only the patient/ rule covers Condition');
  });

  it('lets a patient write only into their own compartment', () => {
    const p = patientUser('p1', 'patient/Observation.c patient/Slot.c');
    assert.equal(can(p, ['p1'], [], 'create'), true);
    assert.equal(can(p, ['p2'], [], 'create'), false);
    assert.equal(visible(p, { resourceType: 'Slot' }, info([], {}, false), 'create', NOW), false, 'no writes outside a compartment');
  });

  it('still applies the type-level decision', () => {
    const clerk = principal('staff', 'user/*.cruds', { roles: ['front-desk'] });
    assert.equal(can(clerk, ['p1']), false);
    assert.equal(visible(clerk, { resourceType: 'Patient' }, info(['p1']), 'update', NOW), true);
  });
});

describe('sensitivity labels', () => {
  it('hides a restricted resource from staff without the right, admins included', () => {
    for (const roles of [['physician'], ['admin']] as const) {
      const p = principal('staff', 'user/*.cruds', { roles: [...roles] });
      assert.equal(can(p, ['p1'], [conf('R')]), false, `${roles[0]} R`);
      assert.equal(can(p, ['p1'], [conf('V')]), false, `${roles[0]} V`);
      assert.equal(can(p, ['p1'], [act('PSY')]), false, `${roles[0]} PSY`);
      assert.equal(can(p, ['p1'], [act('HIV')], 'search'), false, `${roles[0]} HIV`);
      assert.equal(can(p, ['p1'], [act('SUD')], 'update'), false, `${roles[0]} SUD update`);
    }
  });

  it('shows it to holders of the right', () => {
    assert.equal(can(physician('user/*.cruds', { securityRights: ['R'] }), ['p1'], [conf('R')]), true);
    assert.equal(can(physician('user/*.cruds', { securityRights: ['PSY'] }), ['p1'], [act('PSY')]), true);
    assert.equal(can(physician('user/*.cruds', { securityRights: ['HIV'] }), ['p1'], [act('HIV')]), true);
  });

  it('needs a right for every label the resource carries', () => {
    const p = physician('user/*.cruds', { securityRights: ['PSY'] });
    assert.equal(can(p, ['p1'], [act('PSY'), act('HIV')]), false);
    assert.equal(can(physician('user/*.cruds', { securityRights: ['PSY', 'HIV'] }), ['p1'], [act('PSY'), act('HIV')]), true);
  });

  it('orders confidentiality: V covers R, not the reverse', () => {
    assert.equal(can(physician('user/*.cruds', { securityRights: ['V'] }), ['p1'], [conf('R')]), true);
    assert.equal(can(physician('user/*.cruds', { securityRights: ['R'] }), ['p1'], [conf('V')]), false);
  });

  it('lets a broader sensitivity right cover narrower ones, but never psychotherapy notes', () => {
    assert.equal(can(physician('user/*.cruds', { securityRights: ['SUD'] }), ['p1'], [act('OPIOIDUD')]), true);
    assert.equal(can(physician('user/*.cruds', { securityRights: ['SPI'] }), ['p1'], [act('SUD')]), true);
    assert.equal(can(physician('user/*.cruds', { securityRights: ['OPIOIDUD'] }), ['p1'], [act('SUD')]), false);
    assert.equal(can(physician('user/*.cruds', { securityRights: ['SPI', 'BH', 'PSY'] }), ['p1'], [act('PSYTHPN')]), false);
    assert.equal(can(physician('user/*.cruds', { securityRights: ['PSYTHPN'] }), ['p1'], [act('PSYTHPN')]), true);
  });

  it('ignores labels that restrict nothing', () => {
    const p = physician();
    assert.equal(can(p, ['p1'], [conf('N'), conf('M'), conf('L'), act('HTEST')]), true);
    assert.equal(can(p, ['p1'], [{ system: 'http://example.org/other', code: 'R' }]), true, 'R in a foreign system');
  });

  it('reads a label without a system as restricted', () => {
    assert.equal(can(physician(), ['p1'], [{ code: 'R' }]), false);
    assert.equal(can(physician(), ['p1'], [{ code: 'HIV' }]), false);
  });

  it('shows a patient their own sensitive data except psychotherapy notes', () => {
    const p = patientUser('p1');
    for (const label of [conf('R'), conf('V'), act('PSY'), act('SUD'), act('HIV'), act('SEX'), act('ETH')]) {
      assert.equal(can(p, ['p1'], [label]), true, label.code);
    }
    assert.equal(can(p, ['p1'], [act('PSYTHPN')]), false);
    assert.equal(can(p, ['p1'], [act('PSY'), act('PSYTHPN')]), false);
  });

  it('gives proxies no such exception: a guardian needs the right', () => {
    const guardian = principal('proxy', 'patient/*.rs', { patient: 'teen', patients: ['teen'] });
    assert.equal(can(guardian, ['teen']), true);
    assert.equal(can(guardian, ['teen'], [act('SEX')]), false);
    assert.equal(can(guardian, ['teen'], [act('ADOL')]), false);
    assert.equal(can({ ...guardian, securityRights: ['SEX'] }, ['teen'], [act('SEX')]), true);
  });
});

describe('break-the-glass', () => {
  const HOUR = 3_600_000;
  const grant = (patient: string, until: Date) => physician('user/*.cruds', { breakGlass: [{ patient, until }] });

  it('opens a labelled resource in the granted compartment while it lasts', () => {
    const p = grant('p1', new Date(NOW.getTime() + HOUR));
    assert.equal(can(p, ['p1'], [conf('R')]), true);
    assert.equal(can(p, ['p1'], [act('SUD'), act('HIV')]), true);
    assert.equal(can(p, ['p2', 'p1'], [act('PSY')]), true, 'one of its compartments is granted');
    assert.equal(can(p, ['p2'], [conf('R')]), false, 'another patient');
    assert.equal(can(p, [], [conf('R')]), false, 'no compartment to match');
  });

  it('ends at its expiry', () => {
    const until = new Date(NOW.getTime() + HOUR);
    const p = grant('p1', until);
    assert.equal(can(p, ['p1'], [conf('R')], 'read', new Date(until.getTime() - 1)), true);
    assert.equal(can(p, ['p1'], [conf('R')], 'read', until), false);
    assert.equal(can(p, ['p1'], [conf('R')], 'read', new Date(until.getTime() + 1)), false);
    assert.equal(can(grant('p1', new Date(NOW.getTime() - 1)), ['p1'], [conf('R')]), false);
  });

  it('uses any active grant among several', () => {
    const p = physician('user/*.cruds', {
      breakGlass: [
        { patient: 'p1', until: new Date(NOW.getTime() - HOUR) },
        { patient: 'p1', until: new Date(NOW.getTime() + HOUR) },
      ],
    });
    assert.equal(can(p, ['p1'], [conf('V')]), true);
  });

  it('does not open psychotherapy notes', () => {
    assert.equal(can(grant('p1', new Date(NOW.getTime() + HOUR)), ['p1'], [act('PSYTHPN')]), false);
  });

  it('does not lift the role or scope decision', () => {
    const clerk = principal('staff', 'user/*.cruds', { roles: ['front-desk'], breakGlass: [{ patient: 'p1', until: new Date(NOW.getTime() + HOUR) }] });
    assert.equal(can(clerk, ['p1'], [conf('R')]), false);
  });
});

describe('v2 scope filters', () => {
  const lab = { category: [`${CATEGORY}|laboratory`, 'laboratory'] };
  const vitals = { category: [`${CATEGORY}|vital-signs`, 'vital-signs'] };
  const foreignLab = { category: ['http://example.org/categories|laboratory', 'laboratory'] };
  const obs = (p: Principal, tokens: Record<string, string[]>, interaction: Interaction = 'read') =>
    visible(p, { resourceType: 'Observation' }, info(['p1'], tokens), interaction, NOW);

  it('matches a code in any system', () => {
    const p = patientUser('p1', 'patient/Observation.rs?category=laboratory');
    assert.equal(obs(p, lab), true);
    assert.equal(obs(p, foreignLab), true);
    assert.equal(obs(p, vitals), false);
    assert.equal(obs(p, {}), false, 'no category at all');
  });

  it('matches system|code exactly', () => {
    const p = patientUser('p1', `patient/Observation.rs?category=${CATEGORY}|laboratory`);
    assert.equal(obs(p, lab), true);
    assert.equal(obs(p, foreignLab), false);
    assert.equal(obs(p, vitals), false);
  });

  it('matches system| to any code of the system, and |code to codes without one', () => {
    const anyCategory = patientUser('p1', `patient/Observation.rs?category=${CATEGORY}|`);
    assert.equal(obs(anyCategory, lab), true);
    assert.equal(obs(anyCategory, vitals), true);
    assert.equal(obs(anyCategory, foreignLab), false);
    const noSystem = patientUser('p1', 'patient/Observation.rs?category=|laboratory');
    assert.equal(obs(noSystem, { category: ['laboratory'] }), true);
    assert.equal(obs(noSystem, lab), false);
  });

  it('reads a comma as or, and several parameters as and', () => {
    const either = patientUser('p1', 'patient/Observation.rs?category=laboratory,vital-signs');
    assert.equal(obs(either, lab), true);
    assert.equal(obs(either, vitals), true);
    assert.equal(obs(either, { category: ['imaging'] }), false);
    const both = patientUser('p1', 'patient/Observation.rs?category=laboratory&status=final');
    assert.equal(obs(both, { ...lab, status: ['final'] }), true);
    assert.equal(obs(both, { ...lab, status: ['preliminary'] }), false);
    assert.equal(obs(both, { status: ['final'] }), false);
  });

  it('is satisfied by any one rule with the permission', () => {
    const p = patientUser('p1', 'patient/Observation.rs?category=laboratory patient/Observation.rs?category=vital-signs');
    assert.equal(obs(p, lab), true);
    assert.equal(obs(p, vitals), true);
    assert.equal(obs(p, { category: ['imaging'] }), false);
    const unfiltered = patientUser('p1', 'patient/Observation.rs?category=laboratory patient/Observation.r');
    assert.equal(obs(unfiltered, vitals), true, 'read: the unfiltered rule');
    assert.equal(obs(unfiltered, vitals, 'search'), false, 'search: only the filtered rule has s');
    assert.equal(obs(unfiltered, lab, 'search'), true);
  });

  it('applies to writes, and through the wildcard type', () => {
    const p = patientUser('p1', 'patient/Observation.cu?category=vital-signs');
    assert.equal(obs(p, vitals, 'create'), true);
    assert.equal(obs(p, lab, 'create'), false);
    const star = physician('user/*.rs?category=laboratory');
    assert.equal(obs(star, lab), true);
    assert.equal(visible(star, { resourceType: 'Condition' }, info(['p1']), 'read', NOW), false);
    assert.equal(visible(star, { resourceType: 'Condition' }, info(['p1'], { category: ['laboratory'] }), 'read', NOW), true);
  });

  it('applies to staff and system principals too', () => {
    const doctor = physician('user/Observation.rs?category=laboratory');
    assert.equal(obs(doctor, lab), true);
    assert.equal(obs(doctor, vitals), false);
    const service = principal('system', `system/Observation.rs?category=${CATEGORY}|vital-signs`);
    assert.equal(obs(service, vitals, 'search'), true);
    assert.equal(obs(service, lab, 'search'), false);
  });
});
