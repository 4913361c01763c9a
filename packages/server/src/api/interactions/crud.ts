/**
 * Instance and type interactions: read, vread, create, update, patch and delete, plus their
 * conditional forms. Each takes the parsed request and a repository and returns a response.
 */
import type { Parameters, Resource } from '@medplum/fhirtypes';
import { applyFhirPathPatch, applyJsonPatch, badRequest, unsupportedMediaType } from '@continuum/fhir';
import { parseIfMatch, readResponse, writeResponse } from '../respond.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';

export function queryString(req: FhirRequest): string {
  return new URLSearchParams(req.query as [string, string][]).toString();
}

export async function read(ctx: ApiContext, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  const cur = await ctx.repo.readStored(type, id);
  return readResponse(req, cur.content!, cur.versionId, cur.lastUpdated, type, id);
}

export async function vread(ctx: ApiContext, req: FhirRequest, type: string, id: string, vid: string): Promise<FhirResponse> {
  const v = await ctx.repo.vreadStored(type, id, vid);
  return readResponse(req, v.content!, v.versionId, v.lastUpdated, type, id);
}

function requireResource(req: FhirRequest, type: string): Resource {
  const body = req.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request body must be a FHIR resource (a JSON object)');
  }
  const rt = (body as { resourceType?: unknown }).resourceType;
  if (rt !== type) {
    throw badRequest(`The body's resourceType '${String(rt)}' does not match the URL type '${type}'`, ['resourceType']);
  }
  return body as Resource;
}

export async function create(ctx: ApiContext, req: FhirRequest, type: string): Promise<FhirResponse> {
  ctx.repo.checkType(type);
  const body = requireResource(req, type);
  const ifNoneExist = req.headers['if-none-exist'];
  const res = await ctx.repo.create(body, ifNoneExist !== undefined ? { ifNoneExist } : {});
  return writeResponse(req, res.created ? 201 : 200, res.resource, ctx.baseUrl);
}

export async function update(ctx: ApiContext, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  ctx.repo.checkType(type);
  const body = requireResource(req, type);
  const ifMatch = parseIfMatch(req.headers['if-match']);
  const res = await ctx.repo.update(type, id, body, ifMatch !== undefined ? { ifMatch } : {});
  return writeResponse(req, res.created ? 201 : 200, res.resource, ctx.baseUrl);
}

export async function conditionalUpdate(ctx: ApiContext, req: FhirRequest, type: string): Promise<FhirResponse> {
  ctx.repo.checkType(type);
  const body = requireResource(req, type);
  const ifMatch = parseIfMatch(req.headers['if-match']);
  const res = await ctx.repo.conditionalUpdate(type, queryString(req), body, ifMatch !== undefined ? { ifMatch } : {});
  return writeResponse(req, res.created ? 201 : 200, res.resource, ctx.baseUrl);
}

/** The patch function for a request body: JSON Patch (array) or FHIRPath Patch (Parameters). */
export function patcher(req: FhirRequest): (r: Resource) => Resource {
  const ct = (req.headers['content-type'] ?? '').toLowerCase();
  const body = req.body;
  if (ct.includes('json-patch') || Array.isArray(body)) {
    return (r) => applyJsonPatch(r, body);
  }
  if (body && typeof body === 'object' && (body as { resourceType?: string }).resourceType === 'Parameters') {
    return (r) => applyFhirPathPatch(r, body as Parameters);
  }
  throw unsupportedMediaType('PATCH takes a JSON Patch (application/json-patch+json) or a FHIRPath Patch Parameters resource');
}

export async function patch(ctx: ApiContext, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  ctx.repo.checkType(type);
  const apply = patcher(req);
  const ifMatch = parseIfMatch(req.headers['if-match']);
  const res = await ctx.repo.patch(type, id, apply, ifMatch !== undefined ? { ifMatch } : {});
  return writeResponse(req, 200, res.resource, ctx.baseUrl);
}

export async function remove(ctx: ApiContext, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  const ifMatch = parseIfMatch(req.headers['if-match']);
  await ctx.repo.delete(type, id, ifMatch !== undefined ? { ifMatch } : {});
  return { status: 204, headers: {} };
}

export async function conditionalDelete(ctx: ApiContext, req: FhirRequest, type: string): Promise<FhirResponse> {
  await ctx.repo.conditionalDelete(type, queryString(req));
  return { status: 204, headers: {} };
}
