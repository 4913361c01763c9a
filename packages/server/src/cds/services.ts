/**
 * Continuum's own CDS services: what discovery (`GET /cds-services`) lists, with the prefetch
 * templates each one asks for. The keys name what the hook reads; `record.ts` reads each key from
 * the client's prefetch or, when the client sent none, through the FHIR API as the caller. The
 * templates use only `{{context.patientId}}`: CDS Hooks 2.0 has no date arithmetic, so "recent"
 * is a newest-first page that the service narrows by date itself.
 */
import type { HookName, ServiceDefinition } from './types.ts';

const P = '{{context.patientId}}';

/** Every prefetch query a Continuum service may use, by key. */
export const PREFETCH = {
  patient: `Patient/${P}`,
  medications: `MedicationRequest?patient=${P}&status=active,on-hold`,
  statements: `MedicationStatement?patient=${P}&status=active`,
  allergies: `AllergyIntolerance?patient=${P}`,
  weight: `Observation?patient=${P}&code=http://loinc.org|29463-7&_sort=-date&_count=1`,
  labOrders: `ServiceRequest?patient=${P}&_sort=-authored&_count=100`,
  labResults: `Observation?patient=${P}&category=laboratory&_sort=-date&_count=100`,
  conditions: `Condition?patient=${P}`,
  hba1c: `Observation?patient=${P}&code=http://loinc.org|4548-4&_sort=-date&_count=1`,
  bloodPressure: `Observation?patient=${P}&code=http://loinc.org|85354-9,http://loinc.org|8480-6&_sort=-date&_count=1`,
  reports: `DiagnosticReport?patient=${P}&_sort=-date&_count=100`,
  reviews: `Task?patient=${P}&code=urn:continuum:task-code|result-review`,
} as const;

export type PrefetchKey = keyof typeof PREFETCH;

const ORDER_KEYS: readonly PrefetchKey[] = ['patient', 'medications', 'statements', 'allergies', 'weight', 'labOrders', 'labResults'];
const VIEW_KEYS: readonly PrefetchKey[] = ['patient', 'conditions', 'hba1c', 'bloodPressure', 'labResults', 'reports', 'reviews'];

const pick = (keys: readonly PrefetchKey[]): Record<string, string> => Object.fromEntries(keys.map((k) => [k, PREFETCH[k]]));

const USAGE = 'Send a Continuum access token (a clinician: physician or nurse; or a system client with read scopes). Prefetch is optional: what is missing is read through the FHIR API as the caller.';

export const SERVICES: readonly ServiceDefinition[] = [
  {
    hook: 'patient-view',
    id: 'continuum-patient-view',
    title: 'Continuum care reminders and critical results',
    description: 'Care reminders (HbA1c for diabetes, blood pressure for hypertension and adults) and critical laboratory results of the last 30 days not yet reviewed.',
    prefetch: pick(VIEW_KEYS),
    usageRequirements: USAGE,
  },
  {
    hook: 'order-select',
    id: 'continuum-order-select',
    title: 'Continuum order checks (selection)',
    description: 'Drug-drug interactions (ONC high-priority list and other major interactions), drug-allergy and intolerance with cross-sensitivity, duplicate therapy, dose range and duplicate lab orders, for the orders just selected.',
    prefetch: pick(ORDER_KEYS),
    usageRequirements: USAGE,
  },
  {
    hook: 'order-sign',
    id: 'continuum-order-sign',
    title: 'Continuum order checks (signing)',
    description: 'Drug-drug interactions (ONC high-priority list and other major interactions), drug-allergy and intolerance with cross-sensitivity, duplicate therapy, dose range and duplicate lab orders, for every draft order about to be signed.',
    prefetch: pick(ORDER_KEYS),
    usageRequirements: USAGE,
  },
];

export function serviceById(id: string): ServiceDefinition | undefined {
  return SERVICES.find((s) => s.id === id);
}

export function servicesForHook(hook: HookName): ServiceDefinition[] {
  return SERVICES.filter((s) => s.hook === hook);
}

const SAFE = /^[A-Za-z0-9.\-/]{1,200}$/;

/**
 * Fills a prefetch template's tokens: `{{context.x}}` (a string field of the context) and
 * `{{userPractitionerId}}` / `{{userPatientId}}` (the id of context.userId when it names that
 * type). Answers undefined when a token has no value or a value that is not a plain id or
 * reference, or when an unknown token remains: such a key is not prefetched.
 */
export function renderTemplate(template: string, context: Readonly<Record<string, unknown>>): string | undefined {
  const user = typeof context.userId === 'string' ? context.userId : '';
  const values: Record<string, unknown> = {
    userPractitionerId: user.startsWith('Practitioner/') ? user.slice(13) : undefined,
    userPatientId: user.startsWith('Patient/') ? user.slice(8) : undefined,
  };
  let missing = false;
  const out = template.replace(/\{\{\s*(context\.[A-Za-z]+|userPractitionerId|userPatientId)\s*\}\}/g, (_m, token: string) => {
    const v = token.startsWith('context.') ? context[token.slice(8)] : values[token];
    if (typeof v !== 'string' || !SAFE.test(v)) {
      missing = true;
      return '';
    }
    return v;
  });
  return missing || /\{\{/.test(out) ? undefined : out;
}
