/**
 * What the exchange operations read from a Parameters body beyond OperationInputs' types
 * (portal/operation-inputs.ts, which checks the names first): dateTime, Identifier and resource
 * values, each once at most, with a 400 naming the operation and the input otherwise. Also the
 * small builders of the Parameters the operations answer.
 */
import type { Identifier, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { FhirRequest } from '../../api/types.ts';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function named(req: FhirRequest, op: string, name: string): ParametersParameter | undefined {
  const body = req.body as Parameters | undefined;
  const all = (body?.parameter ?? []).filter((p) => p?.name === name);
  if (all.length > 1) throw badRequest(`${op}: '${name}' is given more than once`);
  return all[0];
}

/** A dateTime input (valueDateTime, or valueString holding one). */
export function dateTimeParam(req: FhirRequest, op: string, name: string): string | undefined {
  const p = named(req, op, name);
  if (!p) return undefined;
  const v = p.valueDateTime ?? p.valueString;
  if (typeof v !== 'string' || !DATE_TIME.test(v) || Number.isNaN(Date.parse(v))) throw badRequest(`${op}: '${name}' must be a dateTime (e.g. 2026-12-01T09:30:00Z)`);
  return v;
}

/** An Identifier input with a system and a value. */
export function identifierParam(req: FhirRequest, op: string, name: string): Identifier | undefined {
  const p = named(req, op, name);
  if (!p) return undefined;
  const id = p.valueIdentifier;
  if (typeof id?.system !== 'string' || typeof id.value !== 'string' || id.value === '') throw badRequest(`${op}: '${name}' must be a valueIdentifier with a system and a value`);
  return id;
}

/** A resource input of one type (`resource`, or `valueResource`). */
export function resourceParam<T extends Resource>(req: FhirRequest, op: string, name: string, type: T['resourceType']): T | undefined {
  const p = named(req, op, name);
  if (!p) return undefined;
  // FHIR R4 names the element `resource`; `valueResource` is accepted too.
  const r = p.resource ?? (p as { valueResource?: Resource }).valueResource;
  if (typeof r !== 'object' || r === null || r.resourceType !== type) throw badRequest(`${op}: '${name}' must be a ${type} resource`);
  return r as T;
}

export type OutParam = ParametersParameter;

/** A Parameters answer. */
export function parameters(parameter: OutParam[]): Parameters {
  return { resourceType: 'Parameters', parameter };
}
