/**
 * Small in-place edits on FHIR JSON that keep primitive lists and their `_name` companions
 * (which hold ids and extensions, position for position) in step, plus a final sweep that drops
 * the empty objects and lists a deletion can leave behind (FHIR JSON forbids them).
 *
 * These functions mutate the object they are given; callers hand them a private clone. They know
 * nothing about FHIRPath or FHIR definitions.
 */

type Json = Record<string, unknown>;

function companion(container: Json, key: string): unknown[] | undefined {
  const value = container[`_${key}`];
  return Array.isArray(value) ? value : undefined;
}

export function insertAt(container: Json, key: string, items: unknown[], index: number, value: unknown): void {
  items.splice(index, 0, value);
  container[key] = items;
  companion(container, key)?.splice(index, 0, null);
}

/** Removes `container[key][index]`, or the whole element (and `_key`) when index is undefined. */
export function removeAt(container: Json, key: string, index: number | undefined): void {
  const value = container[key];
  if (index === undefined || !Array.isArray(value)) {
    delete container[key];
    delete container[`_${key}`];
    return;
  }
  value.splice(index, 1);
  companion(container, key)?.splice(index, 1);
  if (value.length === 0) {
    delete container[key];
    delete container[`_${key}`];
  }
}

export function moveWithin(container: Json, key: string, items: unknown[], from: number, to: number): void {
  items.splice(to, 0, ...items.splice(from, 1));
  const side = companion(container, key);
  if (side && side.length === items.length) side.splice(to, 0, ...side.splice(from, 1));
}

/**
 * Drops object properties whose value is (or became) an empty object or list, recursively.
 * Nulls inside lists are kept: they align primitive lists with their `_name` companions.
 */
export function pruneEmpty(value: unknown): void {
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      const item: unknown = value[i];
      pruneEmpty(item);
      if (isEmptyObject(item)) value.splice(i, 1);
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Json;
  for (const [key, child] of Object.entries(record)) {
    pruneEmpty(child);
    if (child === undefined || isEmptyObject(child) || (Array.isArray(child) && child.length === 0)) {
      delete record[key];
    }
  }
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
