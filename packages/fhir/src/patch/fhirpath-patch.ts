/**
 * FHIRPath Patch (https://hl7.org/fhir/R4/fhirpatch.html): applies the add, insert, delete,
 * replace and move operations of a Parameters resource to a copy of a resource.
 *
 * Operations run in order on one deep clone; the input resource is never mutated. A malformed
 * Parameters body, an invalid FHIRPath, or an attempt to change the resource's `resourceType` or
 * `id` is a 400; an operation that does not fit the resource (no or several matches where one is
 * required, an index out of range, adding a value that already exists) is a 422. Every message
 * names the operation's position. Empty objects and lists left behind are removed. It does not
 * validate the result against FHIR definitions; the caller does that before storing.
 */
import type { Parameters, Resource } from '@medplum/fhirtypes';
import { badRequest, unprocessable } from '../outcomes.ts';
import { choiceSuffixes, contentPathOf, isRepeating, jsonKeyFor } from './element-model.ts';
import { insertAt, moveWithin, pruneEmpty, removeAt } from './json-edit.ts';
import { readPatchOperations, type PatchOperation } from './patch-operations.ts';
import { isObject, locate, locateList, type PatchTarget } from './patch-target.ts';
import { readPatchValue } from './patch-value.ts';

const PROTECTED = new Set(['resourceType', 'id']);

export function applyFhirPathPatch(resource: Resource, parameters: Parameters): Resource {
  const operations = readPatchOperations(parameters);
  const result = structuredClone(resource);
  operations.forEach((op, i) => applyOperation(result, op, `FHIRPath Patch operation ${i} (${op.type} ${op.path})`));
  pruneEmpty(result);
  return result;
}

function applyOperation(root: Resource, op: PatchOperation, where: string): void {
  switch (op.type) {
    case 'add':
      return add(root, op, where);
    case 'insert': {
      const list = locateList(root, op.path, where);
      guard(root, list.container, list.key, where);
      if (op.index > list.items.length) {
        throw unprocessable(`${where}: index ${op.index} is beyond the end of the list (${list.items.length} items)`);
      }
      const value = readPatchValue(op.value, contentPathOf(list.containerPath, list.key), where);
      return insertAt(list.container, list.key, list.items, op.index, value.json);
    }
    case 'delete': {
      const targets = locate(root, op.path, where);
      if (targets.length === 0) return;
      const target = single(targets, op.path, where);
      if (!target.container || !target.key) throw unprocessable(`${where}: cannot delete the resource itself`);
      guard(root, target.container, target.key, where);
      return removeAt(target.container, target.key, target.index);
    }
    case 'replace':
      return replace(root, single(locate(root, op.path, where), op.path, where), op, where);
    case 'move': {
      const list = locateList(root, op.path, where);
      guard(root, list.container, list.key, where);
      const size = list.items.length;
      if (op.source >= size || op.destination >= size) {
        throw unprocessable(`${where}: source ${op.source} and destination ${op.destination} must be below ${size}`);
      }
      return moveWithin(list.container, list.key, list.items, op.source, op.destination);
    }
  }
}

function add(root: Resource, op: Extract<PatchOperation, { type: 'add' }>, where: string): void {
  const target = single(locate(root, op.path, where), op.path, where);
  const parent = target.data;
  if (!isObject(parent)) throw unprocessable(`${where}: "${op.path}" is a primitive value; cannot add "${op.name}" to it`);
  guard(root, parent, op.name, where);
  const value = readPatchValue(op.value, contentPathOf(target.contentPath, op.name), where);
  const key = jsonKeyFor(target.contentPath, op.name, value.type);
  const existing = parent[key];
  if (Array.isArray(existing) || (existing === undefined && isRepeating(target.contentPath, op.name))) {
    const items = Array.isArray(existing) ? existing : [];
    return insertAt(parent, key, items, items.length, value.json);
  }
  const taken = [op.name, ...(choiceSuffixes(target.contentPath, op.name) ?? []).map((s) => op.name + s)];
  if (taken.some((k) => parent[k] !== undefined)) {
    throw unprocessable(`${where}: "${op.name}" already has a value; use replace`);
  }
  parent[key] = value.json;
}

function replace(root: Resource, target: PatchTarget, op: Extract<PatchOperation, { type: 'replace' }>, where: string): void {
  const { container, key, name } = target;
  if (!container || !key || !name) throw unprocessable(`${where}: cannot replace the resource itself`);
  guard(root, container, key, where);
  const value = readPatchValue(op.value, target.contentPath, where);
  const slot = container[key];
  if (target.index !== undefined && Array.isArray(slot)) {
    slot[target.index] = value.json;
    return;
  }
  // A choice element takes the key of the new value's type (valueString -> valueQuantity).
  const typedKey = jsonKeyFor(target.containerPath, name, value.type);
  const newKey = typedKey === name ? key : typedKey;
  if (newKey !== key) removeAt(container, key, undefined);
  container[newKey] = value.json;
}

function single(targets: PatchTarget[], path: string, where: string): PatchTarget {
  const [first] = targets;
  if (targets.length !== 1 || !first) {
    throw unprocessable(`${where}: "${path}" must match exactly one element but matched ${targets.length}`);
  }
  return first;
}

function guard(root: Resource, container: object, key: string, where: string): void {
  if (container === root && PROTECTED.has(key)) {
    throw badRequest(`${where}: a patch may not change the resource's ${key}`);
  }
}
