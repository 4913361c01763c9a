/**
 * Each tenant's effective search parameters, cached per app node and kept consistent across
 * nodes over one database. The rule:
 *
 * - Every change to a tenant's parameters (a SearchParameter written through any node, a reindex
 *   job finishing) bumps the tenant's generation in the database, in the same transaction, and
 *   NOTIFYs `continuum_search_params`. A node caches one indexer per tenant, labelled with the
 *   generation it was built from, and drops it on that notification, when its listening
 *   connection was lost, or when a poll (every `pollSeconds`) finds the generation moved on.
 *   Reads and searches use the cache and add no query; they can lag a change by that long.
 * - Writes cannot lag. Every write first passes the tenant's fence: a shared advisory lock held
 *   to commit, then the current generation (see migration 004). A single write does it inside
 *   its own statement (the writer's guarded routine), which fails when the generation is not the
 *   one it was indexed at; it is then re-indexed with freshly read parameters and retried. In a
 *   transaction the fence is a statement of its own, and the writes are re-indexed with the
 *   parameters read on that transaction before they commit. A SearchParameter write takes the
 *   lock exclusively, so it waits for every write indexed with the old parameters to commit, and
 *   none can commit after it: once it has committed, every later write on every node is indexed
 *   with it. Reindex batches take the lock exclusively too, so a write never interleaves with a
 *   batch rewriting the same rows.
 *
 * The registry used for indexing holds every active custom parameter at once; the one used for
 * searching only those a finished reindex covers (see effective.ts).
 */
import { SearchParamRegistry } from '@continuum/fhir';
import type { Database, Queryable } from '../db/database.ts';
import { createIndexer, type Indexer, type ParamsVersion } from '../store/indexer.ts';
import { effectiveRegistries, type TenantParams } from './effective.ts';
import { currentGenerations, fenceGeneration, loadTenantParams, SEARCH_PARAMS_CHANNEL } from './param-store.ts';

/** Where per-request code gets a tenant's indexer. */
export interface IndexerSource {
  indexerFor(tenantId: string): Indexer | Promise<Indexer>;
}

export interface TenantIndexer extends Indexer {
  readonly tenantId: string;
  readonly params: ParamsVersion;
}

interface Entry {
  indexer: TenantIndexer;
  stale: boolean;
}

export interface ProviderOptions {
  /** Seconds between generation polls, the fallback for lost notifications (default 10; 0: none). */
  pollSeconds?: number;
  log?: (line: string) => void;
}

export class SearchParamProvider implements IndexerSource {
  readonly #db: Database;
  readonly #base = SearchParamRegistry.r4();
  readonly #cache = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<TenantIndexer>>();
  /** Bumped per tenant on every invalidation, so a load that raced one is not cached as fresh. */
  readonly #epoch = new Map<string, number>();
  readonly #opts: ProviderOptions;
  #unlisten: (() => Promise<void>) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Database, opts: ProviderOptions = {}) {
    this.#db = db;
    this.#opts = opts;
  }

  /** Subscribes to change notifications and starts the poll. Without it, only writes are kept current. */
  async start(): Promise<void> {
    this.#unlisten = await this.#db.listen(SEARCH_PARAMS_CHANNEL, (tenantId) => this.invalidate(tenantId), () => this.invalidate());
    const every = this.#opts.pollSeconds ?? 10;
    if (every > 0) {
      this.#timer = setInterval(() => void this.#poll(), every * 1000);
      this.#timer.unref();
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    const unlisten = this.#unlisten;
    this.#unlisten = undefined;
    await unlisten?.();
  }

  indexerFor(tenantId: string): TenantIndexer | Promise<TenantIndexer> {
    const entry = this.#cache.get(tenantId);
    if (entry && !entry.stale) return entry.indexer;
    let loading = this.#loading.get(tenantId);
    if (!loading) {
      const epoch = this.#epoch.get(tenantId) ?? 0;
      loading = loadTenantParams(this.#db, tenantId)
        .then((params) => this.#store(tenantId, params, epoch))
        .finally(() => this.#loading.delete(tenantId));
      this.#loading.set(tenantId, loading);
    }
    return loading;
  }

  /** Forgets the cached parameters of `tenantId` (of every tenant when omitted). */
  invalidate(tenantId?: string): void {
    const tenants = tenantId === undefined ? [...this.#cache.keys()] : [tenantId];
    for (const t of tenants) {
      this.#epoch.set(t, (this.#epoch.get(t) ?? 0) + 1);
      const entry = this.#cache.get(t);
      if (entry) entry.stale = true;
    }
  }

  /**
   * The indexer for `generation`, read on `q` when the cache is behind: `q` is a transaction
   * holding the fence, so nothing can change the parameters while it reads them.
   */
  async current(q: Queryable, tenantId: string, generation: number): Promise<TenantIndexer> {
    const entry = this.#cache.get(tenantId);
    if (entry && entry.indexer.params.generation === generation) return entry.indexer;
    return this.#store(tenantId, await loadTenantParams(q, tenantId), this.#epoch.get(tenantId) ?? 0);
  }

  #store(tenantId: string, params: TenantParams, epoch: number): TenantIndexer {
    const cached = this.#cache.get(tenantId);
    if (cached && cached.indexer.params.generation === params.generation) {
      if ((this.#epoch.get(tenantId) ?? 0) === epoch) cached.stale = false;
      return cached.indexer;
    }
    const indexer = this.#build(tenantId, params);
    // Never replace a newer indexer with an older one (a slow load finishing late).
    if (!cached || cached.indexer.params.generation < params.generation) {
      this.#cache.set(tenantId, { indexer, stale: (this.#epoch.get(tenantId) ?? 0) !== epoch });
    }
    return indexer;
  }

  #build(tenantId: string, loaded: TenantParams): TenantIndexer {
    const { indexing, searching } = effectiveRegistries(this.#base, loaded);
    const indexer: TenantIndexer = {
      ...createIndexer(indexing, searching),
      tenantId,
      params: {
        generation: loaded.generation,
        fence: async (q, exclusive) => {
          const generation = await fenceGeneration(q, tenantId, exclusive);
          return generation === loaded.generation ? indexer : this.current(q, tenantId, generation);
        },
        latest: () => {
          this.invalidate(tenantId);
          return Promise.resolve(this.indexerFor(tenantId));
        },
        invalidate: () => this.invalidate(tenantId),
      },
    };
    return indexer;
  }

  async #poll(): Promise<void> {
    const tenants = [...this.#cache.keys()];
    if (tenants.length === 0) return;
    try {
      const generations = await currentGenerations(this.#db, tenants);
      for (const [tenantId, generation] of generations) {
        if (this.#cache.get(tenantId)?.indexer.params.generation !== generation) this.invalidate(tenantId);
      }
    } catch (err) {
      this.#opts.log?.(`search parameters: generation poll failed (${err instanceof Error ? err.name : 'error'})`);
    }
  }
}
