/**
 * Turns what an order hook read (the record and the draft orders) into the engine's input
 * (`OrderCheckInput`, medications/check-types.ts). Pure; the time is a parameter. Drafts are
 * removed from the active lists by reference, so re-checking an order that is already saved
 * does not flag it against itself.
 */
import type { MedicationRequest, MedicationStatement, Observation, ServiceRequest } from '@medplum/fhirtypes';
import type { OrderCheckInput, OrderCheckSettings } from '../medications/check-types.ts';
import type { FetchedRecord } from './record.ts';

/** The duplicate-lab windows: one day by default, 90 days for HbA1c (LOINC 4548-4). */
export const DEFAULT_CHECK_SETTINGS: OrderCheckSettings = {
  duplicateLabWindowDays: 1,
  duplicateLabWindowByLoinc: { '4548-4': 90 },
};

const KG_PER: Record<string, number> = { kg: 1, g: 0.001, '[lb_av]': 0.45359237, lb: 0.45359237, lbs: 0.45359237 };

/** The latest body weight in kg, from a newest-first list of weight Observations. */
export function latestWeight(list: readonly Observation[]): { kg: number; date: string } | undefined {
  for (const o of list) {
    if (o.status === 'entered-in-error' || o.status === 'cancelled') continue;
    const q = o.valueQuantity;
    const factor = KG_PER[q?.code ?? q?.unit ?? ''];
    if (q?.value === undefined || factor === undefined) continue;
    const date = o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.issued;
    if (!date) continue;
    return { kg: Math.round(q.value * factor * 1000) / 1000, date };
  }
  return undefined;
}

export function orderCheckInput(record: FetchedRecord, drafts: ReadonlyArray<MedicationRequest | ServiceRequest>, now: Date, settings = DEFAULT_CHECK_SETTINGS): OrderCheckInput {
  const draftRefs = new Set(drafts.map((d) => `${d.resourceType}/${d.id}`));
  const notDraft = (r: { resourceType: string; id?: string }): boolean => !draftRefs.has(`${r.resourceType}/${r.id}`);
  const l = record.lists;
  const meds = (l.medications ?? []).filter((r): r is MedicationRequest => r.resourceType === 'MedicationRequest' && (r.status === 'active' || r.status === 'on-hold'));
  const statements = (l.statements ?? []).filter((r): r is MedicationStatement => r.resourceType === 'MedicationStatement' && r.status === 'active');
  const weight = latestWeight((l.weight ?? []).filter((r): r is Observation => r.resourceType === 'Observation'));
  return {
    patient: record.patient,
    ...(weight ? { weight } : {}),
    drafts,
    activeMedications: [...meds, ...statements].filter(notDraft),
    allergies: (l.allergies ?? []).filter((r) => r.resourceType === 'AllergyIntolerance') as OrderCheckInput['allergies'] & object[],
    recentLabOrders: (l.labOrders ?? []).filter((r): r is ServiceRequest => r.resourceType === 'ServiceRequest' && r.status !== 'revoked' && r.status !== 'entered-in-error' && notDraft(r)),
    recentLabResults: (l.labResults ?? []).filter((r): r is Observation => r.resourceType === 'Observation' && r.status !== 'entered-in-error'),
    now,
    settings,
  };
}
