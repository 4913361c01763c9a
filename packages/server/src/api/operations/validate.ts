/**
 * `$validate` (type and instance level): checks a resource against the R4 base definitions
 * without storing it. The body is the resource itself, or a Parameters with a `resource` part.
 * Always answers 200 with an OperationOutcome listing the problems (or "All OK") when the input
 * could be read; only an unreadable request is a 4xx.
 */
import type { Parameters, Resource } from '@medplum/fhirtypes';
import { allOk, badRequest, outcome, validateResource } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';

export async function validateOperation(ctx: ApiContext, req: FhirRequest, type: string, id?: string): Promise<FhirResponse> {
  ctx.repo.checkType(type);
  let candidate: unknown = req.body;
  if (candidate && typeof candidate === 'object' && (candidate as Resource).resourceType === 'Parameters') {
    candidate = (candidate as Parameters).parameter?.find((p) => p.name === 'resource')?.resource;
  }
  if (!candidate || typeof candidate !== 'object') throw badRequest('$validate needs a resource in the body');
  if (id !== undefined) await ctx.repo.readStored(type, id);
  const issues = validateResource(candidate);
  if ((candidate as Resource).resourceType !== type) {
    issues.push({ severity: 'error', code: 'invalid', diagnostics: `resourceType must be ${type}`, expression: ['resourceType'] });
  }
  return { status: 200, headers: {}, body: issues.length ? outcome(...issues) : allOk('Validation passed') };
}
