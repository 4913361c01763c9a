/**
 * Vital-sign Observations for one encounter, coded as the FHIR vital-signs and US Core profiles
 * require: blood pressure panel 85354-9 with systolic 8480-6 and diastolic 8462-4 components,
 * heart rate 8867-4, respiratory rate 9279-1, temperature 8310-5, weight 29463-7, height 8302-2,
 * BMI 39156-5 and pulse oximetry (2708-6 with 59408-5), all in UCUM units.
 */
import type { Observation } from '@medplum/fhirtypes';
import { loinc } from './codes.ts';
import { emit } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { baseObservation, qty, VITAL_SIGNS } from './observations.ts';
import type { Vitals } from './physiology.ts';

export function emitVitals(ctx: PatientContext, record: VisitRecord, v: Vitals, at: number): void {
  const enc = record.encounterId;
  const obs = (codes: string[], value: number, unit: string, code?: string): Observation => {
    const o = baseObservation(ctx, VITAL_SIGNS, codes.map(loinc), at, enc);
    o.valueQuantity = qty(value, unit, code);
    return emit(ctx, o, record);
  };
  if (v.sbp !== undefined && v.dbp !== undefined) {
    const bp = baseObservation(ctx, VITAL_SIGNS, [loinc('85354-9')], at, enc);
    bp.component = [
      { code: { coding: [loinc('8480-6')], text: 'Systolic blood pressure' }, valueQuantity: qty(v.sbp, 'mm[Hg]') },
      { code: { coding: [loinc('8462-4')], text: 'Diastolic blood pressure' }, valueQuantity: qty(v.dbp, 'mm[Hg]') },
    ];
    emit(ctx, bp, record);
    record.vitals.push(`BP ${v.sbp}/${v.dbp} mmHg`);
  }
  obs(['8867-4'], v.hr, '/min');
  obs(['9279-1'], v.rr, '/min');
  obs(['8310-5'], v.tempC, 'Cel');
  obs(['2708-6', '59408-5'], v.spo2, '%');
  obs(['29463-7'], v.weightKg, 'kg');
  obs(['8302-2'], v.heightCm, 'cm');
  if (v.bmi !== undefined) obs(['39156-5'], v.bmi, 'kg/m2');
  record.vitals.push(`HR ${v.hr}/min`, `RR ${v.rr}/min`, `T ${v.tempC} C`, `SpO2 ${v.spo2}%`, `Wt ${v.weightKg} kg`, `Ht ${v.heightCm} cm`);
  if (v.bmi !== undefined) record.vitals.push(`BMI ${v.bmi} kg/m2`);
}
