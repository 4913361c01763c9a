/** The code systems, tags and extension URLs the parts of exchange share. */
const BASE = 'https://continuum.example/fhir';

/** meta.tag on a resource that came from another organization (imported, or shown as external). */
export const EXTERNAL_TAG = { system: `${BASE}/CodeSystem/exchange`, code: 'external', display: 'From another organization' } as const;
/** meta.tag on the Organization resources of the partner directory. */
export const PARTNER_TAG = { system: `${BASE}/CodeSystem/exchange`, code: 'partner', display: 'Exchange partner' } as const;
/** Extension on an external resource naming its source organization (valueReference with display). */
export const EXTERNAL_SOURCE_EXT = `${BASE}/StructureDefinition/external-source`;
/** Extension on the Endpoint of a partner: the client id this deployment uses at the partner. */
export const OUTBOUND_CLIENT_EXT = `${BASE}/StructureDefinition/partner-outbound-client`;
/** Extension on the Endpoint of a partner: the client id the partner uses here. */
export const INBOUND_CLIENT_EXT = `${BASE}/StructureDefinition/partner-inbound-client`;
/** Extension on the Endpoint of a partner: the partner's JWKS URL. */
export const JWKS_URI_EXT = `${BASE}/StructureDefinition/partner-jwks-uri`;
/** Identifier system of referral Tasks: the value is shared by both sides' copies. */
export const REFERRAL_ID_SYSTEM = 'urn:continuum:referral';
/** Task.code of a cross-organization referral. */
export const REFERRAL_TASK_CODE = { system: `${BASE}/CodeSystem/exchange`, code: 'referral', display: 'Referral to another organization' } as const;
/** Task.code of an inbox item telling a clinician that a partner sent something (a report, a notification). */
export const EXCHANGE_NOTICE_CODE = { system: `${BASE}/CodeSystem/exchange`, code: 'partner-notice', display: 'News from a partner organization' } as const;
/** FHIR's match grade extension on $match entries. */
export const MATCH_GRADE_EXT = 'http://hl7.org/fhir/StructureDefinition/match-grade';
/** The Consent category of exchange consent (LOINC 59284-0, Patient Consent). */
export const CONSENT_CATEGORY = { system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' } as const;
/** The Consent scope of exchange consent. */
export const CONSENT_SCOPE = { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' } as const;
/** The Subscription topics this server offers (R4 Subscriptions backport, criteria). */
export const TOPICS = {
  newResult: `${BASE}/SubscriptionTopic/new-result`,
  admission: `${BASE}/SubscriptionTopic/admission`,
  discharge: `${BASE}/SubscriptionTopic/discharge`,
} as const;
