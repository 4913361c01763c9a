/**
 * MedicationRequests: the maintenance regimen for each chronic condition (active, authored at the
 * first visit that managed it or at diagnosis) and short courses for acute illnesses and flares
 * (completed unless still running at `now`). Each request names its reason Condition, its
 * prescriber and structured dosage, so every prescription fits a problem on the patient's list.
 */
import type { Dosage, MedicationRequest } from '@medplum/fhirtypes';
import type { AnyReference } from './bundle.ts';
import { ref } from './bundle.ts';
import { concept } from './codes.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { DRUGS } from './drugs.ts';
import type { Drug, DrugName } from './drugs.ts';
import type { Staff } from './directory.ts';
import { DAY, isoDate, isoDateTime } from './time.ts';

const ROUTES: Record<Drug['route'], [string, string]> = {
  oral: ['PO', 'Oral'], inhaled: ['IPINHL', 'Inhalation, oral'], subcutaneous: ['SQ', 'Subcutaneous'],
};

function dosage(drug: Drug): Dosage {
  const [code, display] = ROUTES[drug.route];
  return {
    sequence: 1, text: drug.sig,
    ...(drug.perDay > 0 ? { timing: { repeat: { frequency: drug.perDay, period: 1, periodUnit: 'd' } } } : {}),
    ...(drug.asNeeded ? { asNeededBoolean: true } : {}),
    route: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration', code, display }] },
    doseAndRate: [{ doseQuantity: { value: drug.dose[0], unit: drug.dose[1] } }],
  };
}

export interface Prescription {
  drug: Drug;
  reason: AnyReference;
  authoredOn: number;
  prescriber: Staff;
  record?: VisitRecord;
  /** Days of therapy for a short course; omitted for maintenance drugs. */
  days?: number;
}

export function prescribe(ctx: PatientContext, p: Prescription): MedicationRequest {
  const ended = p.days !== undefined && p.authoredOn + p.days * DAY < ctx.now;
  const supply = p.days ?? 90;
  const perDay = p.drug.perDay > 0 ? p.drug.perDay : 4;
  const request: MedicationRequest = {
    resourceType: 'MedicationRequest', id: ctx.ids.next('MedicationRequest'),
    status: ended ? 'completed' : 'active', intent: 'order',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code: 'outpatient', display: 'Outpatient' }] }],
    medicationCodeableConcept: concept('rxnorm', p.drug.rx), subject: ctx.patient,
    authoredOn: isoDateTime(p.authoredOn), requester: practitionerRef(p.prescriber), reasonReference: [p.reason],
    dosageInstruction: [dosage(p.drug)],
    dispenseRequest: {
      validityPeriod: { start: isoDate(p.authoredOn), end: isoDate(p.authoredOn + (p.days === undefined ? 365 : 30) * DAY) },
      numberOfRepeatsAllowed: p.days === undefined ? 3 : 0,
      quantity: { value: Math.ceil(perDay * supply * p.drug.dose[0] / (p.drug.route === 'inhaled' ? 100 : 1)), unit: p.drug.route === 'inhaled' ? 'inhaler' : p.drug.dose[1] },
      expectedSupplyDuration: { value: supply, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
      performer: ref('Organization', ctx.dir.pharmacy.id, ctx.dir.pharmacy.name),
    },
  };
  if (p.record) request.encounter = ref('Encounter', p.record.encounterId);
  if (p.record) p.record.plan.push(`Prescribed ${request.medicationCodeableConcept?.text ?? p.drug.rx}: ${p.drug.sig}.`);
  return emit(ctx, request, p.record);
}

export function drug(name: DrugName): Drug {
  return DRUGS[name];
}
