/**
 * A prescription's life after it is signed, without React: renewing it (a new order with the same
 * sig, pointing back with `priorPrescription`, the old one `completed`), changing it (a new order
 * from an edited draft, the old one `stopped` with the reason "changed"), discontinuing it
 * (`stopped` with a coded reason, and a note saying who and when), each as the FHIR writes to send
 * (a transaction Bundle pinned with If-Match where there are two); the order read back into a
 * form draft; and the e-prescription's transmission status from its erx-send Task. Pure: the time
 * is a parameter.
 */
import type { Bundle, BundleEntry, MedicationRequest, Task } from '@medplum/fhirtypes';
import { buildMedicationOrder, DOSE_UNITS, emptyMedication, FREQUENCIES, ROUTES, type FrequencyCode, type MedicationDraft, type OrderContext, type RouteKey } from '../orders/order-model.ts';

export const ERX_TASK = 'urn:continuum:task-code|erx-send';
/** NUCC taxonomy 333600000X "Pharmacy": the type every pharmacy Organization carries. */
export const PHARMACY_TYPE = 'http://nucc.org/provider-taxonomy|333600000X';
export const STATUS_REASON = 'http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason';
const CHANGED = { system: 'urn:continuum:medication-status-reason', code: 'changed', display: 'Changed' };

/** Reasons to stop a medication (HL7 medicationrequest-status-reason), and "other" (text only). */
export const DISCONTINUE_REASONS = [
  { code: 'sintol', display: 'Suspected intolerance' },
  { code: 'salg', display: 'Allergy' },
  { code: 'sddi', display: 'Drug interacts with another drug' },
  { code: 'sdupther', display: 'Duplicate therapy' },
  { code: 'altchoice', display: 'Try another treatment first' },
  { code: 'hospadm', display: 'Admission to hospital' },
  { code: 'surg', display: 'Patient scheduled for surgery' },
  { code: 'other', display: 'Other reason' },
] as const;
export type DiscontinueCode = (typeof DISCONTINUE_REASONS)[number]['code'];

/** The form draft an existing order reads back as (for a change). */
export function draftFromOrder(mr: MedicationRequest): MedicationDraft {
  const d = mr.dosageInstruction?.[0];
  const dose = d?.doseAndRate?.[0]?.doseQuantity;
  const unitKey = Object.entries(DOSE_UNITS).find(([, u]) => u.one === dose?.unit || u.ucum === dose?.code)?.[0];
  const route = Object.entries(ROUTES).find(([, r]) => d?.route?.coding?.some((c) => c.code === r.code))?.[0] as RouteKey | undefined;
  const code = d?.timing?.code?.coding?.[0]?.code;
  const frequency = (d?.timing?.repeat?.when?.includes('HS') ? 'QHS' : code && code in FREQUENCIES ? code : undefined) as FrequencyCode | undefined;
  const rx = mr.medicationCodeableConcept?.coding?.[0];
  const days = mr.dispenseRequest?.expectedSupplyDuration?.value ?? d?.timing?.repeat?.boundsDuration?.value;
  const performer = mr.dispenseRequest?.performer;
  const base = emptyMedication();
  return {
    ...base,
    medication: rx?.code ? { ...rx } : undefined,
    dose: dose?.value !== undefined ? String(dose.value) : base.dose,
    doseUnit: unitKey ?? base.doseUnit,
    route: route ?? base.route,
    frequency: frequency ?? base.frequency,
    asNeeded: Boolean(d?.asNeededBoolean ?? d?.asNeededCodeableConcept),
    asNeededFor: d?.asNeededCodeableConcept?.text ?? '',
    quantity: String(mr.dispenseRequest?.quantity?.value ?? base.quantity),
    refills: String(mr.dispenseRequest?.numberOfRepeatsAllowed ?? 0),
    substitutionAllowed: mr.substitution?.allowedBoolean ?? true,
    substitutionReason: mr.substitution?.reason?.text ?? '',
    noteToPharmacy: mr.note?.[0]?.text ?? '',
    durationDays: days !== undefined ? String(days) : '',
    pharmacy: performer?.reference ? { reference: performer.reference, display: performer.display ?? performer.reference } : undefined,
  };
}

const reference = (mr: MedicationRequest) => `MedicationRequest/${mr.id ?? ''}`;

/** The two writes of a renewal or a change, in one transaction; the old order pinned to the version read. */
function replacing(next: MedicationRequest, old: MedicationRequest, oldAfter: MedicationRequest): Bundle {
  const entries: BundleEntry[] = [
    { fullUrl: 'urn:uuid:4d7a0b2e-7f3c-4b8e-9a61-2f0c5e8d1a01', resource: { ...next, priorPrescription: { reference: reference(old) } }, request: { method: 'POST', url: 'MedicationRequest' } },
    { resource: oldAfter, request: { method: 'PUT', url: reference(old), ...(old.meta?.versionId ? { ifMatch: `W/"${old.meta.versionId}"` } : {}) } },
  ];
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

export interface RenewChoices {
  quantity: string;
  refills: string;
}

export function checkRenew(c: RenewChoices): Partial<Record<keyof RenewChoices, string>> {
  const e: Partial<Record<keyof RenewChoices, string>> = {};
  const q = Number(c.quantity);
  if (!c.quantity.trim() || !Number.isInteger(q) || q < 1 || q > 1000) e.quantity = 'Enter a whole quantity from 1 to 1000';
  const r = Number(c.refills);
  if (!c.refills.trim() || !Number.isInteger(r) || r < 0 || r > 11) e.refills = 'Refills are a whole number from 0 to 11';
  return e;
}

/** Renewal: the same order, signed again now by `ctx.requester`, with the quantity and refills chosen. */
export function renewBundle(old: MedicationRequest, choices: RenewChoices, ctx: OrderContext): Bundle {
  const { id: _id, meta: _meta, statusReason: _sr, priorPrescription: _p, encounter: _e, ...kept } = old;
  const next: MedicationRequest = {
    ...kept,
    status: 'active',
    authoredOn: ctx.now.toISOString(),
    requester: { reference: ctx.requester },
    ...(ctx.encounter ? { encounter: { reference: ctx.encounter } } : {}),
    dispenseRequest: { ...old.dispenseRequest, quantity: { ...old.dispenseRequest?.quantity, value: Number(choices.quantity) }, numberOfRepeatsAllowed: Number(choices.refills) },
  };
  return replacing(next, old, { ...old, status: 'completed' });
}

/** Change: a new order from the edited draft; the old one stopped, its reason "changed". */
export function changeBundle(old: MedicationRequest, draft: MedicationDraft, why: string, ctx: OrderContext): Bundle {
  const next = buildMedicationOrder(draft, ctx);
  const text = why.trim() ? `Changed: ${why.trim()}` : 'Changed';
  return replacing(next, old, { ...old, status: 'stopped', statusReason: { coding: [CHANGED], text } });
}

/** Discontinued: stopped with the coded reason and its text, and a note of who stopped it and when. */
export function discontinuePrescription(old: MedicationRequest, code: DiscontinueCode, text: string, who: string, now: Date): MedicationRequest {
  const chosen = DISCONTINUE_REASONS.find((r) => r.code === code);
  if (!chosen) throw new Error('Unknown reason');
  const detail = text.trim();
  if (code === 'other' && !detail) throw new Error('Say why');
  const words = detail ? (code === 'other' ? detail : `${chosen.display}: ${detail}`) : chosen.display;
  return {
    ...old,
    status: old.status === 'draft' ? 'cancelled' : 'stopped',
    statusReason: { ...(code !== 'other' ? { coding: [{ system: STATUS_REASON, code, display: chosen.display }] } : {}), text: words },
    note: [...(old.note ?? []), { authorReference: { reference: who }, time: now.toISOString(), text: `Discontinued: ${words}` }],
  };
}

export interface Transmission {
  label: string;
  tone: 'none' | 'waiting' | 'sent' | 'failed';
  detail?: string;
}

/** Where the order's e-prescription stands: its erx-send Task (the newest), or none. */
export function transmission(mr: MedicationRequest, tasks: readonly Task[]): Transmission {
  const mine = tasks.filter((t) => t.focus?.reference === reference(mr)).sort((a, b) => (b.authoredOn ?? '').localeCompare(a.authoredOn ?? ''));
  const task = mine[0];
  const pharmacy = mr.dispenseRequest?.performer?.display ?? task?.owner?.display ?? 'the pharmacy';
  // An order to a pharmacy gets its Task in the same write: one without was recorded some other way.
  if (!task) return mr.dispenseRequest?.performer ? { label: 'No e-prescription on record', tone: 'none' } : { label: 'No e-prescription (print or phone in)', tone: 'none' };
  if (task.status === 'completed') return { label: `Sent to ${pharmacy}`, tone: 'sent', ...(task.lastModified ? { detail: task.lastModified } : {}) };
  if (['failed', 'rejected', 'cancelled'].includes(task.status)) return { label: `Not sent to ${pharmacy}`, tone: 'failed', ...(task.statusReason?.text ? { detail: task.statusReason.text } : {}) };
  if (task.status === 'in-progress') return { label: `Sending to ${pharmacy}`, tone: 'waiting' };
  return { label: `Ready to send to ${pharmacy}`, tone: 'waiting' };
}

/** The pharmacy last prescribed to, from the patient's orders, newest first. */
export function lastPharmacy(orders: readonly MedicationRequest[]): { reference: string; display: string } | undefined {
  const found = [...orders].sort((a, b) => (b.authoredOn ?? '').localeCompare(a.authoredOn ?? '')).find((o) => o.dispenseRequest?.performer?.reference);
  const p = found?.dispenseRequest?.performer;
  return p?.reference ? { reference: p.reference, display: p.display ?? p.reference } : undefined;
}
