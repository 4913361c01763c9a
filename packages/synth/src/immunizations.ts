/**
 * Immunization resources: the childhood series from birth (records before the history window
 * stand alone; later doses attach to the nearest well visit), a few vaccine-hesitant families,
 * documented refusals (status not-done), yearly influenza with age-specific coverage, and adult
 * Td/Tdap, zoster and pneumococcal vaccines. Codes are CVX.
 */
import type { Immunization } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { concept } from './codes.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { staffOf } from './directory.ts';
import { HOUR, DAY, YEAR, isoDate, isoDateTime, yearOf } from './time.ts';
import { CHILD_SCHEDULE, fluCoverage, fluCvx } from './vaccine-schedule.ts';

const MONTH = YEAR / 12;

function nearestWell(records: readonly VisitRecord[], at: number): VisitRecord | undefined {
  let best: VisitRecord | undefined;
  for (const r of records) {
    if (r.visit.kind !== 'well' && r.visit.kind !== 'followup') continue;
    const gap = Math.abs(r.visit.start - at);
    if (gap < 35 * DAY && (!best || gap < Math.abs(best.visit.start - at))) best = r;
  }
  return best;
}

function give(ctx: PatientContext, records: readonly VisitRecord[], cvx: string, at: number, refused = false): void {
  if (at >= ctx.now || at < ctx.person.birth) return;
  const record = nearestWell(records, at);
  const when = record ? record.visit.start + 30 * 60_000 : Math.floor(at / DAY) * DAY + 17 * HOUR;
  const nurse = ctx.rng.pick(staffOf(ctx.dir, ctx.person.clinic, ['nurse']));
  const loc = ctx.person.clinic.locations[0];
  const imm: Immunization = {
    resourceType: 'Immunization', id: ctx.ids.next('Immunization'), status: refused ? 'not-done' : 'completed',
    vaccineCode: concept('cvx', cvx), patient: ctx.patient, occurrenceDateTime: isoDateTime(when), recorded: isoDateTime(when),
    primarySource: true, ...(loc ? { location: ref('Location', loc.id, loc.name) } : {}),
  };
  if (refused) {
    imm.statusReason = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'PATOBJ', display: 'patient objection' }] };
  } else {
    imm.lotNumber = `${String.fromCharCode(65 + ctx.rng.int(0, 25))}${ctx.rng.int(10000, 99999)}`;
    imm.expirationDate = isoDate(when + ctx.rng.int(180, 700) * DAY);
    imm.performer = [{ function: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0443', code: 'AP', display: 'Administering Provider' }] }, actor: practitionerRef(nurse) }];
  }
  if (record) {
    imm.encounter = ref('Encounter', record.encounterId);
    record.plan.push(`${refused ? 'Declined' : 'Given'}: ${imm.vaccineCode.text ?? cvx} vaccine.`);
  }
  emit(ctx, imm, record);
}

export function emitImmunizations(ctx: PatientContext, records: readonly VisitRecord[], historyFrom: number): void {
  const { rng, person } = ctx;
  const hesitant = rng.chance(0.03);
  // Childhood series: recorded by the clinic for anyone who was a child in the last 18 years.
  if (person.age < 19) {
    for (const d of CHILD_SCHEDULE) {
      const at = person.birth + d.months * MONTH + rng.int(0, 40) * DAY;
      if (rng.chance(hesitant ? 0.15 : d.coverage)) give(ctx, records, d.cvx, at);
      else if (hesitant && at >= historyFrom && rng.chance(0.3)) give(ctx, records, d.cvx, at, true);
    }
  }
  // Seasonal influenza, one chance per season in the window (September to December).
  const firstSeason = yearOf(historyFrom);
  for (let y = firstSeason; y <= yearOf(ctx.now); y++) {
    const at = Date.UTC(y, 8, 1) + rng.int(0, 110) * DAY;
    if (at < historyFrom || at >= ctx.now) continue;
    const age = (at - person.birth) / YEAR;
    if (rng.chance(fluCoverage(age) * (hesitant ? 0.2 : 1))) give(ctx, records, fluCvx(y, age), at);
  }
  // Adults: Td/Tdap every ten years, zoster from 50, pneumococcal conjugate from 65.
  if (person.age >= 19) {
    const span = (ctx.now - historyFrom) / YEAR;
    if (rng.chance((span / 10) * 0.6)) give(ctx, records, rng.chance(0.7) ? '115' : '113', historyFrom + rng.next() * span * YEAR);
    const at50 = Math.max(historyFrom, person.birth + 50 * YEAR);
    if (person.age >= 50 && at50 < ctx.now && rng.chance(0.35)) {
      const first = at50 + rng.next() * (ctx.now - at50);
      give(ctx, records, '187', first);
      if (rng.chance(0.8)) give(ctx, records, '187', first + rng.int(60, 180) * DAY);
    }
    const at65 = Math.max(historyFrom, person.birth + 65 * YEAR);
    if (person.age >= 65 && rng.chance(0.65)) give(ctx, records, at65 >= Date.UTC(2022, 0, 1) ? '216' : '133', at65 + rng.next() * Math.min(ctx.now - at65, 2 * YEAR));
  }
}
