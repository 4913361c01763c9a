/**
 * The codes referrals and partner messages use beyond the shared ones in exchange/codes.ts: the
 * ServiceRequest category, the document types of the package and the report, the message
 * category and identifier system, and the marker of an update the partner has not received yet.
 */
const BASE = 'https://continuum.example/fhir';

/** ServiceRequest.category of a referral: SNOMED CT 3457005 "Patient referral". */
export const REFERRAL_CATEGORY = { system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' } as const;
/** DocumentReference.type of the transition-of-care package at the receiving side: LOINC 57133-1. */
export const REFERRAL_NOTE_TYPE = { system: 'http://loinc.org', code: '57133-1', display: 'Referral note' } as const;
/** DocumentReference.type of the consult report sent back: LOINC 11488-4. */
export const CONSULT_NOTE_TYPE = { system: 'http://loinc.org', code: '11488-4', display: 'Consult note' } as const;
/** Communication.category of a message between organizations. */
export const PARTNER_MESSAGE = { system: `${BASE}/CodeSystem/exchange`, code: 'partner-message', display: 'Message between organizations' } as const;
/** Identifier system of partner messages: both sides' copies share the value. */
export const MESSAGE_ID_SYSTEM = 'urn:continuum:message';
/** Identifier system prefix for a partner's patient identifiers kept on a local Patient: `<prefix><partner org id>`. */
export const PARTNER_IDENTIFIER_PREFIX = 'urn:continuum:partner-identifier:';
/** Task.businessStatus of a referral the partner has not received (a failed send). */
export const NOT_DELIVERED = 'not-delivered';
/** Task.businessStatus of a referral whose appointment is booked. */
export const SCHEDULED = 'scheduled';
/** Extension (valueBoolean true) on the receiving side's Task: its last change has not reached the referring side yet. */
export const UPDATE_PENDING_EXT = `${BASE}/StructureDefinition/referral-update-pending`;
