/**
 * Laboratory orders and results: decides which panels a visit draws (screening by age, disease
 * monitoring such as A1c for diabetics and kidney function for CKD, a CBC and BMP in the ED or on
 * admission), then emits one LOINC-coded Observation per analyte with UCUM units, reference range
 * and H/L/N interpretation, grouped by a LAB DiagnosticReport performed by the lab (or the
 * hospital for emergency and inpatient draws).
 */
import type { DiagnosticReport, Observation } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { loinc } from './codes.ts';
import { activeAt } from './conditions.ts';
import { emit } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { ANALYTES, labValuesAt } from './lab-values.ts';
import type { Analyte } from './lab-values.ts';
import { baseObservation, LABORATORY, qty } from './observations.ts';
import { HOUR, isoDateTime, MINUTE } from './time.ts';

export type Panel = 'bmp' | 'cmp' | 'lipid' | 'cbc' | 'a1c' | 'tsh' | 'uacr';

const PANELS: Record<Panel, { loinc: string; name: string; analytes: Analyte[] }> = {
  bmp: { loinc: '24321-2', name: 'Basic metabolic panel', analytes: ['glucose', 'bun', 'creatinine', 'sodium', 'potassium', 'chloride', 'co2', 'calcium', 'egfr'] },
  cmp: { loinc: '24323-8', name: 'Comprehensive metabolic panel', analytes: ['glucose', 'bun', 'creatinine', 'sodium', 'potassium', 'chloride', 'co2', 'calcium', 'egfr', 'albumin', 'bilirubin', 'ast', 'alt'] },
  lipid: { loinc: '57698-3', name: 'Lipid panel', analytes: ['cholesterol', 'hdl', 'ldl', 'triglycerides'] },
  cbc: { loinc: '58410-2', name: 'CBC', analytes: ['wbc', 'hgb', 'hct', 'plt'] },
  a1c: { loinc: '4548-4', name: 'Hemoglobin A1c', analytes: ['a1c'] },
  tsh: { loinc: '3016-3', name: 'TSH', analytes: ['tsh'] },
  uacr: { loinc: '9318-7', name: 'Urine albumin/creatinine ratio', analytes: ['uacr'] },
};

const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const FLAG = { H: 'High', L: 'Low', N: 'Normal' } as const;

export function labOrders(ctx: PatientContext, record: VisitRecord): Panel[] {
  const { rng, profile } = ctx;
  const v = record.visit;
  const t = v.start;
  const has = (k: Parameters<typeof activeAt>[1]): boolean => activeAt(profile, k, t);
  if (v.kind === 'ed') return v.acute?.key === 'chestpain' || v.acute?.key === 'abdpain' || v.acute?.key === 'pneumonia' || v.chronic.length > 0 ? ['cbc', 'bmp'] : [];
  if (v.kind === 'inpatient') return ['cbc', 'cmp'];
  if (v.age < 18) return v.kind === 'well' && v.age > 9 && rng.chance(0.1) ? ['lipid'] : [];
  const out: Panel[] = [];
  const dm = has('t2dm');
  if (v.kind === 'well') {
    if (v.age >= 40 || has('htn') || dm || has('ckd')) out.push(rng.chance(0.5) ? 'cmp' : 'bmp');
    if (dm || has('hld') || has('cad') ? rng.chance(0.8) : v.age >= 20 && rng.chance(0.3)) out.push('lipid');
    if (dm || (v.age >= 35 && has('obesity') && rng.chance(0.4))) out.push('a1c');
    if (dm && rng.chance(0.7)) out.push('uacr');
    if (rng.chance(0.3)) out.push('cbc');
    if (rng.chance(0.12)) out.push('tsh');
  } else if (v.kind === 'followup') {
    if (dm) out.push('a1c');
    if (has('ckd') || (has('htn') && rng.chance(0.3))) out.push('bmp');
  }
  return out;
}

export function emitLabs(ctx: PatientContext, record: VisitRecord, panels: readonly Panel[]): void {
  if (panels.length === 0) return;
  const v = record.visit;
  const drawn = v.start + 10 * MINUTE;
  const issued = drawn + (v.kind === 'ed' || v.kind === 'inpatient' ? 2 * HOUR : 26 * HOUR);
  const female = ctx.person.sex === 'female';
  const infection = v.acute?.fever === true || v.acute?.key === 'cellulitis';
  const values = labValuesAt(ctx.rng, ctx.person, ctx.profile, drawn, infection);
  const performer = v.kind === 'ed' || v.kind === 'inpatient' ? ctx.dir.hospital : ctx.dir.lab;
  const summary: string[] = [];
  for (const panel of panels) {
    const def = PANELS[panel];
    const results: Observation[] = [];
    for (const analyte of def.analytes) {
      if (analyte === 'egfr' && v.age < 18) continue;
      const a = ANALYTES[analyte];
      const value = Math.round(values[analyte] * 10 ** a.digits) / 10 ** a.digits;
      const low = typeof a.low === 'function' ? a.low(female) : a.low;
      const high = typeof a.high === 'function' ? a.high(female) : a.high;
      const flag = high !== undefined && value > high ? 'H' : low !== undefined && value < low ? 'L' : 'N';
      const o = baseObservation(ctx, LABORATORY, [loinc(a.loinc)], drawn, record.encounterId);
      o.issued = isoDateTime(issued);
      o.valueQuantity = qty(value, a.unit);
      o.interpretation = [{ coding: [{ system: INTERPRETATION, code: flag, display: FLAG[flag] }] }];
      o.referenceRange = [{ ...(low !== undefined ? { low: qty(low, a.unit) } : {}), ...(high !== undefined ? { high: qty(high, a.unit) } : {}) }];
      results.push(emit(ctx, o, record));
      if (flag !== 'N' || analyte === 'a1c' || analyte === 'ldl' || analyte === 'egfr') summary.push(`${o.code?.coding?.[0]?.display?.split(' [')[0] ?? analyte} ${value} ${a.unit}${flag === 'N' ? '' : ` (${flag})`}`);
    }
    const report: DiagnosticReport = {
      resourceType: 'DiagnosticReport', id: ctx.ids.next('DiagnosticReport'), status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB', display: 'Laboratory' }] }],
      code: { coding: [loinc(def.loinc)], text: def.name }, subject: ctx.patient, encounter: ref('Encounter', record.encounterId),
      effectiveDateTime: isoDateTime(drawn), issued: isoDateTime(issued), performer: [ref('Organization', performer.id, performer.name)],
      result: results.map((r) => ref('Observation', r.id ?? '')),
    };
    emit(ctx, report, record);
  }
  record.plan.push(`Labs: ${panels.map((p) => PANELS[p].name).join(', ')}.`);
  if (summary.length > 0) record.vitals.push(`Results: ${summary.join('; ')}`);
}
