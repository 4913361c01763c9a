/**
 * Condition resources: one problem-list item per chronic condition (active, confirmed, onset and
 * recorded dates, linked to the diagnosing encounter when it falls in the history window) and one
 * encounter diagnosis per acute visit (resolved once the illness has run its course). Codes are
 * ICD-10-CM; categories and statuses use HL7's condition code systems as US Core requires.
 */
import type { CodeableConcept, Condition } from '@medplum/fhirtypes';
import type { Acute } from './acute.ts';
import { ref } from './bundle.ts';
import { concept } from './codes.ts';
import type { Chronic } from './conditions.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { DAY, isoDate, isoDateTime } from './time.ts';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';

const status = (code: 'active' | 'resolved'): CodeableConcept => ({ coding: [{ system: CLINICAL, code, display: code === 'active' ? 'Active' : 'Resolved' }] });
const CONFIRMED: CodeableConcept = { coding: [{ system: VERIFICATION, code: 'confirmed', display: 'Confirmed' }] };
const PROBLEM: CodeableConcept = { coding: [{ system: CATEGORY, code: 'problem-list-item', display: 'Problem List Item' }] };
const DIAGNOSIS: CodeableConcept = { coding: [{ system: CATEGORY, code: 'encounter-diagnosis', display: 'Encounter Diagnosis' }] };

export function chronicCondition(ctx: PatientContext, c: Chronic, diagnosedAt?: VisitRecord): Condition {
  const id = ctx.ids.next('Condition');
  ctx.conditionIds.set(c.key, id);
  const who = diagnosedAt?.visit.provider ?? ctx.person.pcp;
  const condition: Condition = {
    resourceType: 'Condition', id, clinicalStatus: status('active'), verificationStatus: CONFIRMED, category: [PROBLEM],
    code: concept('icd10cm', c.icd), subject: ctx.patient,
    onsetDateTime: isoDate(c.onset), recordedDate: isoDateTime(diagnosedAt?.visit.start ?? c.onset),
    recorder: practitionerRef(who), asserter: practitionerRef(who),
  };
  if (diagnosedAt) condition.encounter = ref('Encounter', diagnosedAt.encounterId);
  const out = emit(ctx, condition, diagnosedAt);
  diagnosedAt?.assessments.push(`${condition.code?.text ?? c.icd} (${c.icd}), new diagnosis.`);
  return out;
}

/** The encounter diagnosis for an acute illness, with the ICD code of `acute` or of a flare. */
export function acuteCondition(ctx: PatientContext, record: VisitRecord, acute: Acute): Condition {
  const v = record.visit;
  const resolvedAt = v.start + (v.kind === 'inpatient' ? 21 : 10) * DAY;
  const condition: Condition = {
    resourceType: 'Condition', id: ctx.ids.next('Condition'),
    clinicalStatus: status(resolvedAt < ctx.now ? 'resolved' : 'active'), verificationStatus: CONFIRMED, category: [DIAGNOSIS],
    code: concept('icd10cm', acute.icd), subject: ctx.patient, encounter: ref('Encounter', record.encounterId),
    onsetDateTime: isoDate(v.start - ctx.rng.int(1, 5) * DAY), recordedDate: isoDateTime(v.start),
    recorder: practitionerRef(v.provider), asserter: practitionerRef(v.provider),
  };
  if (resolvedAt < ctx.now) condition.abatementDateTime = isoDate(resolvedAt);
  record.assessments.push(`${condition.code?.text ?? acute.icd} (${acute.icd}).`);
  return emit(ctx, condition, record);
}
