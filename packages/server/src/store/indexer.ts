/**
 * Computes what the store keeps beside each resource: its search-index rows and the patients
 * whose compartment it belongs to. A thin port over the FHIR package so that the store can be
 * given a registry with custom SearchParameters.
 */
import type { Resource } from '@medplum/fhirtypes';
import { extractIndexRows, patientCompartment, SearchParamRegistry, type IndexRows } from '@continuum/fhir';

export interface Indexed {
  rows: IndexRows;
  compartments: string[];
}

export interface Indexer {
  readonly registry: SearchParamRegistry;
  index(resource: Resource): Indexed;
}

export function createIndexer(registry: SearchParamRegistry = SearchParamRegistry.r4()): Indexer {
  return {
    registry,
    index(resource) {
      const rows = extractIndexRows(resource, registry);
      return { rows, compartments: patientCompartment(resource, rows) };
    },
  };
}
