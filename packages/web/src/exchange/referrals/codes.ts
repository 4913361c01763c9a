/**
 * The exchange codes the referral and partner-message screens read, mirrored from the server's
 * exchange/codes.ts (the web app never imports the server: keep the two in step).
 */
const BASE = 'https://continuum.example/fhir';

/** meta.tag on a resource that came from another organization. */
export const EXTERNAL_TAG = { system: `${BASE}/CodeSystem/exchange`, code: 'external' } as const;
/** Extension naming an external resource's source organization (valueReference with display). */
export const EXTERNAL_SOURCE_EXT = `${BASE}/StructureDefinition/external-source`;
/** Task.code of a cross-organization referral. */
export const REFERRAL_TASK_CODE = { system: `${BASE}/CodeSystem/exchange`, code: 'referral' } as const;
/** Identifier system of referral Tasks: both sides' copies share the value. */
export const REFERRAL_ID_SYSTEM = 'urn:continuum:referral';

/** `system|code`, as a token search parameter takes it. */
export const token = (c: { system: string; code: string }): string => `${c.system}|${c.code}`;
