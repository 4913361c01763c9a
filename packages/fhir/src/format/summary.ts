/**
 * Response shaping for reads and searches: FHIR R4 `_summary` (true | text | data | false) and
 * `_elements`, driven by the `isSummary` flags and minimum cardinalities of the R4 definitions.
 *
 * `summarize(r, 'true')` keeps summary and mandatory elements at every level, descending into
 * datatypes and backbone elements; modifier extensions always stay, and kept extensions and
 * nested resources (contained, bundle entries) stay whole. `text` keeps `text`, `id`, `meta` and mandatory top-level elements;
 * `data` drops `text`. `selectElements` keeps the named top-level elements plus `id`, `meta` and
 * mandatory ones. Both are pure and tag the copy SUBSETTED whenever they may remove something; a
 * `_name` companion (ids/extensions of a primitive) follows its element. Parsing `_summary` /
 * `_elements` from the URL, and `_summary=count`, belong to the caller.
 */
import type { Coding, Resource } from '@medplum/fhirtypes';
import { defaultElementIndex, resolveElement, type ElementIndex } from './element-index.ts';

export type SummaryMode = 'true' | 'text' | 'data' | 'false';

export const SUBSETTED: Readonly<Coding> = Object.freeze({
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
});

/** Elements every subset keeps, whatever the definitions say. */
const ALWAYS_KEPT = new Set(['resourceType', 'id', 'meta']);
/** Datatypes whose content is kept whole once the element holding them is kept. */
const KEPT_WHOLE = new Set(['Extension']);

type Json = Record<string, unknown>;

export function summarize(resource: Resource, mode: SummaryMode, index: ElementIndex = defaultElementIndex()): Resource {
  const copy = structuredClone(resource);
  switch (mode) {
    case 'false':
      return copy;
    case 'data': {
      const { text: _text, ...rest } = copy as Resource & { text?: unknown };
      return markSubsetted(rest as Resource);
    }
    case 'text':
      return markSubsetted(pickTopLevel(copy, index, (name) => name === 'text'));
    case 'true':
      // A type the definitions do not describe cannot be summarized safely: leave it whole.
      if (!index.has(copy.resourceType)) return copy;
      return markSubsetted(keepSummary(copy as unknown as Json, copy.resourceType, index) as unknown as Resource);
  }
}

export function selectElements(resource: Resource, elements: string[], index: ElementIndex = defaultElementIndex()): Resource {
  const prefix = `${resource.resourceType}.`;
  const wanted = new Set(elements.map((e) => e.trim()).map((e) => (e.startsWith(prefix) ? e.slice(prefix.length) : e)));
  return markSubsetted(pickTopLevel(structuredClone(resource), index, (name) => wanted.has(name)));
}

/** Keeps top-level elements that are always kept, mandatory, or accepted by `extra` (by element name). */
function pickTopLevel(resource: Resource, index: ElementIndex, extra: (name: string) => boolean): Resource {
  const out: Json = {};
  for (const [key, value] of Object.entries(resource)) {
    const base = key.startsWith('_') ? key.slice(1) : key;
    const element = resolveElement(index, resource.resourceType, base);
    const name = element?.info.name ?? base;
    if (ALWAYS_KEPT.has(base) || (element?.info.min ?? 0) > 0 || extra(name)) out[key] = value;
  }
  return out as unknown as Resource;
}

function keepSummary(value: Json, contentPath: string, index: ElementIndex): Json {
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    const base = key.startsWith('_') ? key.slice(1) : key;
    if (ALWAYS_KEPT.has(base) && contentPath === value.resourceType) {
      out[key] = child;
      continue;
    }
    // Modifier extensions change the meaning of what holds them, so a summary never hides them
    // (R4 marks them Σ on backbone elements but not on DomainResource; R5 marks both).
    if (base === 'modifierExtension') {
      out[key] = child;
      continue;
    }
    const element = resolveElement(index, contentPath, base);
    if (!element || !(element.info.summary || element.info.min > 0)) continue;
    const { childPath } = element;
    out[key] = key.startsWith('_') || !childPath || KEPT_WHOLE.has(childPath) ? child : descend(child, childPath, index);
  }
  return out;
}

function descend(value: unknown, childPath: string, index: ElementIndex): unknown {
  if (Array.isArray(value)) return value.map((item) => descend(item, childPath, index));
  if (typeof value !== 'object' || value === null) return value;
  return keepSummary(value as Json, childPath, index);
}

/** A copy of `resource` whose `meta.tag` holds SUBSETTED (added once). */
export function markSubsetted<T extends Resource>(resource: T): T {
  const meta = resource.meta ?? {};
  const tags = meta.tag ?? [];
  if (tags.some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code)) return resource;
  return { ...resource, meta: { ...meta, tag: [...tags, { ...SUBSETTED }] } };
}
