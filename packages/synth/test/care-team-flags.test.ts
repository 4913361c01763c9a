/**
 * Care teams and chart flags over 600 synthetic patients: every patient has one active CareTeam
 * led by the same primary care provider as `Patient.generalPractitioner`; code status is
 * recorded for every senior (one Flag, one of three statuses), DNR grows more common with age,
 * and fall risk is flagged only in seniors.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { CareTeam, Flag, Patient } from '@medplum/fhirtypes';
import { CARE_TEAM_ROLE_SYSTEM, CODE_STATUS_SYSTEM, FLAG_SYSTEM, patientBundles } from '../src/index.ts';
import { NOW, YEAR_MS, resources } from './fixtures.ts';

interface Row {
  age: number;
  patient: Patient;
  teams: CareTeam[];
  codeStatus: Flag[];
  fallRisk: Flag[];
}

const rows: Row[] = [];
before(() => {
  for (const b of patientBundles({ seed: 'frame', patients: 600 })) {
    const all = resources(b);
    const patient = all.find((r): r is Patient => r.resourceType === 'Patient')!;
    const flags = all.filter((r): r is Flag => r.resourceType === 'Flag');
    rows.push({
      patient,
      age: Math.floor((NOW - Date.parse(`${patient.birthDate}T00:00:00Z`)) / YEAR_MS),
      teams: all.filter((r): r is CareTeam => r.resourceType === 'CareTeam'),
      codeStatus: flags.filter((f) => f.code.coding?.[0]?.system === CODE_STATUS_SYSTEM),
      fallRisk: flags.filter((f) => f.code.coding?.[0]?.system === FLAG_SYSTEM && f.code.coding[0].code === 'fall-risk'),
    });
  }
});

describe('care teams', () => {
  it('gives each patient one active team led by their primary care provider, with a nurse', () => {
    for (const r of rows) {
      assert.equal(r.teams.length, 1);
      const team = r.teams[0]!;
      assert.equal(team.status, 'active');
      assert.equal(team.subject?.reference, `Patient/${r.patient.id}`);
      const lead = team.participant?.[0];
      assert.equal(lead?.role?.[0]?.coding?.[0]?.system, CARE_TEAM_ROLE_SYSTEM);
      assert.equal(lead?.role?.[0]?.coding?.[0]?.code, 'pcp');
      assert.equal(lead?.member?.reference, r.patient.generalPractitioner?.[0]?.reference);
      assert.ok(team.participant?.some((p) => p.role?.[0]?.coding?.[0]?.code === 'nurse'), 'a nurse is on the team');
    }
  });
});

describe('chart flags', () => {
  it('records one code status for every senior, as an active advance-directive Flag', () => {
    const seniors = rows.filter((r) => r.age >= 65);
    assert.ok(seniors.length > 50, `${seniors.length} seniors`);
    for (const r of seniors) {
      assert.equal(r.codeStatus.length, 1, `patient aged ${r.age}`);
      const f = r.codeStatus[0]!;
      assert.equal(f.status, 'active');
      assert.equal(f.category?.[0]?.coding?.[0]?.code, 'advance-directive');
      assert.ok(['full-code', 'dnr', 'dnr-dni'].includes(f.code.coding?.[0]?.code ?? ''));
    }
    for (const r of rows.filter((x) => x.age < 18)) assert.equal(r.codeStatus.length, 0);
  });

  it('makes DNR more common with age, and flags fall risk only in seniors', () => {
    const dnrShare = (lo: number, hi: number) => {
      const group = rows.filter((r) => r.age >= lo && r.age < hi && r.codeStatus.length > 0);
      return group.filter((r) => r.codeStatus[0]!.code.coding?.[0]?.code !== 'full-code').length / group.length;
    };
    assert.ok(dnrShare(80, 200) > dnrShare(18, 75), `${dnrShare(80, 200)} vs ${dnrShare(18, 75)}`);
    assert.ok(rows.some((r) => r.fallRisk.length > 0));
    for (const r of rows.filter((x) => x.fallRisk.length > 0)) assert.ok(r.age >= 65);
  });
});
