/**
 * Chart flags: a code-status Flag (Full code, DNR, DNR/DNI) for older or chronically ill
 * patients, the way a clinic records it after an advance-care-planning talk, and a fall-risk
 * Flag for some of the elderly. Codes are Continuum's own (no licensed terminology); the
 * category is HL7's flag-category (`advance-directive`, `safety`). It draws from its own random
 * stream, so adding it left every other resource of the population unchanged.
 */
import type { Flag } from '@medplum/fhirtypes';
import { fixed } from './codes.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext } from './context.ts';
import { Rng } from './prng.ts';
import { DAY, YEAR, isoDate } from './time.ts';

export const CODE_STATUS_SYSTEM = 'urn:continuum:code-status';
export const FLAG_SYSTEM = 'urn:continuum:flag';
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/flag-category';

const CODE_STATUS = {
  'full-code': 'Full code',
  dnr: 'DNR (do not resuscitate)',
  'dnr-dni': 'DNR/DNI (do not resuscitate, do not intubate)',
} as const;

function flag(ctx: PatientContext, category: [string, string], code: [string, string, string], start: number): Flag {
  return {
    resourceType: 'Flag', id: ctx.ids.next('Flag'), status: 'active',
    category: [fixed(CATEGORY, category[0], category[1])],
    code: { ...fixed(code[0], code[1], code[2]), text: code[2] },
    subject: ctx.patient, period: { start: isoDate(start) }, author: practitionerRef(ctx.person.pcp),
  };
}

export function emitFlags(ctx: PatientContext): void {
  const rng = new Rng(`${ctx.dir.seed}|patient|${ctx.index}|flags`);
  const { age } = ctx.person;
  const recent = (years: number): number => ctx.now - rng.int(30, Math.round(years * 365)) * DAY;
  if (age >= 65 || (age >= 18 && ctx.profile.size >= 3)) {
    const dnr = age >= 85 ? 0.45 : age >= 75 ? 0.25 : age >= 65 ? 0.08 : 0.02;
    const status: keyof typeof CODE_STATUS = rng.chance(dnr) ? (rng.chance(0.6) ? 'dnr-dni' : 'dnr') : 'full-code';
    emit(ctx, flag(ctx, ['advance-directive', 'Advance Directive'], [CODE_STATUS_SYSTEM, status, CODE_STATUS[status]], recent(3)));
  }
  if (age >= 65 && rng.chance(age >= 80 ? 0.45 : 0.15)) {
    emit(ctx, flag(ctx, ['safety', 'Safety'], [FLAG_SYSTEM, 'fall-risk', 'Fall risk'], Math.max(ctx.now - 2 * YEAR, recent(2))));
  }
}
