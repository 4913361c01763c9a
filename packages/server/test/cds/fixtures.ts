/**
 * Builders for the CDS tests: draft and active orders coded with RxNorm from the shipped list,
 * hook requests, and a helper that calls the CDS routes (which live beside `/fhir`, not under it)
 * with a bearer token.
 */
import { randomUUID } from 'node:crypto';
import type { AllergyIntolerance, Bundle, MedicationRequest, Observation, Resource, ServiceRequest } from '@medplum/fhirtypes';
import type { TestResponse, TestServer } from '../fixtures/server.ts';

export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

export interface Drug {
  code: string;
  display: string;
}

/** A medication order: a draft (client-made id, status draft) or an active one to save. */
export function medRequest(patient: string, drug: Drug, opts: { id?: string; status?: MedicationRequest['status']; dose?: { value: number; unit: string }; perDay?: number } = {}): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    ...(opts.id ? { id: opts.id } : {}),
    status: opts.status ?? 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patient}` },
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: drug.code, display: drug.display }], text: drug.display },
    authoredOn: '2026-11-27T00:00:00Z',
    ...(opts.dose
      ? {
          dosageInstruction: [{
            timing: { repeat: { frequency: opts.perDay ?? 1, period: 1, periodUnit: 'd' } },
            doseAndRate: [{ doseQuantity: { value: opts.dose.value, unit: opts.dose.unit, system: 'http://unitsofmeasure.org', code: opts.dose.unit } }],
          }],
        }
      : {}),
  };
}

export function labOrder(patient: string, loinc: string, display: string, opts: { id?: string; status?: ServiceRequest['status']; authoredOn?: string } = {}): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    ...(opts.id ? { id: opts.id } : {}),
    status: opts.status ?? 'draft',
    intent: 'order',
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: loinc, display }], text: display },
    subject: { reference: `Patient/${patient}` },
    authoredOn: opts.authoredOn ?? new Date().toISOString(),
  };
}

export function labResult(patient: string, loinc: string, display: string, value: number, unit: string, effective: string, interpretation?: string): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: loinc, display }], text: display },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime: effective,
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    ...(interpretation ? { interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: interpretation }] }] } : {}),
  };
}

export function allergy(patient: string, text: string, coding?: { system: string; code: string; display: string }, type: AllergyIntolerance['type'] = 'allergy'): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }] },
    type,
    code: { ...(coding ? { coding: [coding] } : {}), text },
    patient: { reference: `Patient/${patient}` },
  };
}

export function draftBundle(drafts: ReadonlyArray<MedicationRequest | ServiceRequest>): Bundle {
  return { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) };
}

export function hookRequest(hook: string, context: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { hook, hookInstance: randomUUID(), context, ...extra };
}

/** Calls a CDS route (`/cds-services...`, `/cds-client/...`) with `token` (none: anonymous). */
export function cds(server: TestServer, method: string, path: string, token: string | undefined, body?: unknown): Promise<TestResponse> {
  return server.request(method, `${server.origin}${path}`, { ...(token ? { token } : { anonymous: true }), ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}) });
}

export async function save(server: TestServer, resource: Resource): Promise<string> {
  const res = await server.request('POST', `/${resource.resourceType}`, { body: resource });
  if (res.status !== 201) throw new Error(`create ${resource.resourceType}: ${res.status} ${res.text.slice(0, 300)}`);
  return String(res.json.id);
}
