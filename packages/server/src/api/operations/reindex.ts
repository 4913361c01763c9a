/**
 * `$reindex`: queues a reindex job, which re-extracts the search-index rows of every current
 * resource of some types with the tenant's current search parameters (see
 * search-params/reindex-runner.ts). A custom SearchParameter becomes searchable once a job over
 * its base types has finished.
 *
 * - `POST [base]/$reindex`: every type, or those named by `type` parameters (in a Parameters
 *   body as valueCode/valueString, or in the query; comma-separated lists allowed).
 * - `POST [base]/SearchParameter/{id}/$reindex`: the parameter's base types.
 *
 * `batchSize` (1 to 10,000 resources per transaction) is optional. The answer is 202 Accepted
 * with the job as a Parameters resource (see reindex-status.ts) and its status URL in
 * Content-Location.
 */
import type { Parameters, SearchParameter } from '@medplum/fhirtypes';
import { badRequest, isResourceType } from '@continuum/fhir';
import { affectedTypes } from '../../search-params/effective.ts';
import { MAX_BATCH_SIZE, type ReindexRequest } from '../../search-params/reindex-service.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';
import { jobParameters, reindexServiceOf, statusUrl } from './reindex-status.ts';

/** The operation's inputs, from the query and an optional Parameters body, as [name, text] pairs. */
function inputs(req: FhirRequest): [string, string][] {
  const out: [string, string][] = req.query.filter(([k]) => k === 'type' || k === 'batchSize').map(([k, v]) => [k, v]);
  const body = req.body;
  if (body === undefined || body === null) return out;
  if (typeof body !== 'object' || (body as { resourceType?: unknown }).resourceType !== 'Parameters') {
    throw badRequest('The body of $reindex, when present, must be a Parameters resource');
  }
  for (const p of (body as Parameters).parameter ?? []) {
    const value = p.valueCode ?? p.valueString ?? p.valueInteger ?? p.valuePositiveInt;
    if (p.name !== 'type' && p.name !== 'batchSize') throw badRequest(`Unknown $reindex parameter '${p.name ?? ''}'`);
    if (value === undefined) throw badRequest(`$reindex parameter '${p.name}' has no value`);
    out.push([p.name, String(value)]);
  }
  return out;
}

function request(req: FhirRequest, instanceTypes?: string[] | null): ReindexRequest {
  const out: ReindexRequest = {};
  const types: string[] = [];
  for (const [name, value] of inputs(req)) {
    if (name === 'batchSize') {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > MAX_BATCH_SIZE) throw badRequest(`batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}`);
      out.batchSize = n;
    } else {
      for (const t of value.split(',').map((s) => s.trim()).filter(Boolean)) {
        if (!isResourceType(t)) throw badRequest(`'${t}' is not a resource type`);
        types.push(t);
      }
    }
  }
  if (instanceTypes !== undefined) {
    if (types.length > 0) throw badRequest('SearchParameter/{id}/$reindex covers the parameter\'s base types; it takes no type');
    if (instanceTypes !== null) out.resourceTypes = instanceTypes;
  } else if (types.length > 0) {
    out.resourceTypes = [...new Set(types)];
  }
  return out;
}

export async function reindexOperation(ctx: ApiContext, req: FhirRequest, searchParameterId?: string): Promise<FhirResponse> {
  const service = reindexServiceOf(ctx);
  let instanceTypes: string[] | null | undefined;
  if (searchParameterId !== undefined) {
    const sp = (await ctx.repo.read('SearchParameter', searchParameterId)) as SearchParameter;
    instanceTypes = affectedTypes(sp) ?? null;
  }
  const job = await service.start(ctx.repo.tenantId, request(req, instanceTypes));
  return { status: 202, headers: { 'content-location': statusUrl(ctx, job) }, body: jobParameters(job) };
}
