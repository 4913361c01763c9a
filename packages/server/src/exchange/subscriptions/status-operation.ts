/**
 * `GET /fhir/Subscription/:id/$status` (backport): a searchset Bundle holding the Subscription's
 * SubscriptionStatus Parameters (type query-status): its status, how many events it has had, and
 * the last delivery error. Extra `delivered`, `pending`, `failed` and `skipped` counts tell an
 * administrator where its notifications stand. Whoever may read the Subscription may ask.
 */
import type { Bundle, Subscription } from '@medplum/fhirtypes';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { deliveryCounts, readTarget } from './outbox.ts';
import { statusParameters } from './notification.ts';

export async function statusOperation(ctx: ApiContext, _req: FhirRequest, id: string): Promise<FhirResponse> {
  const sub = (await ctx.repo.read('Subscription', id)) as Subscription;
  const counts = await deliveryCounts(ctx.repo.queryable, ctx.repo.tenantId, id);
  const target = await readTarget(ctx.repo.queryable, ctx.repo.tenantId, id);
  const error = sub.error ?? target?.lastError ?? undefined;
  const status = statusParameters({
    base: ctx.baseUrl,
    subscriptionId: id,
    topic: sub.criteria,
    status: sub.status,
    type: 'query-status',
    eventsSinceStart: counts.events,
    ...(error ? { error } : {}),
  });
  for (const name of ['delivered', 'pending', 'failed', 'skipped'] as const) status.parameter!.push({ name, valueInteger: counts[name] });
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ fullUrl: `urn:uuid:${status.id}`, resource: status, search: { mode: 'match' } }] };
  return { status: 200, headers: {}, body: bundle };
}
