/**
 * The FHIR repository: read, vread, create, update (including update-as-create), patch, delete,
 * history and the conditional forms, for one tenant, with the spec's rules on versions and
 * preconditions. It validates every write, and it never lets a concurrent update be lost: a
 * write names the version it replaces, and a lost race is retried (or answered 412 when the
 * client pinned a version with If-Match).
 *
 * A Repository is bound to a Queryable: the database, or an open transaction (see
 * `inTransaction`). It knows nothing about HTTP. A repository `limitedTo` a caller's row limit
 * runs every search under it: type searches, counts, conditional criteria (transactions' too)
 * and conditional references. Reads by id are not limited: api/guard.ts checks those itself.
 */
import { randomUUID } from 'node:crypto';
import type { Resource, SearchParameter } from '@medplum/fhirtypes';
import {
  badRequest,
  gone,
  invalidResource,
  isResourceType,
  notFound,
  parseSearch,
  preconditionFailed,
  validateResource,
  ID_PATTERN,
  type SearchRequest,
} from '@continuum/fhir';
import type { Database, Queryable } from '../db/database.ts';
import type { WriteObserver } from '../db/statistics.ts';
import { countSearch, estimateSearch, runSearch, type SearchOptions, type SearchPage } from '../search/search.ts';
import type { RowLimit } from '../search/row-limit.ts';
import { everythingPage, type EverythingPage, type EverythingQuery } from '../search/everything.ts';
import type { Indexer, ParamsVersion } from './indexer.ts';
import { checkSearchParameter } from '../search-params/validate.ts';
import { prepareDelete, prepareWrite, reindexWrite } from './prepare.ts';
import { withAssignedMrn } from './mrn.ts';
import { commitWrites, SearchParamsChanged, readCurrent, readCurrentMany, readHistory, readVersion, VersionConflict, type HistoryQuery } from './store.ts';
import { checkSignedNoteWrite, lockCandidates } from './signed-notes.ts';
import type { PreparedWrite, StoredVersion, WriteMethod } from './types.ts';
import type { Companions } from './companions.ts';

export interface RepositoryDeps {
  db: Database;
  indexer: Indexer;
  /** Told how many versions each commit wrote (keeps planner statistics fresh). */
  writes?: WriteObserver;
  /**
   * Content from the built-in synthetic generator only: its output is held valid by the
   * generator's own tests (every resource passes this validator), so seeding skips re-validating
   * it, which is about half of a seeded write's CPU time. Never set for anything a client sends.
   */
  trustedGenerator?: boolean;
  /** Server-derived writes committed with the writes that cause them (see companions.ts). */
  companions?: Companions;
}

export interface WriteResult {
  resource: Resource;
  /** true when this call made the resource exist (201), false for an update or a match (200). */
  created: boolean;
}

const MAX_RETRIES = 50;

/** What the repositories of one transaction share, whatever limit each runs under. */
interface TxState {
  /** Set once the transaction wrote a SearchParameter. */
  searchParamsChanged: boolean;
}

export class Repository {
  constructor(
    private readonly deps: RepositoryDeps,
    readonly tenantId: string,
    private readonly q: Queryable = deps.db,
    private readonly inTx = false,
    /** The caller's row limit on searches; none: every resource of the tenant. */
    readonly limit?: RowLimit,
    private readonly tx: TxState = { searchParamsChanged: false },
  ) {}

  /** The same repository (same connection or transaction) with searches held to `limit`. */
  limitedTo(limit: RowLimit): Repository {
    return new Repository(this.deps, this.tenantId, this.q, this.inTx, limit, this.tx);
  }

  get indexer(): Indexer {
    return this.deps.indexer;
  }

  /** The connection (or transaction) this repository runs on, for the tables beside the store. */
  get queryable(): Queryable {
    return this.q;
  }

  /** Runs `fn` with a repository bound to one transaction (reusing the current one if any). */
  async inTransaction<T>(fn: (repo: Repository) => Promise<T>): Promise<T> {
    if (this.inTx) return fn(this);
    const state: TxState = { searchParamsChanged: false };
    const out = await this.deps.db.transaction((tx) => fn(new Repository(this.deps, this.tenantId, tx, true, this.limit, state)));
    // Committed: this process sees its own SearchParameter changes at once, not at the notification.
    if (state.searchParamsChanged) this.deps.indexer.params?.invalidate();
    return out;
  }

  checkType(type: string): void {
    if (!isResourceType(type)) throw notFound(`Unknown resource type '${type}'`);
  }

  checkId(id: string): void {
    if (!ID_PATTERN.test(id)) throw badRequest(`Invalid resource id '${id}'`);
  }

  async readStored(type: string, id: string): Promise<StoredVersion> {
    this.checkType(type);
    this.checkId(id);
    const cur = await readCurrent(this.q, this.tenantId, type, id);
    if (!cur) throw notFound(`${type}/${id} not found`);
    if (cur.deleted) throw gone(`${type}/${id} was deleted`);
    return cur;
  }

  /** Whether type/id has ever been written (a deleted resource still exists, in history). */
  async exists(type: string, id: string): Promise<boolean> {
    this.checkType(type);
    this.checkId(id);
    return (await readCurrent(this.q, this.tenantId, type, id)) !== undefined;
  }

  async read(type: string, id: string): Promise<Resource> {
    const cur = await this.readStored(type, id);
    return JSON.parse(cur.content!) as Resource;
  }

  async vreadStored(type: string, id: string, versionId: string): Promise<StoredVersion> {
    this.checkType(type);
    this.checkId(id);
    const v = Number(versionId);
    if (!/^\d{1,9}$/.test(versionId) || v < 1) throw notFound(`${type}/${id} has no version '${versionId}'`);
    const row = await readVersion(this.q, this.tenantId, type, id, v);
    if (!row) throw notFound(`${type}/${id}/_history/${versionId} not found`);
    if (row.content === null) throw gone(`${type}/${id}/_history/${versionId} is a deletion`);
    return row;
  }

  currentVersions(keys: readonly { resourceType: string; id: string }[]): Promise<Map<string, StoredVersion>> {
    return readCurrentMany(this.q, this.tenantId, keys);
  }

  history(h: HistoryQuery): Promise<StoredVersion[]> {
    return readHistory(this.q, this.tenantId, h);
  }

  validate(resource: unknown, opts: { allowConditionalReferences?: boolean } = {}): Resource {
    if (this.deps.trustedGenerator) return resource as Resource;
    const issues = validateResource(resource, opts);
    if (issues.length > 0) throw invalidResource(issues);
    if ((resource as Resource).resourceType === 'SearchParameter') checkSearchParameter(resource as SearchParameter);
    return resource as Resource;
  }

  /** Prepares a write of `resource` as the next version after `previousVersion` (0: new). */
  prepare(resource: Resource, id: string, previousVersion: number, method: WriteMethod, lastUpdated = now()) {
    return prepareWrite(this.deps.indexer, resource, { id, previousVersion, lastUpdated, method });
  }

  /**
   * Commits prepared writes. With an indexer whose parameters can change, each write passes the
   * tenant's search-parameter fence and is re-indexed when they moved on since it was prepared
   * (see search-params/provider.ts): one write outside a transaction in one guarded statement,
   * otherwise in a transaction behind the fence. A SearchParameter write takes it exclusively.
   */
  async commit(writes: readonly PreparedWrite[]): Promise<void> {
    const companions = this.deps.companions;
    if (companions && writes.some((w) => companions.has(w.resourceType, w.content))) {
      // The companions read and write in the same transaction as the writes that cause them.
      return this.inTransaction(async (repo) => repo.commitWrites([...writes, ...(await repo.companionWrites(companions, writes))]));
    }
    return this.commitWrites(writes);
  }

  /** The writes the companions of `writes` derive, prepared (companions of companions do not run). */
  private async companionWrites(companions: Companions, writes: readonly PreparedWrite[]): Promise<PreparedWrite[]> {
    const out: PreparedWrite[] = [];
    const batch = new Map(writes.flatMap((w) => (w.content === null ? [] : [[`${w.resourceType}/${w.id}`, JSON.parse(w.content) as Resource] as const])));
    for (const w of writes) {
      for (const companion of companions.for(w.resourceType)) {
        const resource = w.content === null ? null : (JSON.parse(w.content) as Resource);
        for (const c of await companion({ resource, resourceType: w.resourceType, id: w.id, previousVersion: w.previousVersion, batch }, this)) {
          const target = this.validate(c.resource);
          const previous = c.previousVersion ?? 0;
          if (previous > 0 && !target.id) throw new Error('A companion replacing a resource must give its id');
          out.push(this.prepare(target, target.id ?? randomUUID(), previous, previous === 0 ? 'create' : 'update').write);
        }
      }
    }
    return out;
  }

  private async commitWrites(writes: readonly PreparedWrite[]): Promise<void> {
    const { indexer } = this.deps;
    const params = indexer.params;
    const exclusive = writes.some((w) => w.resourceType === 'SearchParameter');
    await this.checkLocks(writes);
    if (params === undefined) {
      await commitWrites(this.q, this.tenantId, writes);
    } else if (!this.inTx && writes.length === 1) {
      await this.commitGuarded(writes[0]!, params);
      if (exclusive) params.invalidate();
    } else {
      await this.inTransaction(async (repo) => {
        const current = await params.fence(repo.q, exclusive);
        await commitWrites(repo.q, this.tenantId, current === indexer ? writes : writes.map((w) => reindexWrite(current, w)));
        if (exclusive) repo.tx.searchParamsChanged = true;
      });
    }
    this.deps.writes?.noteWrites(writes.length);
  }

  /**
   * Refuses writes that would change or delete a signed note (see signed-notes.ts). The version
   * checked is the one each write replaces, and the commit requires it to still be current.
   */
  private async checkLocks(writes: readonly PreparedWrite[]): Promise<void> {
    for (const w of lockCandidates(writes)) {
      const previous = await readVersion(this.q, this.tenantId, w.resourceType, w.id, w.previousVersion);
      const before = previous?.content ? (JSON.parse(previous.content) as Resource) : undefined;
      checkSignedNoteWrite(before, w.content === null ? null : (JSON.parse(w.content) as Resource));
    }
  }

  /** One write, its parameters' generation checked in the same statement; re-indexed and retried when stale. */
  private async commitGuarded(write: PreparedWrite, params: ParamsVersion): Promise<void> {
    const exclusive = write.resourceType === 'SearchParameter';
    let current = { generation: params.generation, write };
    for (let attempt = 0; ; attempt++) {
      try {
        return await commitWrites(this.q, this.tenantId, [current.write], { generation: current.generation, exclusive });
      } catch (err) {
        if (!(err instanceof SearchParamsChanged) || attempt >= MAX_RETRIES) throw err;
        const latest = await params.latest();
        current = { generation: latest.params?.generation ?? params.generation, write: reindexWrite(latest, write) };
      }
    }
  }

  async create(body: unknown, opts: { ifNoneExist?: string; id?: string } = {}): Promise<WriteResult> {
    const resource = this.validate(body);
    if (opts.ifNoneExist !== undefined) {
      return this.conditional(resource.resourceType, opts.ifNoneExist, 'create', async (repo, matches) => {
        if (matches.length === 1) return { resource: JSON.parse(matches[0]!.content) as Resource, created: false };
        return repo.create(resource, opts.id ? { id: opts.id } : {});
      });
    }
    const { write, resource: stored } = this.prepare(await withAssignedMrn(this, resource), opts.id ?? randomUUID(), 0, 'create');
    await this.commit([write]);
    return { resource: stored, created: true };
  }

  /** PUT: replaces type/id, or creates it with the client's id. */
  async update(type: string, id: string, body: unknown, opts: { ifMatch?: number; method?: WriteMethod } = {}): Promise<WriteResult> {
    this.checkType(type);
    this.checkId(id);
    const resource = this.validate(body);
    if (resource.resourceType !== type) {
      throw badRequest(`resourceType '${resource.resourceType}' does not match the URL type '${type}'`, ['resourceType']);
    }
    if (resource.id !== id) {
      throw badRequest(`The id in the body ('${resource.id ?? ''}') must match the id in the URL ('${id}')`, [`${type}.id`]);
    }
    return this.retrying(async () => {
      const cur = await readCurrent(this.q, this.tenantId, type, id);
      const previous = cur?.versionId ?? 0;
      if (opts.ifMatch !== undefined && opts.ifMatch !== previous) {
        throw preconditionFailed(`If-Match version ${opts.ifMatch} does not match the current version ${previous}`);
      }
      const { write, resource: stored } = this.prepare(resource, id, previous, cur ? (opts.method ?? 'update') : 'create');
      await this.commit([write]);
      return { resource: stored, created: !cur || cur.deleted };
    }, opts.ifMatch !== undefined);
  }

  async patch(type: string, id: string, apply: (r: Resource) => Resource, opts: { ifMatch?: number } = {}): Promise<WriteResult> {
    return this.retrying(async () => {
      const cur = await this.readStored(type, id);
      if (opts.ifMatch !== undefined && opts.ifMatch !== cur.versionId) {
        throw preconditionFailed(`If-Match version ${opts.ifMatch} does not match the current version ${cur.versionId}`);
      }
      const patched = apply(JSON.parse(cur.content!) as Resource);
      if (patched.resourceType !== type || patched.id !== id) throw badRequest('A patch may not change resourceType or id');
      const resource = this.validate(patched);
      const { write, resource: stored } = this.prepare(resource, id, cur.versionId, 'patch');
      await this.commit([write]);
      return { resource: stored, created: false };
    }, opts.ifMatch !== undefined);
  }

  /** Logical delete. Returns false when there was nothing to delete. */
  async delete(type: string, id: string, opts: { ifMatch?: number } = {}): Promise<boolean> {
    this.checkType(type);
    this.checkId(id);
    return this.retrying(async () => {
      const cur = await readCurrent(this.q, this.tenantId, type, id);
      if (!cur) throw notFound(`${type}/${id} not found`);
      if (opts.ifMatch !== undefined && opts.ifMatch !== cur.versionId) {
        throw preconditionFailed(`If-Match version ${opts.ifMatch} does not match the current version ${cur.versionId}`);
      }
      if (cur.deleted) return false;
      await this.commit([prepareDelete(type, id, cur.versionId, now())]);
      return true;
    }, opts.ifMatch !== undefined);
  }

  async conditionalUpdate(type: string, criteria: string, body: unknown, opts: { ifMatch?: number } = {}): Promise<WriteResult> {
    this.checkType(type);
    return this.conditional(type, criteria, 'update', async (repo, matches) => {
      const candidate = body as Resource;
      if (matches.length === 1) {
        const id = matches[0]!.id;
        if (candidate.id !== undefined && candidate.id !== id) {
          throw badRequest(`The id in the body does not match the resource found by the criteria`, [`${type}.id`]);
        }
        return repo.update(type, id, { ...candidate, id }, opts);
      }
      if (candidate.id !== undefined) return repo.update(type, candidate.id, candidate, opts);
      return repo.create(candidate);
    });
  }

  async conditionalDelete(type: string, criteria: string): Promise<number> {
    this.checkType(type);
    return this.conditional(type, criteria, 'delete', async (repo, matches) => {
      if (matches.length === 1) await repo.delete(type, matches[0]!.id);
      return matches.length;
    });
  }

  parseCriteria(type: string, criteria: string): SearchRequest {
    const params = [...new URLSearchParams(criteria)];
    const req = parseSearch(type, params, this.deps.indexer.registry);
    if (req.unknown.length > 0) {
      throw badRequest(`Unknown search parameter(s) in conditional criteria: ${req.unknown.join(', ')}`);
    }
    if (req.criteria.length === 0) throw badRequest('Conditional criteria must contain at least one search parameter');
    return req;
  }

  search(req: SearchRequest, opts: SearchOptions): Promise<SearchPage> {
    return runSearch(this.q, this.tenantId, req, this.limit ? { ...opts, limit: this.limit } : opts);
  }

  count(req: SearchRequest): Promise<number> {
    return countSearch(this.q, this.tenantId, req, this.limit);
  }

  /** The planner's estimate of how many resources match (`_total=estimate`). */
  estimate(req: SearchRequest): Promise<number> {
    return estimateSearch(this.q, this.tenantId, req, this.limit);
  }

  /** One page of a patient's compartment and the non-patient resources it references. */
  everything(e: EverythingQuery): Promise<EverythingPage> {
    return everythingPage(this.q, this.tenantId, e);
  }

  /**
   * Runs a conditional interaction: inside one transaction, holding an advisory lock on the
   * criteria, so that concurrent conditional creates with the same criteria cannot both create.
   * Several matches are a 412.
   */
  private conditional<T>(
    type: string,
    criteria: string,
    what: string,
    fn: (repo: Repository, matches: { id: string; content: string }[]) => Promise<T>,
  ): Promise<T> {
    const req = this.parseCriteria(type, criteria);
    return this.inTransaction(async (repo) => fn(repo, await repo.lockedMatches(type, criteria, req, what)));
  }

  /**
   * Inside a transaction: takes an advisory lock on the criteria (held to commit) and returns the
   * matches, at most one; several matches are a 412.
   */
  async lockedMatches(type: string, criteria: string, req: SearchRequest, what: string): Promise<{ id: string; content: string }[]> {
    // Unit separator, not NUL: PostgreSQL text values cannot contain a NUL byte.
    const key = `${this.tenantId}\u001f${type}\u001f${[...new URLSearchParams(criteria)].sort().join('&')}`;
    await this.q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    const page = await this.search(req, { count: 2 });
    if (page.matches.length > 1) {
      throw preconditionFailed(`Conditional ${what} criteria '${criteria}' matched more than one resource`);
    }
    return page.matches;
  }

  /** Re-runs `fn` after a lost version race, unless the client pinned the version. */
  private async retrying<T>(fn: () => Promise<T>, pinned: boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof VersionConflict)) throw err;
        if (pinned) throw preconditionFailed('The resource was changed by another request (If-Match no longer current)');
        if (attempt >= MAX_RETRIES) throw err.toOutcome();
      }
    }
  }
}

function now(): string {
  return new Date().toISOString();
}
