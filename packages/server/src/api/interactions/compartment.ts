/**
 * Compartment search, `GET [base]/Patient/[id]/[type]?...` and `POST .../[type]/_search`: a
 * type-level search restricted to the patient's compartment as R4's patient CompartmentDefinition
 * defines it (membership is computed at write time; see @continuum/fhir `patientCompartment`).
 *
 * Choices where the spec leaves room, each tested:
 * - Only the Patient compartment exists here; `Encounter/1/Observation` and the like are a 400.
 * - A type the definition does not list (`Patient/1/Organization`) can never be in the
 *   compartment, so asking for it is a client error: 400, not an always-empty Bundle.
 * - The compartment is named by a Patient that must exist: an id never written is a 404 (as
 *   `$everything` answers), a deleted Patient a 410. Unlike HAPI's empty Bundle, this tells a
 *   client with a wrong id that it is wrong. `Observation?subject=...` still finds data that
 *   points at a Patient that was never stored.
 * - `Patient/[id]/Patient` is the Patient itself plus any Patient whose `link` points at it.
 */
import { notSupported, patientCompartmentParams, badRequest } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';
import { search } from './search.ts';

export function inPatientCompartment(type: string): boolean {
  return type === 'Patient' || patientCompartmentParams().has(type);
}

export async function compartmentSearch(ctx: ApiContext, req: FhirRequest, compartmentType: string, id: string, type: string): Promise<FhirResponse> {
  ctx.repo.checkType(compartmentType);
  ctx.repo.checkType(type);
  if (compartmentType !== 'Patient') throw notSupported(`Compartment search is supported for the Patient compartment only, not ${compartmentType}`);
  if (!inPatientCompartment(type)) throw badRequest(`${type} is not in the Patient compartment (R4 CompartmentDefinition/patient)`);
  await ctx.repo.readStored('Patient', id);
  return search(ctx, req, type, { compartment: { type: 'Patient', id } });
}
