/**
 * Encounter resources from planned visits: class AMB, EMER or IMP (HL7 v3 ActCode), a visit type,
 * the period, the attending practitioner, the location, the serving organization, ICD-10-CM
 * reason codes and, for admissions, discharge details. Scheduled clinic visits also get the
 * fulfilled Appointment that booked them.
 */
import type { Appointment, CodeableConcept, Encounter } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { concept } from './codes.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import type { Visit, VisitKind } from './timeline.ts';
import { DAY, isoDateTime } from './time.ts';

export const ENCOUNTER_TYPE_SYSTEM = 'urn:continuum:synth:encounter-type';

const CLASS: Record<VisitKind, [string, string]> = {
  well: ['AMB', 'ambulatory'], followup: ['AMB', 'ambulatory'], acute: ['AMB', 'ambulatory'], ed: ['EMER', 'emergency'], inpatient: ['IMP', 'inpatient encounter'],
};

function visitType(v: Visit): [string, string] {
  switch (v.kind) {
    case 'well': return v.age < 18 ? ['well-child', 'Well child visit'] : ['annual-physical', 'Annual preventive visit'];
    case 'followup': return v.diagnoses.length > 0 ? ['new-problem', 'New problem visit'] : ['chronic-followup', 'Chronic care follow-up'];
    case 'acute': return v.diagnoses.length > 0 ? ['new-problem', 'New problem visit'] : ['sick-visit', 'Acute (sick) visit'];
    case 'ed': return ['emergency', 'Emergency department visit'];
    case 'inpatient': return ['admission', 'Hospital admission'];
  }
}

export function reasonCodes(ctx: PatientContext, v: Visit): CodeableConcept[] {
  if (v.acute) return [concept('icd10cm', v.acute.icd)];
  return v.chronic.flatMap((k) => {
    const c = ctx.profile.get(k);
    return c ? [concept('icd10cm', c.icd)] : [];
  });
}

export function emitEncounter(ctx: PatientContext, v: Visit): VisitRecord {
  const id = ctx.ids.next('Encounter');
  const record: VisitRecord = { visit: v, encounterId: id, resources: [], vitals: [], assessments: [], plan: [] };
  const [classCode, classDisplay] = CLASS[v.kind];
  const [typeCode, typeDisplay] = visitType(v);
  const period = { start: isoDateTime(v.start), end: isoDateTime(v.end) };
  const encounter: Encounter = {
    resourceType: 'Encounter', id, status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: classCode, display: classDisplay },
    type: [{ coding: [{ system: ENCOUNTER_TYPE_SYSTEM, code: typeCode, display: typeDisplay }], text: typeDisplay }],
    subject: ctx.patient,
    participant: [{
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: v.kind === 'inpatient' ? 'ATND' : 'PPRF', display: v.kind === 'inpatient' ? 'attender' : 'primary performer' }] }],
      period, individual: practitionerRef(v.provider),
    }],
    period,
    location: [{ location: ref('Location', v.location.id, v.location.name), status: 'completed', period }],
    serviceProvider: ref('Organization', v.org.id, v.org.name),
  };
  const reasons = reasonCodes(ctx, v);
  if (reasons.length > 0) encounter.reasonCode = reasons;
  if (v.kind === 'inpatient') {
    encounter.hospitalization = {
      admitSource: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/admit-source', code: 'emd', display: 'From accident/emergency department' }] },
      dischargeDisposition: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition', code: 'home', display: 'Home' }] },
    };
  }
  if (v.kind === 'well' || v.kind === 'followup') {
    const appt = pastAppointment(ctx, v, reasons, record);
    encounter.appointment = [ref('Appointment', appt.id ?? '')];
  }
  emit(ctx, encounter, record);
  return record;
}

function pastAppointment(ctx: PatientContext, v: Visit, reasons: CodeableConcept[], record: VisitRecord): Appointment {
  const follow = v.kind === 'followup';
  const appt: Appointment = {
    resourceType: 'Appointment', id: ctx.ids.next('Appointment'), status: 'fulfilled',
    appointmentType: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code: follow ? 'FOLLOWUP' : 'ROUTINE', display: follow ? 'A follow up visit from a previous appointment' : 'Routine appointment - default if not valued' }] },
    ...(reasons.length > 0 ? { reasonCode: reasons } : {}),
    description: visitType(v)[1], start: isoDateTime(v.start), end: isoDateTime(v.end),
    minutesDuration: Math.round((v.end - v.start) / 60_000), created: isoDateTime(v.start - ctx.rng.int(7, 60) * DAY),
    participant: [
      { actor: ctx.patient, required: 'required', status: 'accepted' },
      { actor: practitionerRef(v.provider), required: 'required', status: 'accepted' },
      { actor: ref('Location', v.location.id, v.location.name), required: 'required', status: 'accepted' },
    ],
  };
  return emit(ctx, appt, record);
}
