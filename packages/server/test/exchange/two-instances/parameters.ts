/**
 * Writing and reading the FHIR Parameters the exchange operations take and answer, as the
 * contract names them: inputs are built from a plain list, outputs read by name (and by part).
 */
import type { Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';

export type Param = ParametersParameter;

export const parameters = (...parameter: Param[]): Parameters => ({ resourceType: 'Parameters', parameter });
export const str = (name: string, valueString: string): Param => ({ name, valueString });
export const code = (name: string, valueCode: string): Param => ({ name, valueCode });
export const ref = (name: string, reference: string): Param => ({ name, valueReference: { reference } });
export const res = (name: string, resource: Resource): Param => ({ name, resource });

/** Every parameter (or part) of that name. */
export function all(p: { parameter?: Param[]; part?: Param[] } | undefined, name: string): Param[] {
  return (p?.parameter ?? p?.part ?? []).filter((x) => x.name === name);
}

/** The one parameter (or part) of that name, or undefined. */
export function one(p: { parameter?: Param[]; part?: Param[] } | undefined, name: string): Param | undefined {
  return all(p, name)[0];
}

/** A reference-valued output as `Type/id` (valueReference, or a valueString holding the id when `type` is given). */
export function refOf(p: Param | undefined, type?: string): string | undefined {
  if (p?.valueReference?.reference) return p.valueReference.reference;
  if (type && p?.valueString) return p.valueString.includes('/') ? p.valueString : `${type}/${p.valueString}`;
  return undefined;
}

/** The id part of `Type/id` (or of an absolute URL ending so). */
export const idOf = (reference: string | undefined): string => (reference ?? '').split('/').filter(Boolean).at(-1) ?? '';
