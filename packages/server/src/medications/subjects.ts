/**
 * The drugs a check compares: each draft medication order resolved to its ingredients (a
 * `DraftDrug`), and what each is compared against (`OtherDrug`): the patient's active orders and
 * statements, and the drafts before it in the list (so a pair of drafts is reported once, on the
 * later one). Drafts that renew an active order (`priorPrescription`) are not compared with it.
 * Pure.
 */
import type { MedicationRequest, MedicationStatement, Reference, ServiceRequest } from '@medplum/fhirtypes';
import type { OrderCheckInput } from './check-types.ts';
import type { Knowledge } from './knowledge.ts';
import { draftRef, recordRef, resolveMedication, type ResolvedDrug } from './resolve.ts';

export interface DraftDrug {
  index: number;
  order: MedicationRequest;
  drug: ResolvedDrug;
}

export interface OtherDrug {
  ref: Reference;
  drug: ResolvedDrug;
  /** Where it comes from, for the detail text. */
  source: 'active order' | 'medication statement' | 'order being placed';
  /** Set for another draft. */
  draftIndex?: number;
}

const INACTIVE = new Set(['entered-in-error', 'cancelled', 'stopped', 'completed', 'not-taken', 'revoked']);

export function draftDrugs(drafts: OrderCheckInput['drafts'], k: Knowledge): DraftDrug[] {
  const out: DraftDrug[] = [];
  drafts.forEach((d: MedicationRequest | ServiceRequest, index) => {
    if (d.resourceType === 'MedicationRequest') out.push({ index, order: d, drug: resolveMedication(d, k) });
  });
  return out;
}

export function activeDrugs(meds: OrderCheckInput['activeMedications'], k: Knowledge): Array<OtherDrug & { resource: MedicationRequest | MedicationStatement }> {
  return meds
    .filter((m) => !INACTIVE.has(m.status ?? ''))
    .map((m) => {
      const drug = resolveMedication(m, k);
      return { resource: m, ref: recordRef(m, drug.display), drug, source: m.resourceType === 'MedicationRequest' ? 'active order' : 'medication statement' } as const;
    });
}

/** What draft `d` is compared with: the active medications it does not renew, and the earlier drafts. */
export function othersFor(d: DraftDrug, actives: ReturnType<typeof activeDrugs>, drafts: readonly DraftDrug[]): OtherDrug[] {
  const renews = new Set((d.order.priorPrescription?.reference ? [d.order.priorPrescription.reference] : []));
  const fromRecord = actives.filter((a) => !(a.ref.reference && renews.has(a.ref.reference)) && !(d.order.id && a.resource.id === d.order.id && a.resource.resourceType === 'MedicationRequest'));
  const earlier = drafts.filter((o) => o.index < d.index).map((o) => ({ ref: draftRef(o.index, o.drug.display), drug: o.drug, source: 'order being placed' as const, draftIndex: o.index }));
  return [...fromRecord, ...earlier];
}
