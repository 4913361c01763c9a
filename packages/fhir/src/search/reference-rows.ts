/**
 * Reference and uri search rows. A Reference gives one row: `Type/id` (version dropped) as
 * targetType/targetId, absolute URLs also keep `url`, other strings keep only `url`, and
 * Reference.identifier fills identifierSystem/identifierValue (a row exists even when there is no
 * reference string). Local `#id` references to contained resources give no target. canonical, uri
 * and url values (reference parameters over canonicals, such as `instantiates-canonical`) give
 * `url`, plus the target type and id when written as a relative `Type/id`; a resource value
 * (`Bundle.entry[0].resource`) gives its type and id. Uri rows take the string value of uri, url,
 * canonical, oid, uuid, code and string values.
 */
import type { Reference, Resource } from '@medplum/fhirtypes';
import type { TypedValue } from './fhirpath-evaluator.ts';
import type { ReferenceRow, UriRow } from './index-rows.ts';
import { parseReference } from './reference-parse.ts';
import type { ParsedReference } from './reference-parse.ts';
import { isResourceType } from './resource-types.ts';

const URI_TYPES = new Set(['uri', 'url', 'canonical', 'oid', 'uuid', 'string', 'code', 'id']);
const NO_TARGET: ParsedReference = { targetType: null, targetId: null, url: null };

type Row = Omit<ReferenceRow, 'param'>;

function referenceRow(ref: Reference): Row | null {
  const parsed = typeof ref.reference === 'string' ? parseReference(ref.reference) : null;
  const identifierSystem = ref.identifier?.system ?? null;
  const identifierValue = ref.identifier?.value ?? null;
  if (parsed === null && identifierSystem === null && identifierValue === null) return null;
  return { ...(parsed ?? NO_TARGET), identifierSystem, identifierValue };
}

/**
 * A canonical written as a relative `Type/id` (optionally `|version`), as in
 * `instantiatesCanonical: ["PlanDefinition/KDN5"]`, names a resource on this server, so it also
 * gets the target type and id that `instantiates-canonical=PlanDefinition/KDN5` searches on.
 */
function canonicalTarget(value: string): Pick<Row, 'targetType' | 'targetId'> {
  const parsed = /^[A-Z]/.test(value) ? parseReference(value.split('|')[0] ?? '') : null;
  return parsed?.targetType ? { targetType: parsed.targetType, targetId: parsed.targetId } : { targetType: null, targetId: null };
}

function rowOf(item: TypedValue): Row | null {
  if (item.type === 'Reference') return referenceRow(item.value as Reference);
  if (URI_TYPES.has(item.type)) {
    if (typeof item.value !== 'string' || item.value === '') return null;
    return { ...canonicalTarget(item.value), url: item.value, identifierSystem: null, identifierValue: null };
  }
  const resource = item.value as Partial<Resource>;
  if (isResourceType(item.type) && typeof resource.id === 'string') {
    return { targetType: item.type, targetId: resource.id, url: null, identifierSystem: null, identifierValue: null };
  }
  return null;
}

export function addReferenceRows(param: string, values: readonly TypedValue[], out: ReferenceRow[]): void {
  const seen = new Set<string>();
  for (const item of values) {
    const row = rowOf(item);
    if (row === null) continue;
    const key = `${row.targetType}|${row.targetId}|${row.url}|${row.identifierSystem}|${row.identifierValue}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ param, ...row });
  }
}

export function addUriRows(param: string, values: readonly TypedValue[], out: UriRow[]): void {
  const seen = new Set<string>();
  for (const item of values) {
    if (!URI_TYPES.has(item.type) || typeof item.value !== 'string' || item.value === '') continue;
    if (seen.has(item.value)) continue;
    seen.add(item.value);
    out.push({ param, value: item.value });
  }
}
