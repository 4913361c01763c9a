/**
 * Which date says when care happened, per resource type, for `Patient/$everything`'s `start` and
 * `end`. R4 defines no such mapping on the operation; it does define one search parameter for it,
 * `clinical-date` (code `date` on Encounter, Observation, Procedure, Immunization, CarePlan and a
 * dozen more: the encounter's period, the observation's effective time, the procedure's performed
 * time...). A type has a care date when its `date` parameter is that definition; other types
 * (Patient, Condition, MedicationRequest...) have none, and neither does a resource whose
 * `date` is empty. Pure: it reads a registry only.
 */
import type { SearchParamRegistry } from './registry.ts';

export const CLINICAL_DATE_URL = 'http://hl7.org/fhir/SearchParameter/clinical-date';
/** The code clinical-date is searched by, and so the index rows that hold care dates. */
export const CARE_DATE_PARAM = 'date';

const memo = new WeakMap<SearchParamRegistry, readonly string[]>();

/** The resource types whose `date` parameter is R4's clinical-date in `registry` (a custom override drops a type). */
export function careDateTypes(registry: SearchParamRegistry): readonly string[] {
  let types = memo.get(registry);
  if (types === undefined) {
    const bases = registry.definition(CLINICAL_DATE_URL)?.base ?? [];
    types = Object.freeze(bases.filter((type) => registry.get(type, CARE_DATE_PARAM)?.url === CLINICAL_DATE_URL));
    memo.set(registry, types);
  }
  return types;
}
