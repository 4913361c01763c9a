/**
 * @continuum/fhir: FHIR R4 knowledge with no I/O. Outcomes, validation, search parameters and
 * index extraction, search-request parsing, patches and response shaping. Both the server and
 * the web app may import it.
 */
export * from './outcomes.ts';
export { r4Bundle, type R4File } from './r4-files.ts';
export * from './validation/index.ts';
export * from './search/index.ts';
export { parseDateRange, periodRange, type DateRange } from './search/date-range.ts';
export { numberRange, numberRangeFromText } from './search/number-range.ts';
export * from './query/search-request.ts';
export * from './patch/json-patch.ts';
export * from './patch/fhirpath-patch.ts';
export * from './format/summary.ts';
