/**
 * What the order forms hold, how they are checked, and the FHIR orders they become: a lab order
 * is a ServiceRequest (category laboratory, LOINC code), a medication order a MedicationRequest
 * (RxNorm code, structured dosage with its text, dispense quantity and refills, substitution).
 * Both are `intent: order`, signed by the signed-in practitioner as requester, in the encounter
 * in progress if there is one. Cancelling a lab order revokes it; discontinuing a medication
 * stops it; both keep the reason. Pure: no I/O, the time is a parameter.
 */
import type { Coding, Condition, MedicationRequest, Reference, ServiceRequest, Timing } from '@medplum/fhirtypes';

export const LOINC = 'http://loinc.org';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';
/** NCI Thesaurus (NCPDP's units of measure): the dispense units an e-prescription codes. */
const NCI = 'http://ncithesaurus-stage.nci.nih.gov';
const NCI_UNITS: Record<string, string> = { tablet: 'C48542', capsule: 'C48480', mL: 'C28254', each: 'C64933' };

export type Priority = 'routine' | 'urgent' | 'stat';

export interface LabDraft {
  test: Coding | undefined;
  priority: Priority;
  /** Condition references (the patient's problems) the test is for. */
  reasons: Reference<Condition>[];
  noteToLab: string;
}

export const FREQUENCIES = {
  QD: { label: 'once daily', frequency: 1, period: 1, unit: 'd' },
  BID: { label: 'twice daily', frequency: 2, period: 1, unit: 'd' },
  TID: { label: 'three times daily', frequency: 3, period: 1, unit: 'd' },
  QID: { label: 'four times daily', frequency: 4, period: 1, unit: 'd' },
  QHS: { label: 'at bedtime', frequency: 1, period: 1, unit: 'd' },
  Q4H: { label: 'every 4 hours', frequency: 1, period: 4, unit: 'h' },
  Q6H: { label: 'every 6 hours', frequency: 1, period: 6, unit: 'h' },
  WK: { label: 'once weekly', frequency: 1, period: 1, unit: 'wk' },
} as const;
export type FrequencyCode = keyof typeof FREQUENCIES;

export const ROUTES = {
  oral: { code: '26643006', display: 'Oral route', words: 'by mouth' },
  sublingual: { code: '37161004', display: 'Sublingual route', words: 'under the tongue' },
  subcutaneous: { code: '34206005', display: 'Subcutaneous route', words: 'under the skin' },
  intramuscular: { code: '78421000', display: 'Intramuscular route', words: 'into the muscle' },
  inhaled: { code: '447694001', display: 'Respiratory tract route', words: 'by inhalation' },
  topical: { code: '6064005', display: 'Topical route', words: 'to the skin' },
} as const;
export type RouteKey = keyof typeof ROUTES;

/** Dose units: the UCUM code where there is one, the word people write. */
export const DOSE_UNITS: Record<string, { ucum?: string; one: string; many: string }> = {
  tablet: { one: 'tablet', many: 'tablets' },
  capsule: { one: 'capsule', many: 'capsules' },
  puff: { one: 'puff', many: 'puffs' },
  mg: { ucum: 'mg', one: 'mg', many: 'mg' },
  mL: { ucum: 'mL', one: 'mL', many: 'mL' },
  unit: { ucum: '[iU]', one: 'unit', many: 'units' },
};

export interface MedicationDraft {
  medication: Coding | undefined;
  dose: string;
  doseUnit: string;
  route: RouteKey;
  frequency: FrequencyCode;
  asNeeded: boolean;
  /** What "as needed" is for, e.g. "pain". */
  asNeededFor: string;
  quantity: string;
  refills: string;
  substitutionAllowed: boolean;
  /** Why the prescriber forbids substitution ("dispense as written"); required then. */
  substitutionReason: string;
  noteToPharmacy: string;
  /** Days the prescription is for (dosage bounds and expected supply); blank: not limited. */
  durationDays: string;
  /** The pharmacy it goes to (`Organization/<id>`), or none: printed or phoned in. */
  pharmacy: PharmacyChoice | undefined;
}

export interface PharmacyChoice {
  reference: string;
  display: string;
}

export const emptyLab = (): LabDraft => ({ test: undefined, priority: 'routine', reasons: [], noteToLab: '' });
export const emptyMedication = (): MedicationDraft => ({
  medication: undefined, dose: '1', doseUnit: 'tablet', route: 'oral', frequency: 'QD', asNeeded: false, asNeededFor: '',
  quantity: '30', refills: '0', substitutionAllowed: true, substitutionReason: '', noteToPharmacy: '', durationDays: '', pharmacy: undefined,
});

export interface OrderContext {
  patient: string;
  requester: string;
  encounter?: string;
  now: Date;
}

export type Errors<T> = Partial<Record<keyof T, string>>;

export function checkLab(d: LabDraft): Errors<LabDraft> {
  return d.test?.code ? {} : { test: 'Choose the test to order' };
}

const number = (s: string): number | undefined => (s.trim() === '' || Number.isNaN(Number(s)) ? undefined : Number(s));

export function checkMedication(d: MedicationDraft): Errors<MedicationDraft> {
  const e: Errors<MedicationDraft> = {};
  if (!d.medication?.code) e.medication = 'Choose the medication to prescribe';
  const dose = number(d.dose);
  if (dose === undefined || dose <= 0) e.dose = 'Enter a dose greater than 0';
  else if (dose > 10000) e.dose = 'That dose is too large; check it';
  if (!DOSE_UNITS[d.doseUnit]) e.doseUnit = 'Choose a unit';
  const qty = number(d.quantity);
  if (qty === undefined || qty <= 0 || !Number.isInteger(qty)) e.quantity = 'Enter a whole quantity greater than 0';
  else if (qty > 1000) e.quantity = 'Dispense at most 1000';
  const refills = number(d.refills);
  if (refills === undefined || refills < 0 || refills > 11 || !Number.isInteger(refills)) e.refills = 'Refills are a whole number from 0 to 11';
  const days = number(d.durationDays);
  if (d.durationDays.trim() !== '' && (days === undefined || !Number.isInteger(days) || days < 1 || days > 365)) e.durationDays = 'Days are a whole number from 1 to 365, or blank';
  if (!d.substitutionAllowed && !d.substitutionReason.trim()) e.substitutionReason = 'Say why the brand must be dispensed';
  return e;
}

/** The directions as the label reads them, e.g. "Take 1 tablet by mouth twice daily". */
export function sigText(d: MedicationDraft): string {
  const dose = number(d.dose) ?? 0;
  const unit = DOSE_UNITS[d.doseUnit];
  const unitWord = unit ? (dose === 1 ? unit.one : unit.many) : d.doseUnit;
  const verb = d.route === 'inhaled' ? 'Inhale' : d.route === 'subcutaneous' || d.route === 'intramuscular' ? 'Inject' : d.route === 'topical' ? 'Apply' : 'Take';
  const prn = d.asNeeded ? ` as needed${d.asNeededFor.trim() ? ` for ${d.asNeededFor.trim()}` : ''}` : '';
  const days = number(d.durationDays);
  const duration = days !== undefined && days > 0 ? ` for ${days} ${days === 1 ? 'day' : 'days'}` : '';
  return `${verb} ${dose} ${unitWord} ${ROUTES[d.route].words} ${FREQUENCIES[d.frequency].label}${prn}${duration}`;
}

/** A duration of whole days, as UCUM. */
const daysDuration = (days: number) => ({ value: days, unit: days === 1 ? 'day' : 'days', system: UCUM, code: 'd' });

function timing(code: FrequencyCode, days: number | undefined): Timing {
  const f = FREQUENCIES[code];
  return {
    repeat: { ...(days ? { boundsDuration: daysDuration(days) } : {}), frequency: f.frequency, period: f.period, periodUnit: f.unit, ...(code === 'QHS' ? { when: ['HS'] } : {}) },
    code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: code === 'QHS' ? 'QD' : code, display: f.label }], text: f.label },
  };
}

const common = (ctx: OrderContext) => ({
  intent: 'order' as const,
  subject: { reference: ctx.patient },
  ...(ctx.encounter ? { encounter: { reference: ctx.encounter } } : {}),
  authoredOn: ctx.now.toISOString(),
  requester: { reference: ctx.requester },
});

export function buildLabOrder(d: LabDraft, ctx: OrderContext): ServiceRequest {
  if (!d.test?.code) throw new Error('A lab order needs a test');
  const note = d.noteToLab.trim();
  return {
    resourceType: 'ServiceRequest',
    status: 'active',
    ...common(ctx),
    category: [{ coding: [{ system: SNOMED, code: '108252007', display: 'Laboratory procedure' }], text: 'Laboratory' }],
    code: { coding: [{ system: LOINC, code: d.test.code, ...(d.test.display ? { display: d.test.display } : {}) }], ...(d.test.display ? { text: d.test.display } : {}) },
    priority: d.priority,
    ...(d.reasons.length > 0 ? { reasonReference: d.reasons } : {}),
    ...(note ? { note: [{ text: note, authorReference: { reference: ctx.requester }, time: ctx.now.toISOString() }] } : {}),
  };
}

export function buildMedicationOrder(d: MedicationDraft, ctx: OrderContext): MedicationRequest {
  if (!d.medication?.code) throw new Error('A medication order needs a medication');
  const unit = DOSE_UNITS[d.doseUnit];
  const route = ROUTES[d.route];
  const note = d.noteToPharmacy.trim();
  const days = d.durationDays.trim() ? Number(d.durationDays) : undefined;
  const dispenseUnit = unit && !unit.ucum ? unit.one : d.doseUnit === 'mL' ? 'mL' : 'each';
  return {
    resourceType: 'MedicationRequest',
    status: 'active',
    ...common(ctx),
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code: 'outpatient', display: 'Outpatient' }] }],
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: d.medication.code, ...(d.medication.display ? { display: d.medication.display } : {}) }], ...(d.medication.display ? { text: d.medication.display } : {}) },
    dosageInstruction: [
      {
        text: sigText(d),
        timing: timing(d.frequency, days),
        ...(d.asNeeded ? (d.asNeededFor.trim() ? { asNeededCodeableConcept: { text: d.asNeededFor.trim() } } : { asNeededBoolean: true }) : {}),
        route: { coding: [{ system: SNOMED, code: route.code, display: route.display }] },
        doseAndRate: [{ doseQuantity: { value: Number(d.dose), unit: unit?.one ?? d.doseUnit, ...(unit?.ucum ? { system: UCUM, code: unit.ucum } : {}) } }],
      },
    ],
    dispenseRequest: {
      quantity: { value: Number(d.quantity), unit: dispenseUnit, ...(NCI_UNITS[dispenseUnit] ? { system: NCI, code: NCI_UNITS[dispenseUnit] } : {}) },
      numberOfRepeatsAllowed: Number(d.refills),
      ...(days ? { expectedSupplyDuration: daysDuration(days) } : {}),
      ...(d.pharmacy ? { performer: { reference: d.pharmacy.reference, display: d.pharmacy.display } } : {}),
    },
    substitution: { allowedBoolean: d.substitutionAllowed, ...(!d.substitutionAllowed && d.substitutionReason.trim() ? { reason: { text: d.substitutionReason.trim() } } : {}) },
    ...(note ? { note: [{ text: note, authorReference: { reference: ctx.requester }, time: ctx.now.toISOString() }] } : {}),
  };
}

/** Whether an order can still be cancelled or discontinued. */
export const isCancellable = (o: ServiceRequest | MedicationRequest): boolean => ['draft', 'active', 'on-hold'].includes(o.status);

/**
 * The order cancelled with its reason: a lab order revoked (the reason kept as a note, as R4's
 * ServiceRequest has no status reason), a medication stopped (or cancelled before it started, i.e.
 * while a draft), the reason in its `statusReason`.
 */
export function cancelOrder<T extends ServiceRequest | MedicationRequest>(order: T, reason: string, who: string, now: Date): T {
  const text = reason.trim();
  if (!text) throw new Error('A reason is needed');
  if (order.resourceType === 'ServiceRequest') {
    return { ...order, status: 'revoked', note: [...(order.note ?? []), { text: `Cancelled: ${text}`, authorReference: { reference: who }, time: now.toISOString() }] };
  }
  return { ...order, status: order.status === 'draft' ? 'cancelled' : 'stopped', statusReason: { text } };
}
