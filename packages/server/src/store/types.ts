/**
 * Shapes shared by the store: a stored version as the database returns it, and a prepared write
 * (content already serialised, index rows and compartments already computed) ready for SQL.
 */
import type { IndexRows } from '@continuum/fhir';

export type WriteMethod = 'create' | 'update' | 'patch' | 'delete';

export interface StoredVersion {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  deleted: boolean;
  /** The JSON text of the resource; null for a deletion. */
  content: string | null;
  method?: WriteMethod;
}

export interface PreparedWrite {
  resourceType: string;
  id: string;
  versionId: number;
  /** The version this write replaces; 0 when the resource must not exist yet. */
  previousVersion: number;
  lastUpdated: string;
  method: WriteMethod;
  content: string | null;
  rows: IndexRows;
  compartments: string[];
}
