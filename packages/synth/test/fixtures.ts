/**
 * Test helpers for the generator suites: flatten bundles, walk every `Reference.reference`, and
 * summarize a patient bundle (age, problems, observations, prescriptions, immunizations) for
 * the realism checks.
 */
import type { Bundle, Condition, Immunization, MedicationRequest, Observation, Patient, Resource } from '@medplum/fhirtypes';

export const NOW = Date.parse('2026-01-01T00:00:00Z');
export const YEAR_MS = 365.2425 * 86_400_000;

export function resources(bundle: Bundle): Resource[] {
  return (bundle.entry ?? []).map((e) => e.resource as Resource);
}

export function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

export interface PatientSummary {
  patient: Patient;
  age: number;
  problems: Set<string>;
  conditionsById: Map<string, Condition>;
  observations: Observation[];
  meds: MedicationRequest[];
  immunizations: Immunization[];
}

export function summarize(bundle: Bundle): PatientSummary {
  const all = resources(bundle);
  const patient = all.find((r): r is Patient => r.resourceType === 'Patient') as Patient;
  const conditions = all.filter((r): r is Condition => r.resourceType === 'Condition');
  return {
    patient,
    age: (NOW - Date.parse(patient.birthDate ?? '')) / YEAR_MS,
    problems: new Set(conditions.filter((c) => c.category?.[0]?.coding?.[0]?.code === 'problem-list-item').map((c) => c.code?.coding?.[0]?.code ?? '')),
    conditionsById: new Map(conditions.map((c) => [c.id ?? '', c])),
    observations: all.filter((r): r is Observation => r.resourceType === 'Observation'),
    meds: all.filter((r): r is MedicationRequest => r.resourceType === 'MedicationRequest'),
    immunizations: all.filter((r): r is Immunization => r.resourceType === 'Immunization'),
  };
}

/** Values of one LOINC code (or one BP component) across observations. */
export function values(obs: readonly Observation[], loinc: string): number[] {
  const out: number[] = [];
  for (const o of obs) {
    if (o.code?.coding?.some((c) => c.code === loinc) && o.valueQuantity?.value !== undefined) out.push(o.valueQuantity.value);
    for (const c of o.component ?? []) if (c.code.coding?.[0]?.code === loinc && c.valueQuantity?.value !== undefined) out.push(c.valueQuantity.value);
  }
  return out;
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
export const hasPrefix = (set: Set<string>, prefix: string): boolean => [...set].some((c) => c.startsWith(prefix));
