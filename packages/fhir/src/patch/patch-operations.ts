/**
 * Reads a FHIRPath Patch Parameters resource (https://hl7.org/fhir/R4/fhirpatch.html) into a
 * typed list of operations, or fails with a 400 naming the offending operation.
 *
 * Each `parameter` must be named `operation` and carry parts `type`, `path` and whichever of
 * `name`, `value`, `index`, `source`, `destination` its type needs; unknown or repeated parts are
 * rejected. Values stay as raw Parameters parts here, because turning them into JSON needs the
 * target element, which only applying the patch knows. No FHIRPath is evaluated here.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { badRequest } from '../outcomes.ts';

export type PatchOperation =
  | { type: 'add'; path: string; name: string; value: ParametersParameter }
  | { type: 'insert'; path: string; value: ParametersParameter; index: number }
  | { type: 'delete'; path: string }
  | { type: 'replace'; path: string; value: ParametersParameter }
  | { type: 'move'; path: string; source: number; destination: number };

const PART_NAMES = new Set(['type', 'path', 'name', 'value', 'index', 'source', 'destination']);

export function readPatchOperations(parameters: unknown): PatchOperation[] {
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    throw badRequest('FHIRPath Patch body must be a Parameters resource');
  }
  const body = parameters as Partial<Parameters>;
  if (body.resourceType !== 'Parameters') {
    throw badRequest('FHIRPath Patch body must be a Parameters resource');
  }
  if (body.parameter !== undefined && !Array.isArray(body.parameter)) {
    throw badRequest('Parameters.parameter must be an array');
  }
  return (body.parameter ?? []).map((p, i) => readOperation(p, `FHIRPath Patch operation ${i}`));
}

function readOperation(param: ParametersParameter, where: string): PatchOperation {
  if (param?.name !== 'operation') throw badRequest(`${where}: parameter must be named "operation"`);
  const parts = collectParts(param, where);
  const type = parts.get('type')?.valueCode;
  const path = parts.get('path')?.valueString;
  if (typeof path !== 'string' || path.trim() === '') throw badRequest(`${where}: "path" (valueString) is required`);
  const need = (name: string): ParametersParameter => {
    const part = parts.get(name);
    if (!part) throw badRequest(`${where}: "${name}" is required for ${type}`);
    return part;
  };
  const int = (name: string): number => {
    const value = need(name).valueInteger;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw badRequest(`${where}: "${name}" must be a non-negative valueInteger`);
    }
    return value;
  };
  switch (type) {
    case 'add': {
      const name = need('name').valueString;
      if (typeof name !== 'string' || name === '') throw badRequest(`${where}: "name" must be a valueString`);
      return { type, path, name, value: need('value') };
    }
    case 'insert':
      return { type, path, value: need('value'), index: int('index') };
    case 'delete':
      return { type, path };
    case 'replace':
      return { type, path, value: need('value') };
    case 'move':
      return { type, path, source: int('source'), destination: int('destination') };
    case undefined:
    default:
      throw badRequest(`${where}: "type" must be one of add, insert, delete, replace, move`);
  }
}

function collectParts(param: ParametersParameter, where: string): Map<string, ParametersParameter> {
  if (!Array.isArray(param.part)) throw badRequest(`${where}: operation has no parts`);
  const parts = new Map<string, ParametersParameter>();
  for (const part of param.part) {
    const name = part?.name;
    if (typeof name !== 'string' || !PART_NAMES.has(name)) {
      throw badRequest(`${where}: unknown part "${String(name)}"`);
    }
    if (parts.has(name)) throw badRequest(`${where}: part "${name}" appears more than once`);
    parts.set(name, part);
  }
  return parts;
}
