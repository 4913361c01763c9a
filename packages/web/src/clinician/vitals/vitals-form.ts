/**
 * The vitals form as data: what was typed, its check against plausible human ranges (with the
 * message each field shows), and the Observations it becomes — FHIR vital-signs / US Core
 * profiles, LOINC codes, UCUM units, one blood-pressure panel with systolic and diastolic
 * components, BMI computed from weight and height — in one transaction Bundle, so all are saved
 * or none. Temperature, weight and height may be typed in °F, lb and in; they are stored in the
 * metric units every other vital sign of the record uses (°C, kg, cm), so trends stay one
 * series. It does no I/O.
 */
import type { Bundle, Observation, Practitioner, Reference } from '@medplum/fhirtypes';

export type VitalField = 'systolic' | 'diastolic' | 'heartRate' | 'respRate' | 'temperature' | 'spo2' | 'weight' | 'height';
export type TempUnit = 'C' | 'F';
export type WeightUnit = 'kg' | 'lb';
export type HeightUnit = 'cm' | 'in';

export interface VitalsForm {
  values: Record<VitalField, string>;
  /** When the vitals were taken, as a local `YYYY-MM-DDTHH:mm`; empty: when saved. */
  takenAt: string;
  tempUnit: TempUnit;
  weightUnit: WeightUnit;
  heightUnit: HeightUnit;
}

export const EMPTY_VITALS: VitalsForm = {
  values: { systolic: '', diastolic: '', heartRate: '', respRate: '', temperature: '', spo2: '', weight: '', height: '' },
  takenAt: '',
  tempUnit: 'C',
  weightUnit: 'kg',
  heightUnit: 'cm',
};

export type VitalsErrors = Partial<Record<VitalField | 'takenAt' | 'form', string>>;

interface Limits {
  label: string;
  min: number;
  max: number;
  unit: string;
  integer?: boolean;
}

/** Plausible ranges (anything outside is a typing error, not a clinical finding), in the typed unit. */
function limits(field: VitalField, form: VitalsForm): Limits {
  switch (field) {
    case 'systolic':
      return { label: 'Systolic pressure', min: 40, max: 300, unit: 'mmHg', integer: true };
    case 'diastolic':
      return { label: 'Diastolic pressure', min: 20, max: 200, unit: 'mmHg', integer: true };
    case 'heartRate':
      return { label: 'Heart rate', min: 20, max: 300, unit: '/min', integer: true };
    case 'respRate':
      return { label: 'Respiratory rate', min: 4, max: 80, unit: '/min', integer: true };
    case 'temperature':
      return form.tempUnit === 'C' ? { label: 'Temperature', min: 25, max: 45, unit: '°C' } : { label: 'Temperature', min: 77, max: 113, unit: '°F' };
    case 'spo2':
      return { label: 'Oxygen saturation', min: 50, max: 100, unit: '%', integer: true };
    case 'weight':
      return form.weightUnit === 'kg' ? { label: 'Weight', min: 0.3, max: 500, unit: 'kg' } : { label: 'Weight', min: 0.7, max: 1100, unit: 'lb' };
    case 'height':
      return form.heightUnit === 'cm' ? { label: 'Height', min: 20, max: 260, unit: 'cm' } : { label: 'Height', min: 8, max: 102, unit: 'in' };
  }
}

const FIELDS: readonly VitalField[] = ['systolic', 'diastolic', 'heartRate', 'respRate', 'temperature', 'spo2', 'weight', 'height'];

/** The typed number, or undefined when the field is empty; NaN when it is not a number. */
function parse(text: string): number | undefined {
  const t = text.trim().replace(',', '.');
  if (t === '') return undefined;
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
}

/** The time a form's vitals were taken: the typed local time, else `now`. */
export function takenAt(form: VitalsForm, now: Date): Date {
  return form.takenAt ? new Date(form.takenAt) : now;
}

export function validateVitals(form: VitalsForm, now: Date = new Date()): VitalsErrors {
  const errors: VitalsErrors = {};
  if (form.takenAt) {
    const at = new Date(form.takenAt).getTime();
    if (Number.isNaN(at)) errors.takenAt = 'Enter the date and time the vitals were taken';
    else if (at > now.getTime() + 5 * 60_000) errors.takenAt = 'The time taken cannot be in the future';
    else if (at < now.getTime() - 7 * 24 * 3600_000) errors.takenAt = 'The time taken must be within the last 7 days';
  }
  for (const field of FIELDS) {
    const value = parse(form.values[field]);
    if (value === undefined) continue;
    const l = limits(field, form);
    if (Number.isNaN(value)) errors[field] = `${l.label} must be a number`;
    else if (l.integer && !Number.isInteger(value)) errors[field] = `${l.label} must be a whole number`;
    else if (value < l.min || value > l.max) errors[field] = `${l.label} must be between ${l.min} and ${l.max} ${l.unit}`;
  }
  const sys = parse(form.values.systolic);
  const dia = parse(form.values.diastolic);
  if (sys !== undefined && dia === undefined && !errors.systolic) errors.diastolic = 'Enter the diastolic pressure too';
  if (dia !== undefined && sys === undefined && !errors.diastolic) errors.systolic = 'Enter the systolic pressure too';
  if (sys !== undefined && dia !== undefined && !errors.systolic && !errors.diastolic && dia >= sys) {
    errors.diastolic = 'Diastolic pressure must be lower than systolic';
  }
  if (FIELDS.every((f) => parse(form.values[f]) === undefined)) errors.form = 'Enter at least one vital sign';
  return errors;
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The metric values of a valid form (°C, kg, cm), rounded as recorded. */
export function metricValues(form: VitalsForm): Partial<Record<VitalField, number>> {
  const out: Partial<Record<VitalField, number>> = {};
  for (const field of FIELDS) {
    const v = parse(form.values[field]);
    if (v === undefined || Number.isNaN(v)) continue;
    if (field === 'temperature') out[field] = form.tempUnit === 'F' ? round(((v - 32) * 5) / 9, 1) : round(v, 1);
    else if (field === 'weight') out[field] = form.weightUnit === 'lb' ? round(v * 0.45359237, 1) : round(v, 1);
    else if (field === 'height') out[field] = form.heightUnit === 'in' ? round(v * 2.54, 1) : round(v, 1);
    else out[field] = v;
  }
  return out;
}

/** BMI (kg/m²) to one decimal, from metric weight and height. */
export function bmi(weightKg: number | undefined, heightCm: number | undefined): number | undefined {
  if (!weightKg || !heightCm) return undefined;
  return round(weightKg / (heightCm / 100) ** 2, 1);
}

export interface VitalsContext {
  patientId: string;
  encounterId: string;
  performer: Reference<Practitioner>;
  /** The time of saving: when the vitals were taken unless the form says otherwise. */
  now: Date;
}

const UCUM = 'http://unitsofmeasure.org';
const loinc = (code: string, display: string) => ({ system: 'http://loinc.org', code, display });
const qty = (value: number, code: string) => ({ value, unit: code, system: UCUM, code });
const profile = (name: string) => `http://hl7.org/fhir/us/core/StructureDefinition/${name}`;

/** The Observations a valid form records, in form order; BMI when both weight and height are given. */
export function vitalsObservations(form: VitalsForm, ctx: VitalsContext): Observation[] {
  const v = metricValues(form);
  const base = (profileName: string, codes: ReturnType<typeof loinc>[], text: string): Observation => ({
    resourceType: 'Observation',
    meta: { profile: [profile(profileName)] },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }], text: 'Vital Signs' }],
    code: { coding: codes, text },
    subject: { reference: `Patient/${ctx.patientId}` },
    encounter: { reference: `Encounter/${ctx.encounterId}` },
    effectiveDateTime: takenAt(form, ctx.now).toISOString(),
    performer: [ctx.performer],
  });
  const single = (profileName: string, code: ReturnType<typeof loinc>[], text: string, value: number | undefined, unit: string): Observation[] =>
    value === undefined ? [] : [{ ...base(profileName, code, text), valueQuantity: qty(value, unit) }];
  const out: Observation[] = [];
  if (v.systolic !== undefined && v.diastolic !== undefined) {
    out.push({
      ...base('us-core-blood-pressure', [loinc('85354-9', 'Blood pressure panel with all children optional')], 'Blood pressure'),
      component: [
        { code: { coding: [loinc('8480-6', 'Systolic blood pressure')], text: 'Systolic blood pressure' }, valueQuantity: qty(v.systolic, 'mm[Hg]') },
        { code: { coding: [loinc('8462-4', 'Diastolic blood pressure')], text: 'Diastolic blood pressure' }, valueQuantity: qty(v.diastolic, 'mm[Hg]') },
      ],
    });
  }
  out.push(...single('us-core-heart-rate', [loinc('8867-4', 'Heart rate')], 'Heart rate', v.heartRate, '/min'));
  out.push(...single('us-core-respiratory-rate', [loinc('9279-1', 'Respiratory rate')], 'Respiratory rate', v.respRate, '/min'));
  out.push(...single('us-core-body-temperature', [loinc('8310-5', 'Body temperature')], 'Body temperature', v.temperature, 'Cel'));
  out.push(
    // 2708-6 first, as the rest of the record has it (screens key a measure on its first code).
    ...single('us-core-pulse-oximetry', [loinc('2708-6', 'Oxygen saturation in Arterial blood'), loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry')], 'Oxygen saturation', v.spo2, '%'),
  );
  out.push(...single('us-core-body-weight', [loinc('29463-7', 'Body weight')], 'Body weight', v.weight, 'kg'));
  out.push(...single('us-core-body-height', [loinc('8302-2', 'Body height')], 'Body height', v.height, 'cm'));
  out.push(...single('us-core-bmi', [loinc('39156-5', 'Body mass index (BMI) [Ratio]')], 'BMI', bmi(v.weight, v.height), 'kg/m2'));
  return out;
}

/** One transaction: every Observation is created, or none is. */
export function vitalsBundle(observations: readonly Observation[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: observations.map((resource) => ({ resource, request: { method: 'POST', url: 'Observation' } })),
  };
}
