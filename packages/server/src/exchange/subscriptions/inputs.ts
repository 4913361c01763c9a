/**
 * Reads a URL-like operation input (valueCanonical, valueUrl, valueUri) that OperationInputs does
 * not type: the first of the given value fields, from the Parameters body or the query. The
 * caller runs OperationInputs.read first, which refuses unknown and malformed parameters.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { FhirRequest } from '../../api/types.ts';

export function rawValues(req: FhirRequest, name: string, fields: readonly (keyof ParametersParameter)[]): string[] {
  const out: string[] = [];
  for (const [k, v] of req.query) if (k === name) out.push(v.trim());
  const body = req.method === 'POST' ? (req.body as Parameters | undefined) : undefined;
  for (const p of body?.parameter ?? []) {
    if (p.name !== name) continue;
    const v = fields.map((f) => p[f]).find((x) => x !== undefined);
    if (typeof v !== 'string' || v.trim() === '') throw badRequest(`'${name}' must be one of ${fields.join(', ')}`);
    out.push(v.trim());
  }
  return out;
}

export function rawValue(req: FhirRequest, name: string, fields: readonly (keyof ParametersParameter)[]): string | undefined {
  const all = rawValues(req, name, fields);
  if (all.length > 1) throw badRequest(`'${name}' is given more than once`);
  return all[0];
}
