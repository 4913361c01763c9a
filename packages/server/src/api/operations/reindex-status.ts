/**
 * `GET [base]/$reindex-status?job=ID`: a reindex job's progress as a Parameters resource:
 * `job`, `status` (queued | running | done | failed), `type` (one per resource type; none when
 * the job covers every type), `total` and `done` (resources), `rate` (resources/s) and `eta`
 * (seconds) once it has started, the times, and `error` after a failed attempt. Jobs belong to a
 * tenant: another tenant's job id is a 404 like an unknown one.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { badRequest, notFound, notSupported } from '@continuum/fhir';
import type { ReindexJob } from '../../search-params/reindex-jobs.ts';
import { jobRate, type ReindexService } from '../../search-params/reindex-service.ts';
import { queryValue, type ApiContext, type FhirRequest, type FhirResponse } from '../types.ts';

export function reindexServiceOf(ctx: ApiContext): ReindexService {
  if (!ctx.reindex) throw notSupported('Reindexing is not available here (not inside a Bundle)');
  return ctx.reindex;
}

export function statusUrl(ctx: ApiContext, job: ReindexJob): string {
  return `${ctx.baseUrl}/$reindex-status?job=${encodeURIComponent(job.id)}`;
}

export function jobParameters(job: ReindexJob): Parameters {
  const p: ParametersParameter[] = [
    { name: 'job', valueString: job.id },
    { name: 'status', valueCode: job.status },
    ...(job.resourceTypes ?? []).map((t) => ({ name: 'type', valueCode: t })),
  ];
  if (job.total !== undefined) p.push({ name: 'total', valueInteger: job.total });
  p.push({ name: 'done', valueInteger: job.done });
  const { rate, eta } = jobRate(job);
  if (rate !== undefined) p.push({ name: 'rate', valueDecimal: Math.round(rate * 10) / 10 });
  if (eta !== undefined) p.push({ name: 'eta', valueDecimal: Math.round(eta * 10) / 10 });
  p.push({ name: 'created', valueInstant: job.createdAt.toISOString() });
  if (job.startedAt) p.push({ name: 'started', valueInstant: job.startedAt.toISOString() });
  if (job.finishedAt) p.push({ name: 'finished', valueInstant: job.finishedAt.toISOString() });
  if (job.error) p.push({ name: 'error', valueString: job.error });
  return { resourceType: 'Parameters', parameter: p };
}

export async function reindexStatusOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const id = queryValue(req, 'job');
  if (!id) throw badRequest('$reindex-status needs the job id: ?job=ID');
  const job = await reindexServiceOf(ctx).status(ctx.repo.tenantId, id);
  if (!job) throw notFound(`No reindex job '${id}'`);
  return { status: 200, headers: {}, body: jobParameters(job) };
}
