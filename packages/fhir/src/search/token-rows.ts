/**
 * Token search rows, following the FHIR R4 token rules per value type:
 * - code, string, id, uri and similar: `code` = the value, no system;
 * - boolean: code `true` or `false` (also the result of expressions such as `.exists()`);
 * - Coding: system, code, and the normalised display as `text`;
 * - CodeableConcept: one row per coding, plus one row with only `text` when CodeableConcept.text
 *   is present (so `:text` searches match either display or text, and code searches never match
 *   the text row because its code is null);
 * - Identifier: system, value as code, Identifier.type codings as typeSystem/typeCode (one row per
 *   type coding) and the normalised type text as `text`, for `:of-type`;
 * - ContactPoint: code = value, system null (the spec matches on the value only).
 * Nothing is lower-cased except `text`. Quantities and other types give no token rows.
 */
import type { CodeableConcept, Coding, ContactPoint, Identifier } from '@medplum/fhirtypes';
import type { TypedValue } from './fhirpath-evaluator.ts';
import type { TokenRow } from './index-rows.ts';
import { normaliseOptional } from './normalise.ts';

const CODE_TYPES = new Set(['code', 'string', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid', 'markdown']);

type Row = Omit<TokenRow, 'param'>;

function codingRow(coding: Coding): Row | null {
  const row = { system: coding.system ?? null, code: coding.code ?? null, text: normaliseOptional(coding.display) };
  return row.code === null && row.text === null ? null : row;
}

function identifierRows(identifier: Identifier): Row[] {
  const base = {
    system: identifier.system ?? null,
    code: identifier.value ?? null,
    text: normaliseOptional(identifier.type?.text),
  };
  if (base.code === null && base.system === null) return [];
  const typeCodings = identifier.type?.coding ?? [];
  if (typeCodings.length === 0) return [{ ...base, typeSystem: null, typeCode: null }];
  return typeCodings.map((c) => ({ ...base, typeSystem: c.system ?? null, typeCode: c.code ?? null }));
}

function rowsOf(item: TypedValue): Row[] {
  const { type, value } = item;
  if (CODE_TYPES.has(type)) return typeof value === 'string' && value !== '' ? [{ system: null, code: value, text: null }] : [];
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? [{ system: null, code: String(value), text: null }] : [];
    case 'Coding': {
      const row = codingRow(value as Coding);
      return row === null ? [] : [row];
    }
    case 'CodeableConcept': {
      const concept = value as CodeableConcept;
      const rows = (concept.coding ?? []).map(codingRow).filter((r): r is Row => r !== null);
      const text = normaliseOptional(concept.text);
      if (text !== null) rows.push({ system: null, code: null, text });
      return rows;
    }
    case 'Identifier':
      return identifierRows(value as Identifier);
    case 'ContactPoint': {
      const contact = value as ContactPoint;
      return contact.value ? [{ system: null, code: contact.value, text: null }] : [];
    }
    default:
      return [];
  }
}

export function addTokenRows(param: string, values: readonly TypedValue[], out: TokenRow[]): void {
  const seen = new Set<string>();
  for (const item of values) {
    for (const row of rowsOf(item)) {
      const key = `${row.system}\u0000${row.code}\u0000${row.text}\u0000${row.typeSystem}\u0000${row.typeCode}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ param, ...row, typeSystem: row.typeSystem ?? null, typeCode: row.typeCode ?? null });
    }
  }
}
