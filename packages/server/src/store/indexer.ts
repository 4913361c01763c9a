/**
 * Computes what the store keeps beside each resource: its search-index rows and the patients
 * whose compartment it belongs to. A thin port over the FHIR package so that the store can be
 * given a registry with custom SearchParameters.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.ts';
import { extractIndexRows, patientCompartment, SearchParamRegistry, type IndexRows } from '@continuum/fhir';

export interface Indexed {
  rows: IndexRows;
  compartments: string[];
}

export interface Indexer {
  /** The parameters searches may use (for a tenant with custom parameters: the reindexed ones). */
  readonly registry: SearchParamRegistry;
  /** The parameters writes are indexed with (custom ones included as soon as they are written). */
  readonly indexing?: SearchParamRegistry;
  index(resource: Resource): Indexed;
  /** Set when the parameters can change while the process runs (custom SearchParameters). */
  readonly params?: ParamsVersion;
}

/**
 * Which version of a tenant's search parameters an indexer holds, and how a write makes sure it
 * is indexed with the current one (the rule is in search-params/provider.ts).
 */
export interface ParamsVersion {
  readonly generation: number;
  /**
   * Inside a write transaction, before its writes: holds the parameters steady until commit
   * (exclusively for a SearchParameter write) and returns the indexer for the current ones.
   */
  fence(q: Queryable, exclusive: boolean): Promise<Indexer>;
  /** The indexer for the current parameters, read afresh (a guarded write found these stale). */
  latest(): Promise<Indexer>;
  /** Drops the cached parameters; called after this process committed a SearchParameter write. */
  invalidate(): void;
}

/** Indexes with `registry`; searches use `searchable` (the same registry unless given). */
export function createIndexer(registry: SearchParamRegistry = SearchParamRegistry.r4(), searchable: SearchParamRegistry = registry): Indexer {
  return {
    registry: searchable,
    indexing: registry,
    index(resource) {
      const rows = extractIndexRows(resource, registry);
      return { rows, compartments: patientCompartment(resource, rows) };
    },
  };
}
