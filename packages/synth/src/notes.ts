/**
 * Clinical notes as DocumentReferences: a short SOAP-style plain-text note written from what the
 * encounter actually produced (reason, vitals, results, assessments, orders), base64-encoded in a
 * `text/plain` attachment. Types are LOINC document codes (progress note, emergency department
 * note, discharge summary); the category is US Core's `clinical-note`.
 */
import type { DocumentReference } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { concept } from './codes.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { isoDate, isoDateTime } from './time.ts';

const NOTE_TYPE = { well: '11506-3', followup: '11506-3', acute: '11506-3', ed: '34111-5', inpatient: '18842-5' } as const;

function subjective(ctx: PatientContext, r: VisitRecord): string {
  const v = r.visit;
  if (v.acute) return `Presents with ${v.acute.complaint}.`;
  if (v.kind === 'well') return v.age < 18 ? 'Here for a well-child check. Parent reports no concerns; growth and development on track.' : 'Here for an annual preventive visit. No acute complaints.';
  const names = v.chronic.map((k) => ctx.profile.get(k)?.icd).filter((x): x is string => x !== undefined);
  if (v.kind === 'ed' || v.kind === 'inpatient') return `Worsening symptoms of a known chronic condition (${names.join(', ')}).`;
  return v.diagnoses.length > 0 ? 'Evaluation of new symptoms.' : `Follow-up of chronic conditions (${names.join(', ')}). Reports taking medications as prescribed.`;
}

export function noteText(ctx: PatientContext, r: VisitRecord): string {
  const v = r.visit;
  const p = ctx.person;
  const title = v.kind === 'inpatient' ? 'DISCHARGE SUMMARY' : v.kind === 'ed' ? 'EMERGENCY DEPARTMENT NOTE' : 'PROGRESS NOTE';
  const lines = [
    `${title} - ${isoDate(v.start)}`,
    `Patient: ${p.given.join(' ')} ${p.family}, ${Math.floor(v.age)}-year-old ${p.sex}`,
    `Clinician: ${v.provider.display}, ${v.org.name}`,
    '',
    `S: ${subjective(ctx, r)}`,
    `O: ${r.vitals.length > 0 ? r.vitals.join(', ') : 'No vitals recorded.'}`,
    `A: ${r.assessments.length > 0 ? r.assessments.join(' ') : 'Healthy; routine preventive care.'}`,
    `P: ${r.plan.length > 0 ? r.plan.join(' ') : 'Continue current care.'} ${v.kind === 'inpatient' ? 'Follow up with primary care within 7 days of discharge.' : 'Return as needed or at the next scheduled visit.'}`,
    '',
    'This note is synthetic test data.',
  ];
  return lines.join('\n');
}

export function emitNote(ctx: PatientContext, r: VisitRecord): void {
  const v = r.visit;
  const text = noteText(ctx, r);
  const doc: DocumentReference = {
    resourceType: 'DocumentReference', id: ctx.ids.next('DocumentReference'), status: 'current', docStatus: 'final',
    type: concept('loinc', NOTE_TYPE[v.kind]),
    category: [{ coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category', code: 'clinical-note', display: 'Clinical Note' }] }],
    subject: ctx.patient, date: isoDateTime(v.end), author: [practitionerRef(v.provider)],
    custodian: ref('Organization', v.org.id, v.org.name),
    content: [{ attachment: { contentType: 'text/plain', language: 'en', data: Buffer.from(text, 'utf8').toString('base64'), title: text.split('\n')[0] ?? 'Note', creation: isoDateTime(v.end) } }],
    context: { encounter: [ref('Encounter', r.encounterId)], period: { start: isoDateTime(v.start), end: isoDateTime(v.end) } },
  };
  emit(ctx, doc, r);
}
