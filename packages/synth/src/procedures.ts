/**
 * Procedures coded in HCPCS Level II (the only procedure code system the project may ship):
 * Medicare annual wellness visits, depression screening, obesity counseling, diabetes
 * self-management training, screening colonoscopy (45-75, roughly once a decade) and cervical
 * cancer screening exams. Each is a completed Procedure linked to its encounter.
 */
import type { Procedure } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { concept } from './codes.ts';
import { activeAt } from './conditions.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { isoDateTime, MINUTE } from './time.ts';

function perform(ctx: PatientContext, record: VisitRecord, code: string, reasonCondition?: string): void {
  const v = record.visit;
  const start = v.start + 5 * MINUTE;
  const proc: Procedure = {
    resourceType: 'Procedure', id: ctx.ids.next('Procedure'), status: 'completed', code: concept('hcpcs', code),
    subject: ctx.patient, encounter: ref('Encounter', record.encounterId),
    performedPeriod: { start: isoDateTime(start), end: isoDateTime(start + (code === 'G0121' ? 40 : 15) * MINUTE) },
    performer: [{ actor: practitionerRef(v.provider), onBehalfOf: ref('Organization', v.org.id, v.org.name) }],
    location: ref('Location', v.location.id, v.location.name),
  };
  if (reasonCondition) proc.reasonReference = [ref('Condition', reasonCondition)];
  record.plan.push(`Procedure: ${proc.code?.text ?? code}.`);
  emit(ctx, proc, record);
}

export function emitProcedures(ctx: PatientContext, records: readonly VisitRecord[]): void {
  const { rng, person, profile } = ctx;
  let colonoscopyDone = false;
  let wellnessSeen = false;
  for (const r of records) {
    const v = r.visit;
    if (v.kind === 'well' && v.age >= 65) {
      perform(ctx, r, wellnessSeen ? 'G0439' : 'G0438');
      wellnessSeen = true;
    }
    if (v.kind === 'well' && v.age >= 12 && rng.chance(0.6)) perform(ctx, r, 'G0444');
    if (v.kind === 'well' && v.age >= 18 && activeAt(profile, 'obesity', v.start) && rng.chance(0.4)) perform(ctx, r, 'G0447', ctx.conditionIds.get('obesity'));
    if (v.diagnoses.includes('t2dm') && rng.chance(0.6)) perform(ctx, r, 'G0108', ctx.conditionIds.get('t2dm'));
    if (v.kind === 'well' && person.sex === 'female' && v.age >= 21 && v.age < 65 && rng.chance(0.3)) perform(ctx, r, 'G0101');
    if (!colonoscopyDone && v.kind === 'well' && v.age >= 45 && v.age < 76 && rng.chance(0.12)) {
      perform(ctx, r, 'G0121');
      colonoscopyDone = true;
    }
  }
}
