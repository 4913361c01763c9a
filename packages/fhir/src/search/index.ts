/**
 * Write-time search indexing: the SearchParameter registry, extraction of index rows from a
 * resource, and patient-compartment membership. Pure FHIR knowledge with no I/O; the server's
 * store writes the rows and the search planner queries them.
 */
export { SearchParamRegistry, storedCodes } from './registry.ts';
export type { SearchParamDef, SearchParamType, SkippedParam } from './registry.ts';
export type { TypedValue } from './fhirpath-evaluator.ts';
export { extractIndexRows, extractIndexRowsStrict } from './extract.ts';
export { patientCompartment, patientCompartmentParams } from './compartment.ts';
export { normaliseText } from './normalise.ts';
export { parseReference } from './reference-parse.ts';
export { emptyIndexRows } from './index-rows.ts';
export { CARE_DATE_PARAM, careDateTypes, CLINICAL_DATE_URL } from './care-date.ts';
export { narrativeText } from './text-rows.ts';
export type {
  DateRow,
  IndexRows,
  NumberRow,
  PositionRow,
  QuantityRow,
  ReferenceRow,
  StringRow,
  TokenRow,
  TextRow,
  UriRow,
} from './index-rows.ts';
