/**
 * How each kind of index row maps onto its table: the column names, their SQL array types, and
 * how to pull the values out of a row. The writer generates its SQL from this one list, so adding
 * an index kind means adding one entry here and a migration.
 */
import type { IndexRows } from '@continuum/fhir';

export interface IndexTable {
  key: keyof IndexRows;
  table: string;
  /** Column name, the SQL type it is passed as, and optionally how the stored value is computed from it. */
  columns: readonly (readonly [name: string, sqlType: string, store?: (input: string) => string])[];
  values(row: never): unknown[];
}

const table = <K extends keyof IndexRows>(
  key: K,
  name: string,
  columns: readonly (readonly [string, string, ((input: string) => string)?])[],
  values: (row: IndexRows[K][number]) => unknown[],
): IndexTable => ({
  key,
  table: name,
  columns: key === 'text' ? columns : [...columns, ['grp', 'int']],
  values: (key === 'text' ? values : (row: IndexRows[K][number]) => [...values(row), row.grp ?? null]) as (row: never) => unknown[],
});

/**
 * Longest text kept in a btree-indexed column. PostgreSQL refuses index rows over ~2.7 kB, and a
 * FHIR string can be any length, so indexed keys are cut here and search input is cut the same
 * way (see `indexKey` in the search compiler); the unindexed `exact` column keeps the whole text.
 */
export const INDEX_KEY_LENGTH = 256;

export function indexKey<T extends string | null | undefined>(v: T): T {
  return (typeof v === 'string' && v.length > INDEX_KEY_LENGTH ? v.slice(0, INDEX_KEY_LENGTH) : v) as T;
}

const low = (v: string | null): string => v ?? '-infinity';
const high = (v: string | null): string => v ?? 'infinity';

export const INDEX_TABLES: readonly IndexTable[] = [
  table('string', 'sp_string', [['norm', 'text'], ['exact', 'text']], (r) => [indexKey(r.norm), r.exact]),
  table(
    'token',
    'sp_token',
    [['system', 'text'], ['code', 'text'], ['text', 'text'], ['type_system', 'text'], ['type_code', 'text']],
    (r) => [indexKey(r.system), indexKey(r.code), r.text, r.typeSystem ?? null, r.typeCode ?? null],
  ),
  table('date', 'sp_date', [['low', 'timestamptz'], ['high', 'timestamptz']], (r) => [low(r.low), high(r.high)]),
  table('number', 'sp_number', [['value', 'numeric'], ['low', 'numeric'], ['high', 'numeric']], (r) => [r.value, r.low, r.high]),
  table(
    'quantity',
    'sp_quantity',
    [['value', 'numeric'], ['low', 'numeric'], ['high', 'numeric'], ['system', 'text'], ['code', 'text'], ['unit', 'text']],
    (r) => [r.value, r.low, r.high, r.system, indexKey(r.code), r.unit],
  ),
  table(
    'reference',
    'sp_reference',
    [['target_type', 'text'], ['target_id', 'text'], ['url', 'text'], ['identifier_system', 'text'], ['identifier_value', 'text']],
    (r) => [r.targetType, indexKey(r.targetId), r.url, r.identifierSystem ?? null, r.identifierValue ?? null],
  ),
  table('uri', 'sp_uri', [['value', 'text']], (r) => [indexKey(r.value)]),
  table('position', 'sp_position', [['latitude', 'float8'], ['longitude', 'float8']], (r) => [r.latitude, r.longitude]),
  table('text', 'sp_text', [['doc', 'text', (input) => `to_tsvector('english', ${input})`]], (r) => [r.doc]),
];
