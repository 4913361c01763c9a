/**
 * Authorization on every FHIR interaction: the policy (access/policy.ts) applied to a request
 * before it runs and to what it returns.
 *
 * Before: the interaction must be permitted on its type (scopes, and roles for staff): else 403.
 * An existing resource the request names (read, vread, history, update, patch, delete, a
 * compartment, `$everything`) must be visible to the caller: else 404, so that its existence
 * does not leak. What a write would store must be visible too (a patient cannot write into
 * another patient's compartment): else 403. A conditional update writes the id in its body when
 * the criteria match nothing, so that resource, if it exists, must be visible too.
 *
 * During: every search the request runs (a type or compartment search, counts, conditional
 * criteria, transaction entries and conditional references) runs under the caller's row limit
 * (search-limit.ts): it finds only what the caller may see, in SQL, across the union of the
 * compartments the caller may see (one for a patient, several for a parent), and its criteria,
 * chains and `_has` included, never match on anything else. So pages are full, totals are right
 * and a criterion cannot reveal that a hidden resource exists. A chain or `_has` through a type
 * the caller may not read is a 403.
 *
 * After: a resource answer that is not visible becomes 404; Bundle entries that are not visible
 * (search matches, `_include`/`_revinclude` additions, history, `$everything`, batch answers) are
 * dropped. Transaction and batch entries pass through `route` one by one, so each is checked
 * like a request of its own, and a refused entry fails the whole transaction.
 *
 * An unrestricted caller (a system client holding `system/*.*`-like scopes, no compartment
 * limit) skips the instance checks: the policy could never refuse it anything.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { forbidden, notFound, SUBSETTED } from '@continuum/fhir';
import { permits, visible, type Interaction, type Principal, type ResourceAccessInfo } from '../access/policy.ts';
import { inPatientCompartment } from './interactions/compartment.ts';
import { searchLimit } from './search-limit.ts';
import type { ApiContext, FhirRequest, FhirResponse } from './types.ts';

export type Handler = (ctx: ApiContext, req: FhirRequest, ...segments: string[]) => Promise<FhirResponse>;

/** What a matched route does, for the policy. */
export interface RouteAccess {
  interaction: Interaction | 'transaction' | 'public' | 'admin';
  /** The resource type acted on ('*' for system-wide history). */
  type: string;
  /** An existing resource named by the request, which must be visible. */
  target?: { type: string; id: string };
  /** The request body is a resource that will be stored. */
  writesBody?: boolean;
  /** Conditional update or delete: criteria pick the target. */
  conditional?: boolean;
  /**
   * A partner deployment may call this route (exchange): its handler checks the patient's consent
   * and audits the disclosure. Partner principals may call nothing else.
   */
  partner?: boolean;
}

/** Could the policy refuse this caller anything? */
export function unrestricted(p: Principal): boolean {
  return (
    p.kind === 'system' &&
    p.patients === undefined &&
    p.scopes.some((r) => r.context === 'system' && r.resourceType === '*' && r.filter.length === 0 && ['c', 'r', 'u', 'd', 's'].every((x) => r.permissions.has(x as 'c')))
  );
}

export function accessInfo(ctx: ApiContext, resource: Resource): ResourceAccessInfo {
  let indexed: ReturnType<ApiContext['repo']['indexer']['index']> | undefined;
  const index = () => (indexed ??= ctx.repo.indexer.index(resource));
  return {
    get compartments() {
      return index().compartments;
    },
    inCompartmentType: inPatientCompartment(resource.resourceType),
    tokens(param: string) {
      const out: string[] = [];
      for (const row of index().rows.token) {
        if (row.param !== param || row.code === null) continue;
        out.push(row.code);
        if (row.system) out.push(`${row.system}|${row.code}`);
      }
      return out;
    },
  };
}

function canSee(ctx: ApiContext, p: Principal, resource: Resource, interaction: Interaction): boolean {
  const info = accessInfo(ctx, resource);
  if (interaction === 'search') return visible(p, resource, info, 'search') || visible(p, resource, info, 'read');
  return visible(p, resource, info, interaction);
}

function parseBody(body: FhirResponse['body']): Resource | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? (JSON.parse(body) as Resource) : body;
}

/** Runs `handler` under the caller's rights. */
export async function guarded(ctx: ApiContext, req: FhirRequest, access: RouteAccess, handler: Handler, segments: string[]): Promise<FhirResponse> {
  const p = ctx.principal!;
  // A partner deployment reaches only the exchange routes made for it; their handlers check the
  // patient's consent and audit the disclosure (exchange/). Everything else is refused.
  if (p.partner) {
    if (!access.partner) throw forbidden('A partner organization may use only the exchange operations');
    return handler(ctx, req, ...segments);
  }
  if (access.interaction === 'public') return handler(ctx, req, ...segments);
  const free = unrestricted(p);
  if (access.interaction === 'admin') {
    if (!(free || (p.kind === 'staff' && p.roles.includes('admin')))) throw forbidden('Only administrators and system clients may run this operation');
    return handler(ctx, req, ...segments);
  }
  // Every search this request runs finds only what the caller may see (see the header).
  const limited: ApiContext = free ? ctx : { ...ctx, repo: ctx.repo.limitedTo(searchLimit(p, ctx.repo.indexer.registry)) };
  if (access.interaction === 'transaction') return handler(limited, req, ...segments);
  const interaction = access.interaction;
  // An unknown type is a 404 whoever asks (the store's own answer), not a refusal.
  if (access.type !== '*') ctx.repo.checkType(access.type);
  if (access.target) ctx.repo.checkType(access.target.type);
  if (access.type !== '*' && !permits(p, interaction, access.type)) {
    throw forbidden(`Your access does not allow ${interaction} on ${access.type}`);
  }
  if (access.type === '*' && !free && p.kind !== 'staff') throw forbidden('System-wide history needs system or staff access');
  if (free) return handler(ctx, req, ...segments);

  await instanceChecks(limited, p, access, interaction, req.body);
  if (interaction === 'patch' && access.target) {
    // What a patch stores is known only once applied: apply it in a transaction, check the
    // result like any other write, and roll back if it left what the caller may write.
    const target = access.target;
    return limited.repo.inTransaction(async (repo) => {
      const inTx: ApiContext = { ...limited, repo };
      const res = await handler(inTx, req, ...segments);
      const stored = await repo.readStored(target.type, target.id);
      if (stored.content !== null && !canSee(inTx, p, JSON.parse(stored.content) as Resource, 'patch')) {
        throw forbidden('You may not store this resource: the patch takes it outside what your access allows');
      }
      return await filterResponse(inTx, p, res, interaction);
    });
  }
  const res = await handler(limited, req, ...segments);
  return filterResponse(limited, p, res, interaction);
}


/**
 * The checks on what a request names and what it would store (see the header). Exported for
 * transaction entries, which are written in one batch rather than routed one by one.
 */
export async function instanceChecks(ctx: ApiContext, p: Principal, access: RouteAccess, interaction: Interaction, body: unknown): Promise<void> {
  if (access.conditional && p.patients !== undefined) throw forbidden('Conditional writes are not available to a caller limited to a patient’s record');
  if (access.target) await checkTarget(ctx, p, access.target, interaction);
  const resource = typeof body === 'object' && body !== null ? (body as Resource) : undefined;
  // A conditional update that matches nothing writes the id its body names.
  if (access.conditional && access.writesBody && typeof resource?.id === 'string' && resource.resourceType === access.type) {
    await checkTarget(ctx, p, { type: access.type, id: resource.id }, interaction);
  }
  if (access.writesBody && resource !== undefined && typeof resource.resourceType === 'string' && !canSee(ctx, p, resource, interaction)) {
    throw forbidden('You may not store this resource: it is outside what your access allows');
  }
}

/** An existing resource the request names must be visible to the caller: else 404. */
async function checkTarget(ctx: ApiContext, p: Principal, target: { type: string; id: string }, interaction: Interaction): Promise<void> {
  const existing = await ctx.repo.readStored(target.type, target.id).catch((err: unknown) => {
    // A write may create what does not exist yet; anything else answers as the store does.
    const status = (err as { status?: number }).status;
    if (interaction === 'update' && (status === 404 || status === 410)) return undefined;
    throw err;
  });
  if (existing === undefined || existing.content === null) return;
  const resource = JSON.parse(existing.content) as Resource;
  const as: Interaction = interaction === 'search' || interaction === 'operation' || interaction === 'history' || interaction === 'vread' ? 'read' : interaction;
  if (!canSee(ctx, p, resource, as)) throw notFound(`${target.type}/${target.id} is not known`);
}

/** A transaction entry that writes (POST, PUT, DELETE), checked like the request it stands for. */
export async function authorizeEntry(ctx: ApiContext, entry: { method: string; type: string; id?: string; conditional: boolean; resource?: unknown }): Promise<void> {
  const p = ctx.principal;
  if (!p || unrestricted(p)) return;
  const interaction: Interaction = entry.method === 'POST' ? 'create' : entry.method === 'PUT' ? 'update' : 'delete';
  ctx.repo.checkType(entry.type);
  if (!permits(p, interaction, entry.type)) throw forbidden(`Your access does not allow ${interaction} on ${entry.type}`);
  const access: RouteAccess = {
    interaction,
    type: entry.type,
    ...(entry.id && entry.method !== 'POST' ? { target: { type: entry.type, id: entry.id } } : {}),
    writesBody: entry.method !== 'DELETE',
    conditional: entry.conditional,
  };
  await instanceChecks(ctx, p, access, interaction, entry.resource);
}

/** Whether `_elements` or `_summary` trimmed this copy (it may then lack what access is decided on). */
function subsetted(r: Resource): boolean {
  return (r.meta?.tag ?? []).some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code);
}

/**
 * What access is decided on for each resource of an answer: the resource itself, or for a copy
 * trimmed by `_elements`/`_summary` (which may have dropped the subject or the labels), the
 * stored resource it was cut from, read in one query. A trimmed copy whose resource is gone is
 * judged on nothing and withheld.
 */
async function judgedOn(ctx: ApiContext, resources: readonly Resource[]): Promise<(Resource | undefined)[]> {
  const cut = resources.filter((r) => subsetted(r) && r.id !== undefined);
  if (cut.length === 0) return [...resources];
  const stored = await ctx.repo.currentVersions(cut.map((r) => ({ resourceType: r.resourceType, id: r.id! })));
  return resources.map((r) => {
    if (!subsetted(r)) return r;
    const content = stored.get(`${r.resourceType}/${r.id ?? ''}`)?.content;
    return content ? (JSON.parse(content) as Resource) : undefined;
  });
}

async function filterResponse(ctx: ApiContext, p: Principal, res: FhirResponse, interaction: Interaction): Promise<FhirResponse> {
  if (res.status >= 300 || res.body === undefined) return res;
  const body = parseBody(res.body)!;
  if (body.resourceType === 'Bundle') {
    const bundle = body as Bundle;
    const entries = bundle.entry ?? [];
    const judged = await judgedOn(ctx, entries.flatMap((e) => (e.resource && e.resource.resourceType !== 'OperationOutcome' ? [e.resource] : [])));
    let i = 0;
    const kept = entries.filter((e) => {
      const r = e.resource;
      if (!r || r.resourceType === 'OperationOutcome') return true;
      const on = judged[i++];
      // Search matches (of a search or `$everything`) may be seen by search or read; includes,
      // history entries and batch answers by read.
      const asSearch = e.search?.mode !== 'include' && (interaction === 'search' || interaction === 'operation');
      return on !== undefined && canSee(ctx, p, on, asSearch ? 'search' : 'read');
    });
    if (kept.length === entries.length) return res;
    return { ...res, body: { ...bundle, entry: kept } };
  }
  if (body.resourceType === 'OperationOutcome') return res;
  // An operation's Parameters answer is made for this caller by the operation, which decided what
  // goes in it: not a stored resource to judge (a biller may not read conformance types).
  if (body.resourceType === 'Parameters' && interaction === 'operation') return res;
  // A single resource answer: a read (vread and operations read it too), or what a write stored.
  const as: Interaction = interaction === 'create' || interaction === 'update' || interaction === 'patch' || interaction === 'delete' ? interaction : 'read';
  const [on] = await judgedOn(ctx, [body]);
  if (on === undefined || !canSee(ctx, p, on, as)) {
    throw notFound(`${body.resourceType}/${body.id ?? ''} is not known`);
  }
  return res;
}
