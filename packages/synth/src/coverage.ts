/**
 * Insurance Coverage: Medicare for nearly everyone 65 and over, Medicaid for about a fifth of
 * adults under 65 and two fifths of children, commercial plans for most of the rest, and no
 * Coverage for the ~8% uninsured (Census CPS/ACS 2022 shares). Coverage type uses the PHDSC
 * Source of Payment Typology, as US Core recommends.
 */
import type { Coverage } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { emit } from './context.ts';
import type { PatientContext } from './context.ts';
import type { PayerKind } from './directory.ts';
import { isoDate, YEAR } from './time.ts';

const SOPT: Record<PayerKind, [string, string]> = {
  medicare: ['1', 'MEDICARE'], medicaid: ['2', 'MEDICAID'], commercial: ['5', 'PRIVATE HEALTH INSURANCE'],
};

export function emitCoverage(ctx: PatientContext, historyFrom: number): void {
  const { rng, person } = ctx;
  const kind: PayerKind | undefined = person.age >= 65
    ? (rng.chance(0.96) ? 'medicare' : 'commercial')
    : rng.weighted<PayerKind | undefined>([['medicaid', person.age < 18 ? 40 : 18], ['commercial', person.age < 18 ? 55 : 72], [undefined, person.age < 18 ? 5 : 10]]);
  if (!kind) return;
  const payers = ctx.dir.payers.filter((p) => p.payer === kind);
  const payer = rng.pick(payers);
  const [code, display] = SOPT[kind];
  const memberId = `${kind === 'medicare' ? '1EG4' : kind === 'medicaid' ? 'MCD' : 'EHP'}${rng.int(1_000_000, 9_999_999)}`;
  const start = kind === 'medicare' ? Math.max(historyFrom, person.birth + 65 * YEAR) : historyFrom;
  const child = person.age < 18;
  const coverage: Coverage = {
    resourceType: 'Coverage', id: ctx.ids.next('Coverage'), status: 'active',
    identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MB', display: 'Member Number' }] }, system: `urn:continuum:synth:payer:${payer.id}`, value: memberId }],
    type: { coding: [{ system: 'https://nahdo.org/sopt', code, display }], text: display },
    subscriberId: memberId, beneficiary: ctx.patient,
    relationship: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: child ? 'child' : 'self', display: child ? 'Child' : 'Self' }] },
    period: { start: isoDate(start) }, payor: [ref('Organization', payer.id, payer.name)],
    class: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'group', display: 'Group' }] }, value: `G${rng.int(10000, 99999)}`, name: `${payer.name} ${kind === 'commercial' ? rng.pick(['PPO', 'HMO', 'EPO']) : 'Standard'}` }],
  };
  emit(ctx, coverage);
}
