/**
 * Decision support's place in ordering: the CDS Hooks requests the order screen makes. While the
 * clinician composes a medication order, `order-select` is asked about the draft (the selection);
 * in the review step, `order-sign` is asked about every draft about to be signed. A draft carries
 * the client-made id the cards name (`<type>/<id>`) and status `draft`; the hook's `draftOrders`
 * is a collection Bundle of them. Pure: the calls themselves are `useHook` / `callHook`.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { DraftOrder } from '../../cds/card-model.ts';
import type { HookRequest } from '../../cds/cds-types.ts';

export type { DraftOrder };

export interface OrderCheckContext {
  patient: string;
  user: string;
  encounter?: string;
}

/** The order as a draft with the client-made id `id`: what the hooks see, and what is signed. */
export const asDraft = <T extends DraftOrder>(order: T, id: string): T => ({ ...order, id, status: 'draft' });

/** `MedicationRequest/<id>`: how the cards name a draft. */
export const draftRef = (draft: DraftOrder): string => `${draft.resourceType}/${draft.id ?? ''}`;

/** The hook's `draftOrders` context: a collection Bundle of the unsigned orders. */
export function draftOrdersBundle(drafts: readonly DraftOrder[]): Bundle {
  return { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) };
}

const ids = (ctx: OrderCheckContext) => ({
  userId: ctx.user,
  patientId: ctx.patient.replace(/^Patient\//, ''),
  ...(ctx.encounter ? { encounterId: ctx.encounter.replace(/^Encounter\//, '') } : {}),
});

/** `order-select` for the draft being composed (the only selection). */
export function orderSelect(draft: DraftOrder, ctx: OrderCheckContext): HookRequest {
  return { hook: 'order-select', context: { ...ids(ctx), selections: [draftRef(draft)], draftOrders: draftOrdersBundle([draft]) } };
}

/** `order-sign` for the drafts about to be signed. */
export function orderSign(drafts: readonly DraftOrder[], ctx: OrderCheckContext): HookRequest {
  return { hook: 'order-sign', context: { ...ids(ctx), draftOrders: draftOrdersBundle(drafts) } };
}

/** What names a request for `useHook`: the hook is asked again only when this changes. */
export const requestKey = (req: HookRequest): string => JSON.stringify(req);
