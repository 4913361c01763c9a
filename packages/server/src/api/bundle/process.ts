/**
 * Transaction and batch Bundles.
 *
 * A transaction is all or nothing: it runs in one database transaction, processes entries in the
 * spec's order (DELETE, POST, PUT/PATCH, GET), gives POSTed resources their ids first so that
 * `urn:uuid:` references can be rewritten, resolves conditional references and conditional
 * creates, and commits the plain creates and updates as one batched write. Any failing entry
 * rolls everything back and its OperationOutcome is the answer.
 *
 * A batch runs each entry on its own through the router, and reports each entry's own outcome.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { badRequest, isOutcomeError, OutcomeError, outcome, issue, preconditionFailed } from '@continuum/fhir';
import type { Repository } from '../../store/repository.ts';
import { VersionConflict } from '../../store/store.ts';
import type { PreparedWrite } from '../../store/types.ts';
import { withAssignedMrn } from '../../store/mrn.ts';
import { parseIfMatch } from '../respond.ts';
import { authorizeEntry } from '../guard.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';
import { parseEntries, processingRank, type ParsedEntry } from './entries.ts';
import { resolveConditional, rewriteReferences } from './references.ts';
import { entryRequest, responseEntry, statusText } from './response.ts';

type Router = (ctx: ApiContext, req: FhirRequest) => Promise<FhirResponse>;

export async function processBundle(ctx: ApiContext, req: FhirRequest, route: Router): Promise<FhirResponse> {
  const bundle = req.body as Bundle | undefined;
  if (!bundle || typeof bundle !== 'object' || bundle.resourceType !== 'Bundle') {
    throw badRequest('POST to the base URL takes a Bundle of type transaction or batch');
  }
  if (bundle.type !== 'transaction' && bundle.type !== 'batch') {
    throw badRequest(`Bundle.type must be transaction or batch, not '${String(bundle.type)}'`, ['Bundle.type']);
  }
  const entries = parseEntries(bundle, ctx.baseUrl);
  const prefer = req.headers.prefer;
  const out = bundle.type === 'batch' ? await batch(ctx, entries, route, prefer) : await transaction(ctx, entries, route, prefer);
  return { status: 200, headers: {}, body: out };
}

async function batch(ctx: ApiContext, entries: ParsedEntry[], route: Router, prefer?: string): Promise<Bundle> {
  const results: BundleEntry[] = [];
  for (const e of entries) {
    try {
      results.push(responseEntry(await route(ctx, entryRequest(e, prefer)), ctx.baseUrl));
    } catch (err) {
      if (!isOutcomeError(err)) throw err;
      results.push({ response: { status: statusText(err.status), outcome: err.outcome } });
    }
  }
  return { resourceType: 'Bundle', type: 'batch-response', entry: results };
}

/** Re-throws an entry's error with the entry named, keeping its status. */
function atEntry(e: ParsedEntry, err: unknown): never {
  if (!isOutcomeError(err)) throw err;
  const issues = (err.outcome.issue ?? []).map((i) => ({
    ...i,
    diagnostics: `Bundle.entry[${e.index}]: ${i.diagnostics ?? i.details?.text ?? ''}`,
  }));
  throw new OutcomeError(err.status, { ...err.outcome, issue: issues });
}

function checkDuplicates(entries: ParsedEntry[]): void {
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.method === 'GET' || e.method === 'HEAD' || e.method === 'POST' || !e.id) continue;
    const key = `${e.type}/${e.id}`;
    if (seen.has(key)) throw badRequest(`Bundle.entry[${e.index}]: ${key} is the target of more than one entry`);
    seen.add(key);
  }
}

async function transaction(ctx: ApiContext, entries: ParsedEntry[], route: Router, prefer?: string): Promise<Bundle> {
  checkDuplicates(entries);
  return ctx.repo.inTransaction(async (repo) => {
    // Entries act as the caller: reads and patches go through the router (and its guard).
    const txCtx: ApiContext = { ...ctx, repo };
    const map = new Map<string, string>();
    const results = new Map<number, BundleEntry>();
    const matched = new Set<number>();

    // 1. Decide every target id: new ids for creates, matches for conditional creates and updates.
    for (const e of entries) {
      try {
        await assignTarget(repo, e, map, matched, results, ctx.baseUrl);
      } catch (err) {
        atEntry(e, err);
      }
    }

    // 2. Rewrite references in every body, then resolve the conditional ones.
    const conditional = new Set<string>();
    for (const e of entries) if (e.resource) rewriteReferences(e.resource, map, conditional);
    if (conditional.size > 0) {
      await resolveConditional(repo, conditional, map);
      const none = new Set<string>();
      for (const e of entries) if (e.resource) rewriteReferences(e.resource, map, none);
    }

    // Every write entry is authorized before anything is written; one refusal fails them all.
    for (const e of entries) {
      if (e.method !== 'POST' && e.method !== 'PUT' && e.method !== 'DELETE') continue;
      try {
        await authorizeEntry(txCtx, { method: e.method, type: e.type!, ...(e.id ? { id: e.id } : {}), conditional: e.method !== 'POST' && !e.id, resource: e.resource });
      } catch (err) {
        atEntry(e, err);
      }
    }

    const ordered = [...entries].sort((a, b) => processingRank(a.method) - processingRank(b.method) || a.index - b.index);

    // 3. Deletes.
    for (const e of ordered.filter((x) => x.method === 'DELETE')) {
      try {
        if (e.id) await repo.delete(e.type!, e.id, ifMatchOf(e));
        else await repo.conditionalDelete(e.type!, new URLSearchParams(e.query).toString());
        results.set(e.index, { response: { status: '204 No Content' } });
      } catch (err) {
        atEntry(e, err);
      }
    }

    // 4. Creates and updates, committed as one batched write.
    const writes: PreparedWrite[] = [];
    const written = new Map<number, { resource: Resource; created: boolean }>();
    const puts = ordered.filter((e) => e.method === 'PUT');
    const targets = await repo.currentVersions(puts.map((e) => ({ resourceType: e.type!, id: e.id! })));
    for (const e of ordered) {
      if ((e.method !== 'POST' && e.method !== 'PUT') || matched.has(e.index)) continue;
      try {
        let resource = repo.validate(e.resource);
        if (resource.resourceType !== e.type) throw badRequest(`resourceType '${resource.resourceType}' does not match the entry URL`);
        let previous = 0;
        if (e.method === 'PUT') {
          if (resource.id !== e.id) throw badRequest(`The resource id must match the entry URL id '${e.id}'`);
          const cur = targets.get(`${e.type}/${e.id}`);
          previous = cur?.versionId ?? 0;
          const ifMatch = parseIfMatch(e.ifMatch);
          if (ifMatch !== undefined && ifMatch !== previous) {
            throw preconditionFailed(`If-Match version ${ifMatch} does not match the current version ${previous}`);
          }
          written.set(e.index, { resource, created: !cur || cur.deleted });
        } else {
          resource = await withAssignedMrn(repo, resource);
          written.set(e.index, { resource, created: true });
        }
        const prepared = repo.prepare(resource, e.id!, previous, previous === 0 ? 'create' : 'update');
        writes.push(prepared.write);
        written.get(e.index)!.resource = prepared.resource;
      } catch (err) {
        atEntry(e, err);
      }
    }
    try {
      await repo.commit(writes);
    } catch (err) {
      // Another request changed one of these resources between our read and our write.
      if (err instanceof VersionConflict) throw err.toOutcome();
      throw err;
    }
    for (const [index, w] of written) {
      const status = w.created ? 201 : 200;
      results.set(index, responseEntry({ status, headers: {}, body: w.resource }, ctx.baseUrl, prefer, true));
    }

    // 5. Patches, then reads, in order.
    for (const e of ordered.filter((x) => x.method === 'PATCH' || x.method === 'GET' || x.method === 'HEAD')) {
      try {
        results.set(e.index, responseEntry(await route(txCtx, entryRequest(e, prefer)), ctx.baseUrl, prefer, e.method === 'PATCH'));
      } catch (err) {
        atEntry(e, err);
      }
    }
    return {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: entries.map((e) => results.get(e.index) ?? { response: { status: '200 OK', outcome: outcome(issue('information', 'informational', 'processed')) } }),
    };
  });
}

function ifMatchOf(e: ParsedEntry): { ifMatch?: number } {
  const v = parseIfMatch(e.ifMatch);
  return v === undefined ? {} : { ifMatch: v };
}

/** Fixes the id an entry will write, and records its fullUrl mapping. */
async function assignTarget(
  repo: Repository,
  e: ParsedEntry,
  map: Map<string, string>,
  matched: Set<number>,
  results: Map<number, BundleEntry>,
  baseUrl: string,
): Promise<void> {
  if (e.method !== 'POST' && e.method !== 'PUT') return;
  repo.checkType(e.type ?? '');
  if (e.method === 'POST') {
    if (e.id) throw badRequest('POST entries must target a resource type, not an id');
    if (e.ifNoneExist !== undefined) {
      const req = repo.parseCriteria(e.type!, e.ifNoneExist);
      const found = await repo.lockedMatches(e.type!, e.ifNoneExist, req, 'create');
      if (found.length === 1) {
        const existing = JSON.parse(found[0]!.content) as Resource;
        matched.add(e.index);
        e.id = found[0]!.id;
        results.set(e.index, responseEntry({ status: 200, headers: {}, body: existing }, baseUrl));
      }
    }
    e.id ??= randomUUID();
  } else if (e.query.length > 0 && !e.id) {
    const criteria = new URLSearchParams(e.query).toString();
    const found = await repo.lockedMatches(e.type!, criteria, repo.parseCriteria(e.type!, criteria), 'update');
    e.id = found[0]?.id ?? (e.resource?.id) ?? randomUUID();
  } else if (!e.id) {
    throw badRequest('PUT entries must target Type/id or Type?criteria');
  }
  repo.checkId(e.id);
  if (e.resource) e.resource = { ...e.resource, id: e.id };
  if (e.fullUrl) map.set(e.fullUrl, `${e.type}/${e.id}`);
}
