/**
 * The code systems, identifier types and canonical urls the lab and imaging order workflow writes
 * and recognises: LOINC, SNOMED CT, HL7 v2 tables (specimen type 0487, identifier type 0203,
 * diagnostic service section 0074), the v3 observation interpretations that mark a critical
 * result, and Continuum's own review-Task code (the same the web inbox uses).
 */
import type { Coding } from '@medplum/fhirtypes';

export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
export const V2_SPECIMEN = 'http://terminology.hl7.org/CodeSystem/v2-0487';
export const V2_ID_TYPE = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const V2_SECTION = 'http://terminology.hl7.org/CodeSystem/v2-0074';
export const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
export const DICOM = 'http://dicom.nema.org/resources/ontology/DCM';

/** Placer order number (one order) and placer group number (the requisition of several). */
export const PLACER_ORDER: Coding = { system: V2_ID_TYPE, code: 'PLAC', display: 'Placer Identifier' };
export const PLACER_GROUP: Coding = { system: V2_ID_TYPE, code: 'PGN', display: 'Placer Group Number' };
/** The identifier systems Continuum assigns placer numbers in. */
export const PLACER_SYSTEM = 'urn:continuum:placer-order';
export const REQUISITION_SYSTEM = 'urn:continuum:requisition';

export const LAB_CATEGORY: Coding = { system: SNOMED, code: '108252007', display: 'Laboratory procedure' };
export const IMAGING_CATEGORY: Coding = { system: SNOMED, code: '363679005', display: 'Imaging' };

/** Interpretations that make a result critical (must be acknowledged). */
export const CRITICAL_INTERPRETATIONS: ReadonlySet<string> = new Set(['HH', 'LL', 'AA']);

export const TASK_CODES = 'urn:continuum:task-code';
export const REVIEW: Coding = { system: TASK_CODES, code: 'result-review', display: 'Review result' };

/** Where the catalogue's definitions live: `${CANONICAL_BASE}/<Type>/<key>`. */
export const CANONICAL_BASE = 'urn:continuum:order-catalogue';
export const canonicalUrl = (type: string, key: string): string => `${CANONICAL_BASE}/${type}/${key}`;
