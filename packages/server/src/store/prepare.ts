/**
 * Turns a validated resource into a prepared write: stamps meta.versionId and meta.lastUpdated,
 * serialises it with resourceType, id and meta first, and computes its index rows and patient
 * compartments. Pure apart from the indexer it is given.
 */
import type { Resource } from '@medplum/fhirtypes';
import { emptyIndexRows } from '@continuum/fhir';
import type { Indexer } from './indexer.ts';
import type { PreparedWrite, WriteMethod } from './types.ts';

export function stamp(resource: Resource, id: string, versionId: number, lastUpdated: string): Resource {
  // The server owns id, versionId and lastUpdated; whatever the client sent for them is dropped.
  const { resourceType, id: _clientId, meta, ...rest } = resource;
  const { versionId: _v, lastUpdated: _l, ...metaRest } = meta ?? {};
  return { resourceType, id, meta: { ...metaRest, versionId: String(versionId), lastUpdated }, ...rest } as Resource;
}

export function prepareWrite(
  indexer: Indexer,
  resource: Resource,
  opts: { id: string; previousVersion: number; lastUpdated: string; method: WriteMethod },
): { write: PreparedWrite; resource: Resource } {
  const versionId = opts.previousVersion + 1;
  const stamped = stamp(resource, opts.id, versionId, opts.lastUpdated);
  const { rows, compartments } = indexer.index(stamped);
  return {
    resource: stamped,
    write: {
      resourceType: stamped.resourceType,
      id: opts.id,
      versionId,
      previousVersion: opts.previousVersion,
      lastUpdated: opts.lastUpdated,
      method: opts.method,
      content: JSON.stringify(stamped),
      rows,
      compartments,
    },
  };
}

export function prepareDelete(
  resourceType: string,
  id: string,
  previousVersion: number,
  lastUpdated: string,
): PreparedWrite {
  return {
    resourceType,
    id,
    versionId: previousVersion + 1,
    previousVersion,
    lastUpdated,
    method: 'delete',
    content: null,
    rows: emptyIndexRows(),
    compartments: [],
  };
}

/** The same write with its index rows and compartments computed by `indexer` (a newer registry). */
export function reindexWrite(indexer: Indexer, write: PreparedWrite): PreparedWrite {
  if (write.content === null) return write;
  const { rows, compartments } = indexer.index(JSON.parse(write.content) as Resource);
  return { ...write, rows, compartments };
}
