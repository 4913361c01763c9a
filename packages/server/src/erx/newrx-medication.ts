/**
 * The NewRx's MedicationPrescribed, from a FHIR MedicationRequest: the drug (description, NDC
 * product code when the order has one, strength, RxNorm DrugDBCode as SCD or SBD), the quantity
 * with its NCPDP unit, days supply, written date, substitutions, refills, the diagnosis when the
 * order's reason is ICD-10-CM coded, the note to the pharmacy and the Sig (its text, and as much
 * of the structured form as the order's dosage carries). Element order follows SCRIPT 2017071.
 * Pure.
 */
import type { Coding, Dosage, MedicationRequest } from '@medplum/fhirtypes';
import { el, type XmlElement } from './xml.ts';
import { NCPDP_FORMS, NDC, ncpdpUnit, RXNORM, SNOMED_TAKE, SNOMED_TIME_UNITS } from './codes.ts';

/** A coded reason for the prescription, for NewRx Diagnosis. */
export interface Diagnosis {
  /** ICD-10-CM code, with or without its dot. */
  code: string;
  display?: string;
}

const coding = (mr: MedicationRequest, system: string): Coding | undefined => mr.medicationCodeableConcept?.coding?.find((c) => c.system === system && c.code);

/** RxNorm names branded drugs with the brand in brackets ("... [Zestril]"): an SBD, else an SCD. */
export const rxnormQualifier = (name: string): 'SBD' | 'SCD' => (/\[[^\]]+\]/.test(name) ? 'SBD' : 'SCD');

/** The first strength in an RxNorm name ("lisinopril 10 MG Oral Tablet"), when it is in mg or mL. */
function strength(name: string): XmlElement | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(MG|ML)\b(?!\s*\/)/i.exec(name);
  if (!m) return undefined;
  const form = /\b(tablet|capsule)\b/i.exec(name)?.[1]?.toLowerCase();
  return el(
    'Strength',
    el('StrengthValue', m[1]),
    form && NCPDP_FORMS[form] && el('StrengthForm', el('Code', NCPDP_FORMS[form])),
    el('StrengthUnitOfMeasure', el('Code', ncpdpUnit(m[2]!.toLowerCase()).code)),
  );
}

function drugCoded(mr: MedicationRequest, description: string): XmlElement {
  const ndc = coding(mr, NDC);
  const rxnorm = coding(mr, RXNORM);
  return el(
    'DrugCoded',
    ndc && el('ProductCode', el('Code', ndc.code), el('Qualifier', 'ND')),
    strength(description),
    rxnorm && el('DrugDBCode', el('Code', rxnorm.code), el('Qualifier', rxnormQualifier(rxnorm.display ?? description))),
  );
}

/** Whole days of supply: dispenseRequest.expectedSupplyDuration, else the dosage's bounds. */
export function daysSupply(mr: MedicationRequest): number | undefined {
  const d = mr.dispenseRequest?.expectedSupplyDuration ?? mr.dosageInstruction?.[0]?.timing?.repeat?.boundsDuration;
  if (d?.value === undefined) return undefined;
  const perUnit: Record<string, number> = { d: 1, wk: 7, mo: 30 };
  const factor = perUnit[d.code ?? d.unit ?? 'd'];
  return factor === undefined ? undefined : Math.round(d.value * factor);
}

function coded(text: string, code: string): XmlElement[] {
  return [el('Text', text), el('Qualifier', 'SNOMED'), el('Code', code)];
}

/** The structured Sig: dose, route, frequency or interval, duration (as far as the order has them). */
function instruction(dosage: Dosage, days: number | undefined): XmlElement | undefined {
  const dose = dosage.doseAndRate?.[0]?.doseQuantity;
  const route = dosage.route?.coding?.find((c) => c.system === 'http://snomed.info/sct' && c.code);
  const repeat = dosage.timing?.repeat;
  const takes = route?.code === '26643006';
  const administration =
    dose?.value !== undefined &&
    el(
      'DoseAdministration',
      takes && el('DoseDeliveryMethod', ...coded(SNOMED_TAKE.text, SNOMED_TAKE.code)),
      el('Dosage', el('DoseQuantity', dose.value), el('DoseUnitOfMeasure', el('Text', dose.unit ?? ''), el('Qualifier', 'DoseUnitOfMeasure'), el('Code', ncpdpUnit(dose.unit, dose.code, dose.system).code))),
      route && el('RouteOfAdministration', ...coded(route.display ?? route.code!, route.code!)),
    );
  const unit = SNOMED_TIME_UNITS[repeat?.periodUnit ?? ''];
  const timing =
    repeat?.period !== undefined &&
    unit &&
    el(
      'TimingAndDuration',
      (repeat.frequency ?? 1) === 1 && repeat.period > 1
        ? el('Interval', el('IntervalNumericValue', repeat.period), el('IntervalUnits', ...coded(unit.text, unit.code)))
        : el('Frequency', el('FrequencyNumericValue', repeat.frequency ?? 1), el('FrequencyUnits', ...coded(unit.text, unit.code))),
    );
  const day = SNOMED_TIME_UNITS.d!;
  const duration = days !== undefined && el('TimingAndDuration', el('Duration', el('DurationNumericValue', days), el('DurationText', ...coded(day.text, day.code))));
  if (!administration && !timing && !duration) return undefined;
  return el('Instruction', administration, timing, duration);
}

function sig(mr: MedicationRequest, days: number | undefined): XmlElement {
  const dosage = mr.dosageInstruction?.[0];
  const text = mr.dosageInstruction?.map((d) => d.text).filter(Boolean).join('; ') || 'See note';
  return el('Sig', el('SigText', text), dosage && instruction(dosage, days));
}

function diagnosis(d: Diagnosis | undefined): XmlElement | undefined {
  if (!d) return undefined;
  return el(
    'Diagnosis',
    el('ClinicalInformationQualifier', '1'),
    el('Primary', el('Code', d.code.replace('.', '')), el('Qualifier', 'ABF'), d.display && el('Description', d.display)),
  );
}

export function medicationElement(mr: MedicationRequest, dx?: Diagnosis): XmlElement {
  const description = mr.medicationCodeableConcept?.text ?? coding(mr, RXNORM)?.display ?? mr.medicationCodeableConcept?.coding?.[0]?.display ?? 'Medication';
  const qty = mr.dispenseRequest?.quantity;
  const days = daysSupply(mr);
  const substitution = mr.substitution?.allowedBoolean ?? mr.substitution?.allowedCodeableConcept?.coding?.some((c) => c.code !== 'N');
  const note = (mr.note ?? []).map((n) => n.text).filter(Boolean).join(' ');
  return el(
    'MedicationPrescribed',
    el('DrugDescription', description),
    drugCoded(mr, description),
    el('Quantity', el('Value', qty?.value ?? 0), el('CodeListQualifier', '38'), el('QuantityUnitOfMeasure', el('Code', ncpdpUnit(qty?.unit, qty?.code, qty?.system).code))),
    days !== undefined && el('DaysSupply', days),
    el('WrittenDate', el('Date', (mr.authoredOn ?? '').slice(0, 10))),
    // NCPDP 0: substitution allowed; 1: substitution not allowed by the prescriber.
    el('Substitutions', substitution === false ? '1' : '0'),
    el('NumberOfRefills', mr.dispenseRequest?.numberOfRepeatsAllowed ?? 0),
    diagnosis(dx),
    note && el('Note', note.slice(0, 210)),
    sig(mr, days),
  );
}
