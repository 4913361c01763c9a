/**
 * Builders for order-check tests: medication orders coded with a shipped RxNorm product of an
 * ingredient (or only with text), allergies, lab orders and results, and an `OrderCheckInput`
 * with sensible defaults (an adult, no record, a fixed `now`).
 */
import type { AllergyIntolerance, MedicationRequest, Observation, ServiceRequest } from '@medplum/fhirtypes';
import type { OrderCheckInput } from '../../src/medications/check-types.ts';
import { shippedKnowledge } from '../../src/medications/knowledge.ts';

export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const NOW = new Date('2026-11-27T10:00:00Z');

/** An RxNorm code of a single-ingredient product (or ingredient concept) for `ingredient`, if shipped. */
export function codeOf(ingredient: string): string | undefined {
  const entries = shippedKnowledge().catalogue.byIngredient.get(ingredient) ?? [];
  return (entries.find((e) => e.ingredients.length === 1 && !e.ingredientOnly) ?? entries.find((e) => e.ingredients.length === 1))?.code;
}

let counter = 0;

/** A MedicationRequest for an RxNorm code, or for free text when `code` is undefined. */
export function order(opts: { code?: string; text?: string; id?: string; status?: MedicationRequest['status']; dose?: MedicationRequest['dosageInstruction'] }): MedicationRequest {
  const concept = opts.code ? { coding: [{ system: RXNORM, code: opts.code }], ...(opts.text ? { text: opts.text } : {}) } : { text: opts.text ?? 'unknown' };
  return {
    resourceType: 'MedicationRequest',
    ...(opts.id ? { id: opts.id } : {}),
    status: opts.status ?? 'active',
    intent: 'order',
    subject: { reference: 'Patient/p1' },
    medicationCodeableConcept: concept,
    ...(opts.dose ? { dosageInstruction: opts.dose } : {}),
  };
}

/** An order for an ingredient: coded with a shipped product when there is one, else by name. */
export function orderOf(ingredient: string, id?: string): MedicationRequest {
  const code = codeOf(ingredient);
  return order({ ...(code ? { code } : { text: ingredient }), id: id ?? `mr-${++counter}` });
}

export const draftOf = (ingredient: string): MedicationRequest => ({ ...orderOf(ingredient), status: 'draft', id: undefined } as MedicationRequest);

export function input(over: Partial<OrderCheckInput> = {}): OrderCheckInput {
  return {
    patient: { resourceType: 'Patient', id: 'p1', birthDate: '1970-05-01' },
    drafts: [],
    activeMedications: [],
    allergies: [],
    recentLabOrders: [],
    recentLabResults: [],
    now: NOW,
    settings: { duplicateLabWindowDays: 1 },
    ...over,
  };
}

export function allergy(code: AllergyIntolerance['code'], over: Partial<AllergyIntolerance> = {}): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    id: `al-${++counter}`,
    patient: { reference: 'Patient/p1' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }] },
    type: 'allergy',
    category: ['medication'],
    code,
    ...over,
  };
}

export const LOINC = 'http://loinc.org';

export function labOrder(code: string, authoredOn: string, over: Partial<ServiceRequest> = {}): ServiceRequest {
  return { resourceType: 'ServiceRequest', id: `sr-${++counter}`, status: 'active', intent: 'order', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: LOINC, code }] }, authoredOn, ...over };
}

export function labResult(code: string, effective: string, value: number, unit: string, over: Partial<Observation> = {}): Observation {
  return {
    resourceType: 'Observation',
    id: `obs-${++counter}`,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: LOINC, code, display: code }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: effective,
    valueQuantity: { value, unit },
    ...over,
  };
}
