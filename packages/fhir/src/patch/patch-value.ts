/**
 * Turns the `value` part of a FHIRPath Patch operation into the JSON to write into a resource.
 *
 * A part carries either a `value[x]` (a datatype Parameters can hold directly), a `resource`, or
 * nested `part`s naming the children of an anonymous element (e.g. `Patient.contact`), which may
 * nest again. Nested parts become an object; a child is written as an array when the R4 model says
 * the element repeats or when the same name appears more than once, and a choice child takes its
 * type suffix (`value` + `valueQuantity` → `valueQuantity`). It does not check that the content
 * is valid FHIR; resource validation after the patch does that.
 */
import type { ParametersParameter } from '@medplum/fhirtypes';
import { badRequest } from '../outcomes.ts';
import { contentPathOf, isRepeating, jsonKeyFor } from './element-model.ts';

export interface PatchValue {
  json: unknown;
  /** The value[x] suffix (`Date`, `HumanName`) or resource type, when the part says so. */
  type?: string;
}

/** Reads `part` as content for an element whose children the model describes at `contentPath`. */
export function readPatchValue(part: ParametersParameter, contentPath: string | undefined, where: string): PatchValue {
  const record = part as unknown as Record<string, unknown>;
  const valueKey = Object.keys(record).find((k) => /^value[A-Z]/.test(k));
  if (valueKey !== undefined) {
    return { json: structuredClone(record[valueKey]), type: valueKey.slice('value'.length) };
  }
  if (part.resource !== undefined) {
    return { json: structuredClone(part.resource), type: part.resource.resourceType };
  }
  if (Array.isArray(part.part) && part.part.length > 0) {
    return { json: readParts(part.part, contentPath, where) };
  }
  throw badRequest(`${where}: the value part has no value[x], resource or parts`);
}

function readParts(parts: ParametersParameter[], contentPath: string | undefined, where: string): object {
  const grouped = new Map<string, { name: string; values: unknown[] }>();
  for (const child of parts) {
    if (typeof child.name !== 'string' || child.name === '') {
      throw badRequest(`${where}: every nested value part needs a name`);
    }
    const value = readPatchValue(child, contentPathOf(contentPath, child.name), `${where}.${child.name}`);
    const key = jsonKeyFor(contentPath, child.name, value.type);
    const entry = grouped.get(key) ?? { name: child.name, values: [] };
    entry.values.push(value.json);
    grouped.set(key, entry);
  }
  const out: Record<string, unknown> = {};
  for (const [key, { name, values }] of grouped) {
    out[key] = values.length > 1 || isRepeating(contentPath, name) ? values : values[0];
  }
  return out;
}
