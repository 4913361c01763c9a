/**
 * Decision support's place in ordering. `checkOrders` is called with the draft orders when the
 * clinician reviews them, before signing; the cards it answers are shown in the sign step
 * (`OrderChecks`). It answers no cards yet: the decision-support work (CDS Hooks `order-select`
 * and `order-sign`, with the drafts as `draftOrders` in the hook's context) plugs in here by
 * calling the CDS services and mapping their cards to `OrderCheckCard`. A card whose indicator is
 * `critical` must be acknowledged (with an override reason) before the order can be signed.
 */
import type { Bundle, MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/client.ts';

export type DraftOrder = ServiceRequest | MedicationRequest;

/** A CDS Hooks card, as much of it as the sign step shows. */
export interface OrderCheckCard {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string };
}

export interface OrderCheckContext {
  client: FhirClient;
  patient: string;
  user: string;
  encounter?: string;
  signal?: AbortSignal;
}

/** The hook's `draftOrders` context: a collection Bundle of the unsigned orders. */
export function draftOrdersBundle(drafts: readonly DraftOrder[]): Bundle {
  return { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) };
}

/** The decision-support cards for these draft orders: none until a CDS service is connected. */
export async function checkOrders(drafts: readonly DraftOrder[], context: OrderCheckContext): Promise<OrderCheckCard[]> {
  void draftOrdersBundle(drafts);
  void context;
  return Promise.resolve([]);
}

/** Whether signing must wait: a critical card nobody has acknowledged. */
export const blocksSigning = (cards: readonly OrderCheckCard[], acknowledged: ReadonlySet<string>): boolean =>
  cards.some((c) => c.indicator === 'critical' && !acknowledged.has(c.uuid));
