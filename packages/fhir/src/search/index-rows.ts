/**
 * The search-index rows a resource contributes, one array per value type.
 *
 * These are computed at write time from each SearchParameter's FHIRPath expression and stored
 * beside the resource in the same transaction. Values are normalised so that SQL comparisons are
 * simple: strings lower-cased and stripped of accents, dates as half-open [low, high) instants,
 * numbers and quantities with the range their precision implies, references split into type and
 * id, positions as WGS84 degrees. This module only declares shapes; extraction lives in `extract.ts`.
 */

/**
 * Every row carries `param`, the SearchParameter `code` (for example `name`, `_tag`, `patient`).
 * Rows of a composite parameter's components use `<code>$<component index>` and `grp`, the
 * number of the element they came from, so that components can be matched per element.
 */
export interface RowBase {
  param: string;
  grp?: number;
}

export interface StringRow extends RowBase {
  /** lower case, accents removed, whitespace collapsed: for starts-with and :contains */
  norm: string;
  /** the original text: for :exact */
  exact: string;
}

export interface TokenRow extends RowBase {
  system: string | null;
  code: string | null;
  /** normalised display text (Coding.display, CodeableConcept.text, Identifier.type.text): for :text */
  text: string | null;
  /** Identifier.type coding, for :of-type */
  typeSystem?: string | null;
  typeCode?: string | null;
}

/** Instants as ISO-8601 strings in UTC; `low` inclusive, `high` exclusive. Open ends are null. */
export interface DateRow extends RowBase {
  low: string | null;
  high: string | null;
}

/** The implied range of the stored value: `1.5` covers [1.45, 1.55). */
export interface NumberRow extends RowBase {
  value: number;
  low: number;
  high: number;
}

export interface QuantityRow extends RowBase {
  value: number;
  low: number;
  high: number;
  system: string | null;
  code: string | null;
  /** Quantity.unit, normalised, for searches that give a unit without a system */
  unit: string | null;
}

/**
 * A reference split for joins. Relative references give targetType and targetId; absolute URLs,
 * canonicals and logical (identifier-only) references keep the original in `url`.
 */
export interface ReferenceRow extends RowBase {
  targetType: string | null;
  targetId: string | null;
  url: string | null;
  /** Reference.identifier, for :identifier */
  identifierSystem?: string | null;
  identifierValue?: string | null;
}

export interface UriRow extends RowBase {
  value: string;
}

/** A geographic point (Location.position, for `near`): WGS84 degrees, both within their ranges. */
export interface PositionRow extends RowBase {
  latitude: number;
  longitude: number;
}

/** Text for full-text search: `_text` (the narrative) and `_content` (all the resource's text). */
export interface TextRow extends RowBase {
  doc: string;
}

export interface IndexRows {
  string: StringRow[];
  token: TokenRow[];
  date: DateRow[];
  number: NumberRow[];
  quantity: QuantityRow[];
  reference: ReferenceRow[];
  uri: UriRow[];
  position: PositionRow[];
  text: TextRow[];
}

export function emptyIndexRows(): IndexRows {
  return { string: [], token: [], date: [], number: [], quantity: [], reference: [], uri: [], position: [], text: [] };
}
