/**
 * Splits a FHIR reference string into the target type and id it names.
 *
 * `Type/id` and `Type/id/_history/n` give type and id (the version is dropped, because index rows
 * join on the current resource). Absolute `http(s)` URLs whose last segments are `Type/id` give type
 * and id and keep the original string as `url`; any other string (`urn:uuid:...`, unknown types,
 * conditional references) keeps only `url`. Local references to contained resources (`#x`) return
 * null: they never point outside the resource.
 */
import { isResourceType } from './resource-types.ts';

export interface ParsedReference {
  targetType: string | null;
  targetId: string | null;
  url: string | null;
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;
const ABSOLUTE_TAIL = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

export function parseReference(reference: string): ParsedReference | null {
  if (reference.startsWith('#')) return null;
  const relative = RELATIVE.exec(reference);
  if (relative !== null) {
    const [, type = '', id = ''] = relative;
    if (isResourceType(type)) return { targetType: type, targetId: id, url: null };
    return { targetType: null, targetId: null, url: reference };
  }
  if (/^https?:\/\//i.test(reference)) {
    const tail = ABSOLUTE_TAIL.exec(reference);
    const type = tail?.[1];
    if (tail !== null && type !== undefined && isResourceType(type)) {
      return { targetType: type, targetId: tail[2] ?? null, url: reference };
    }
  }
  return { targetType: null, targetId: null, url: reference };
}
