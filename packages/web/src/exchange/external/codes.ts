/**
 * The exchange codes the web app reads: a mirror of the server's exchange/codes.ts (the web app
 * never imports the server). Keep the two in step; only what the screens need is here.
 */
const BASE = 'https://continuum.example/fhir';

/** meta.tag on a resource that came from another organization (imported, or shown as external). */
export const EXTERNAL_TAG = { system: `${BASE}/CodeSystem/exchange`, code: 'external' } as const;
/** Extension on an external resource naming its source organization (valueReference with display). */
export const EXTERNAL_SOURCE_EXT = `${BASE}/StructureDefinition/external-source`;
/** FHIR's match grade extension on $match entries. */
export const MATCH_GRADE_EXT = 'http://hl7.org/fhir/StructureDefinition/match-grade';
/** The Subscription topics a clinician may follow at a partner. */
export const TOPICS = {
  newResult: `${BASE}/SubscriptionTopic/new-result`,
  admission: `${BASE}/SubscriptionTopic/admission`,
  discharge: `${BASE}/SubscriptionTopic/discharge`,
} as const;
