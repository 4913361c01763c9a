/**
 * Reads the inputs of a terminology operation from either form FHIR allows: the query string
 * (GET) or a Parameters resource in the body (POST). Each name may appear once.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { FhirRequest } from '../types.ts';

export type InputValue = string | { system?: string; code?: string };

function valueOf(p: ParametersParameter): InputValue | undefined {
  if (p.valueCoding) return { ...(p.valueCoding.system ? { system: p.valueCoding.system } : {}), ...(p.valueCoding.code ? { code: p.valueCoding.code } : {}) };
  const v = p.valueUri ?? p.valueString ?? p.valueCode ?? p.valueCanonical ?? p.valueUrl ?? p.valueInteger ?? p.valueBoolean;
  return v === undefined ? undefined : String(v);
}

/** The operation's inputs by name. */
export function operationInputs(req: FhirRequest, operation: string): Map<string, InputValue> {
  const inputs = new Map<string, InputValue>();
  const put = (name: string, value: InputValue | undefined): void => {
    if (value === undefined) return;
    if (inputs.has(name)) throw badRequest(`${operation}: '${name}' is given more than once`);
    inputs.set(name, value);
  };
  for (const [k, v] of req.query) if (!k.startsWith('_')) put(k, v);
  if (req.method === 'POST' && req.body !== undefined) {
    const body = req.body as Parameters | undefined;
    if (typeof body !== 'object' || body === null || body.resourceType !== 'Parameters') throw badRequest(`${operation} takes a Parameters resource in the body`);
    for (const p of body.parameter ?? []) put(p.name, valueOf(p));
  }
  return inputs;
}

export function stringInput(inputs: Map<string, InputValue>, name: string, operation: string): string | undefined {
  const v = inputs.get(name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`${operation}: '${name}' must be a simple value`);
  return v;
}

/** A non-negative whole number input, or `fallback` when absent. */
export function integerInput(inputs: Map<string, InputValue>, name: string, operation: string, fallback: number): number {
  const v = stringInput(inputs, name, operation);
  if (v === undefined) return fallback;
  if (!/^\d{1,9}$/.test(v.trim())) throw badRequest(`${operation}: '${name}' must be a whole number of 0 or more (got '${v}')`);
  return Number(v.trim());
}
