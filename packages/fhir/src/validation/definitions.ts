/**
 * Loads the R4 base definitions once: derives the list of concrete R4 resource types, builds the
 * terminology index used for required bindings, and indexes StructureDefinitions into medplum's
 * schema registry (which the structural validator and the binding walker read). The datatypes are
 * indexed at once; each resource type's definition is indexed the first time a resource of that
 * type is validated (`ensureIndexed`), since a process meets a few dozen of the 146 types and
 * indexing them all cost the better part of a second at every start. Medplum keeps its schema
 * registry as a process-wide singleton, so the loaded state here is one too, created lazily and
 * only ever added to. It does not validate anything itself and does not load profiles other than
 * the R4 base.
 */
import { indexStructureDefinitionBundle } from '@medplum/core';
import type { Bundle, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { r4Bundle } from '../r4-files.ts';
import { Terminology } from './terminology.ts';

/** The FHIR `id` datatype: what `Resource.id` and the id segment of a reference must match. */
export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export interface Definitions {
  readonly resourceTypes: readonly string[];
  readonly resourceTypeSet: ReadonlySet<string>;
  readonly terminology: Terminology;
  /**
   * Indexes, in medplum's registry, the definition of every resource type found in `value` (the
   * resource and any resource nested in it) not indexed yet. Call before medplum reads the registry.
   */
  ensureIndexed(value: unknown): void;
}

let loaded: Definitions | undefined;

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
  const resources = r4Bundle('fhir/r4/profiles-resources.json');
  indexStructureDefinitionBundle(r4Bundle('fhir/r4/profiles-types.json'));
  const resourceTypes = Object.freeze(concreteResourceTypes(resources));
  /** Resource types whose definition is not indexed yet, with that definition. */
  const pending = new Map<string, StructureDefinition>();
  for (const entry of resources.entry ?? []) {
    const sd = entry.resource as StructureDefinition | undefined;
    if (sd?.resourceType === 'StructureDefinition' && resourceTypes.includes(sd.type) && sd.url === `http://hl7.org/fhir/StructureDefinition/${sd.type}`) {
      pending.set(sd.type, sd);
    }
  }
  // The abstract bases and anything else in the file are few: index them now.
  const lazy = new Set<unknown>(pending.values());
  indexStructureDefinitionBundle((resources.entry ?? []).map((e) => e.resource).filter((r) => r && !lazy.has(r)) as StructureDefinition[]);
  const index = (value: unknown, depth: number): void => {
    if (depth > 64 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) index(item, depth + 1);
      return;
    }
    const type = (value as { resourceType?: unknown }).resourceType;
    if (typeof type === 'string') {
      const sd = pending.get(type);
      if (sd) {
        pending.delete(type);
        indexStructureDefinitionBundle([sd]);
      }
    }
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') index(child, depth + 1);
    }
  };
  const terminology = new Terminology(
    (['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json'] as const).flatMap((file) =>
      (r4Bundle(file).entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r),
    ),
  );
  loaded = {
    resourceTypes,
    resourceTypeSet: new Set(resourceTypes),
    terminology,
    ensureIndexed: (value) => {
      if (pending.size > 0) index(value, 0);
    },
  };
  return loaded;
}

/** All concrete R4 (4.0.x) resource type names (146), sorted. */
export function resourceTypes(): readonly string[] {
  return getDefinitions().resourceTypes;
}

export function isResourceType(name: string): boolean {
  return getDefinitions().resourceTypeSet.has(name);
}
