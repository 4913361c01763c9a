/**
 * Shared shapes for Observations: UCUM quantities, the observation-category codings, and a base
 * Observation with status, category, code, subject, encounter and effective time filled in.
 * Vitals and labs build on it; it decides nothing clinical.
 */
import type { CodeableConcept, Coding, Observation, Quantity } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import type { PatientContext } from './context.ts';
import { isoDateTime } from './time.ts';

const UCUM = 'http://unitsofmeasure.org';

export function qty(value: number, unit: string, code = unit): Quantity {
  return { value, unit, system: UCUM, code };
}

export function category(code: 'vital-signs' | 'laboratory', display: string): CodeableConcept {
  return { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code, display }], text: display };
}

export const VITAL_SIGNS = category('vital-signs', 'Vital Signs');
export const LABORATORY = category('laboratory', 'Laboratory');

export function baseObservation(ctx: PatientContext, cat: CodeableConcept, codings: Coding[], at: number, encounterId: string): Observation {
  return {
    resourceType: 'Observation', id: ctx.ids.next('Observation'), status: 'final', category: [cat],
    code: { coding: codings, text: codings[0]?.display ?? '' },
    subject: ctx.patient, encounter: ref('Encounter', encounterId), effectiveDateTime: isoDateTime(at),
  };
}
