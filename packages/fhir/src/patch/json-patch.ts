/**
 * JSON Patch (RFC 6902) applied to a FHIR resource, for the `PATCH` interaction with
 * `Content-Type: application/json-patch+json`.
 *
 * The patch runs through `fast-json-patch` with validation on, against a deep clone, so the
 * caller's resource is never touched. A body that is not an array of well-formed operations, or
 * an operation that targets the document root, `/resourceType` or `/id`, is a 400; an operation
 * that cannot apply to this resource (a failing `test`, a path that does not exist, an index out
 * of range) is a 422. It does not validate the patched resource against FHIR, nor check
 * `meta.versionId`/`meta.lastUpdated` or id/type consistency with the URL: the server does that.
 */
import type { Resource } from '@medplum/fhirtypes';
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest, unprocessable } from '../outcomes.ts';

const { JsonPatchError } = jsonpatch;

/** Errors that mean "this patch does not fit this resource" rather than "this is not a patch". */
const UNPROCESSABLE = new Set([
  'TEST_OPERATION_FAILED',
  'OPERATION_PATH_UNRESOLVABLE',
  'OPERATION_FROM_UNRESOLVABLE',
  'OPERATION_PATH_CANNOT_ADD',
  'OPERATION_PATH_ILLEGAL_ARRAY_INDEX',
  'OPERATION_VALUE_OUT_OF_BOUNDS',
]);

const PROTECTED = new Set(['resourceType', 'id']);

export function applyJsonPatch(resource: Resource, operations: unknown): Resource {
  const ops = checkShape(operations);
  const target = structuredClone(resource);
  try {
    jsonpatch.applyPatch(target, ops, true, true, true);
  } catch (err) {
    throw translate(err, ops);
  }
  return target;
}

function checkShape(operations: unknown): Operation[] {
  if (!Array.isArray(operations)) {
    throw badRequest('JSON Patch body must be an array of operations');
  }
  operations.forEach((op: unknown, i) => {
    if (typeof op !== 'object' || op === null || Array.isArray(op)) {
      throw badRequest(`JSON Patch operation ${i} is not an object`);
    }
    const { op: kind, path, from } = op as Record<string, unknown>;
    if (typeof path !== 'string') {
      throw badRequest(`JSON Patch operation ${i} has no string "path"`);
    }
    if (kind === 'test') return;
    if (touchesProtected(path) || (kind === 'move' && typeof from === 'string' && touchesProtected(from))) {
      throw badRequest(
        `JSON Patch operation ${i} (${String(kind)} ${path}) may not change the resource's resourceType or id`,
      );
    }
  });
  return operations as Operation[];
}

/** True for the root pointer and for anything at or under `/resourceType` or `/id`. */
function touchesProtected(pointer: string): boolean {
  if (pointer === '') return true;
  const first = pointer.split('/')[1];
  return first !== undefined && PROTECTED.has(first);
}

function translate(err: unknown, ops: Operation[]): Error {
  if (err instanceof JsonPatchError) {
    const index = typeof err.index === 'number' ? err.index : undefined;
    const op = index === undefined ? undefined : ops[index];
    const where = op ? ` (${op.op} ${op.path})` : '';
    const summary = err.message.split('\n')[0] ?? err.name;
    const text = `JSON Patch operation ${index ?? '?'}${where} failed: ${summary}`;
    return UNPROCESSABLE.has(err.name) ? unprocessable(text) : badRequest(text);
  }
  // fast-json-patch throws a plain TypeError for __proto__/constructor pointers.
  if (err instanceof TypeError) return badRequest(`Invalid JSON Patch: ${err.message.split(',')[0]}`);
  return err instanceof Error ? err : new Error(String(err));
}
