/**
 * Finds where a FHIRPath Patch operation applies: evaluates the operation's path on the (cloned)
 * resource with the fhirpath library and turns each matched node into the JSON object that holds
 * it, the key it sits under and its position in a list.
 *
 * Evaluation keeps fhirpath's internal ResourceNodes (`resolveInternalTypes: false`), whose
 * `parentResNode.data` is the very object inside our clone, so writing through a target mutates
 * that clone. Paths that select computed values rather than elements, or that need asynchronous
 * functions such as `resolve()`, are refused. It does not modify anything itself.
 */
import type { Resource } from '@medplum/fhirtypes';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { badRequest, unprocessable } from '../outcomes.ts';
import { choiceSuffixes } from './element-model.ts';

export interface PatchTarget {
  /** The object holding the element; undefined when the path selects the resource itself. */
  container?: Record<string, unknown>;
  /** JSON key in `container` (`valueQuantity` for a choice element named `value`). */
  key?: string;
  /** Element name as FHIRPath sees it (`value` for a `valueQuantity` key). */
  name?: string;
  /** Position in `container[key]` when that is a list. */
  index?: number;
  /** The element's JSON value. */
  data: unknown;
  /** Model path describing the element's children (`HumanName`, `Patient.contact`). */
  contentPath?: string;
  /** Model path describing the container's children. */
  containerPath?: string;
}

/** A list element of the resource, possibly empty or not yet present. */
export interface PatchList {
  container: Record<string, unknown>;
  key: string;
  containerPath?: string;
  items: unknown[];
}

interface ResourceNode {
  parentResNode: ResourceNode | null;
  path: string | null;
  propName?: string | null;
  index?: number | null;
  data: unknown;
}

export function locate(root: Resource, path: string, where: string): PatchTarget[] {
  let nodes: unknown[];
  try {
    nodes = fhirpath.evaluate(root, path, undefined, r4, { resolveInternalTypes: false });
  } catch (err) {
    throw badRequest(`${where}: invalid or unsupported FHIRPath "${path}": ${(err as Error).message}`);
  }
  return nodes.map((node) => {
    if (!isResourceNode(node)) {
      throw unprocessable(`${where}: "${path}" selects computed values, not elements of the resource`);
    }
    return toTarget(root, node, where);
  });
}

/** The list `path` names: from its items when it has any, else from its parent and last name. */
export function locateList(root: Resource, path: string, where: string): PatchList {
  const targets = locate(root, path, where);
  const first = targets[0];
  if (first) {
    const { container, key } = first;
    if (!container || !key || !Array.isArray(container[key])) {
      throw unprocessable(`${where}: "${path}" does not select a list`);
    }
    if (targets.some((t) => t.container !== container || t.key !== key)) {
      throw unprocessable(`${where}: "${path}" selects elements from more than one list`);
    }
    return { container, key, containerPath: first.containerPath, items: container[key] };
  }
  const split = /^(.+)\.([A-Za-z][A-Za-z0-9_]*)$/.exec(path.trim());
  if (!split?.[1] || !split[2]) throw unprocessable(`${where}: "${path}" matches no list`);
  const parents = locate(root, split[1], where);
  const parent = parents[0];
  if (parents.length !== 1 || !parent || !isObject(parent.data)) {
    throw unprocessable(`${where}: "${path}" matches no list (its parent must match exactly one element)`);
  }
  return { container: parent.data, key: split[2], containerPath: parent.contentPath, items: [] };
}

function toTarget(root: Resource, node: ResourceNode, where: string): PatchTarget {
  const contentPath = node.path ?? undefined;
  const parent = node.parentResNode;
  if (!parent) return { data: node.data === root ? root : node.data, contentPath };
  const container = parent.data;
  const name = node.propName;
  if (!isObject(container) || !name) {
    throw unprocessable(`${where}: cannot locate the element's parent`);
  }
  const containerPath = parent.path ?? undefined;
  const present = name in container || `_${name}` in container;
  const key = present ? name : choiceKey(container, containerPath, name);
  if (!key) throw unprocessable(`${where}: cannot locate element "${name}"`);
  const slot = container[key];
  const index = typeof node.index === 'number' && Array.isArray(slot) ? node.index : undefined;
  const data = index === undefined ? slot : (slot as unknown[])[index];
  return { container, key, name, index, data, contentPath, containerPath };
}

/** The key a choice element actually uses in its container, e.g. `value` → `valueQuantity`. */
function choiceKey(container: Record<string, unknown>, containerPath: string | undefined, name: string): string | undefined {
  return choiceSuffixes(containerPath, name)
    ?.map((suffix) => name + suffix)
    .find((key) => key in container);
}

function isResourceNode(value: unknown): value is ResourceNode {
  return isObject(value) && 'parentResNode' in value && 'data' in value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
