/**
 * The Parameters values `OperationInputs` (portal/operation-inputs.ts) does not read: booleans,
 * integers and resources. Call `OperationInputs.read` first: it refuses unknown names and a
 * body that is not Parameters; these then read one named value each, with a 400 naming the
 * operation and the input when it is repeated or of the wrong type.
 */
import type { Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { FhirRequest } from '../../api/types.ts';

function one(req: FhirRequest, operation: string, name: string): ParametersParameter | undefined {
  const all: ParametersParameter[] = req.query.filter(([k]) => k === name).map(([, v]) => ({ name, valueString: v }));
  if (req.method === 'POST' && req.body !== undefined) all.push(...((req.body as Parameters).parameter ?? []).filter((p) => p.name === name));
  if (all.length > 1) throw badRequest(`${operation}: '${name}' is given more than once`);
  return all[0];
}

export function booleanInput(req: FhirRequest, operation: string, name: string): boolean | undefined {
  const p = one(req, operation, name);
  if (p === undefined) return undefined;
  if (typeof p.valueBoolean === 'boolean') return p.valueBoolean;
  if (p.valueString === 'true' || p.valueString === 'false') return p.valueString === 'true';
  throw badRequest(`${operation}: '${name}' must be a boolean`);
}

export function integerInput(req: FhirRequest, operation: string, name: string, range: { min: number; max: number }): number | undefined {
  const p = one(req, operation, name);
  if (p === undefined) return undefined;
  const v = p.valueInteger ?? p.valuePositiveInt ?? (typeof p.valueString === 'string' && /^-?\d{1,9}$/.test(p.valueString.trim()) ? Number(p.valueString) : undefined);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
    throw badRequest(`${operation}: '${name}' must be an integer from ${range.min} to ${range.max}`);
  }
  return v;
}

export function numberInput(req: FhirRequest, operation: string, name: string, range: { min: number; max: number }): number | undefined {
  const p = one(req, operation, name);
  if (p === undefined) return undefined;
  const v = p.valueDecimal ?? (typeof p.valueString === 'string' && /^\d+(\.\d+)?$/.test(p.valueString.trim()) ? Number(p.valueString) : undefined);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < range.min || v > range.max) throw badRequest(`${operation}: '${name}' must be a number from ${range.min} to ${range.max}`);
  return v;
}

export function resourceInput<T extends Resource>(req: FhirRequest, operation: string, name: string, type: T['resourceType']): T | undefined {
  const p = one(req, operation, name);
  if (p === undefined) return undefined;
  const r = p.resource;
  if (typeof r !== 'object' || r === null || r.resourceType !== type) throw badRequest(`${operation}: '${name}' must be a ${type} resource`);
  return r as T;
}
