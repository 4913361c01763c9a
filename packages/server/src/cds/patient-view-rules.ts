/**
 * The `patient-view` rules, pure: care reminders from the problem list and the last measurements,
 * and critical laboratory results not yet reviewed. Each rule names its source; the time is a
 * parameter. The reminders:
 * - diabetes with no HbA1c (LOINC 4548-4) in 6 months: ADA Standards of Care in Diabetes,
 *   section 6 (Glycemic Goals): assess A1C at least twice a year in patients meeting goals;
 * - hypertension with no blood pressure (LOINC 85354-9 panel or 8480-6 systolic) in 12 months:
 *   Continuum's interval, a floor well below the follow-up the 2017 ACC/AHA guideline advises;
 * - adults with no blood pressure: 40 and over, none in a year; 18 to 39, none in 3 years:
 *   USPSTF 2021, Hypertension in Adults: Screening (annual from 40 or at raised risk, every 3 to
 *   5 years for adults 18 to 39 with normal blood pressure).
 * A critical result is a laboratory Observation of the last 30 days interpreted HH, LL or AA
 * (v3 ObservationInterpretation) with no completed `result-review` Task whose focus is the
 * Observation or a DiagnosticReport that holds it (how the web inbox records a review).
 */
import type { Condition, DiagnosticReport, Observation, Patient, Task } from '@medplum/fhirtypes';

export type ReminderRule = 'reminder-hba1c' | 'reminder-bp-hypertension' | 'reminder-bp-adult';

export interface Reminder {
  rule: ReminderRule;
  summary: string;
  detail: string;
  source: { label: string; url: string };
}

const DAY = 86_400_000;
const SNOMED = 'http://snomed.info/sct';
const ICD10 = ['http://hl7.org/fhir/sid/icd-10-cm', 'http://hl7.org/fhir/sid/icd-10'];
/** SNOMED CT: 73211009 diabetes mellitus, 44054006 type 2, 46635009 type 1; ICD-10 E10, E11, E13. */
const DIABETES = { snomed: ['73211009', '44054006', '46635009'], icd10: /^E1[013]/ };
/** SNOMED CT 38341003 hypertensive disorder, 59621000 essential hypertension; ICD-10 I10-I13, I15. */
const HYPERTENSION = { snomed: ['38341003', '59621000'], icd10: /^I1[0-35]/ };
const HBA1C = '4548-4';
const BP = ['85354-9', '8480-6'];
const CRITICAL = new Set(['HH', 'LL', 'AA']);
const REVIEW = { system: 'urn:continuum:task-code', code: 'result-review' };

const ADA = { label: 'American Diabetes Association, Standards of Care in Diabetes, section 6: Glycemic Goals', url: 'https://diabetesjournals.org/care/issue/47/Supplement_1' };
const USPSTF = { label: 'USPSTF 2021, Hypertension in Adults: Screening', url: 'https://www.uspreventiveservicestaskforce.org/uspstf/recommendation/hypertension-in-adults-screening' };
const ACC_AHA = { label: '2017 ACC/AHA Guideline for High Blood Pressure in Adults (Whelton PK, et al.); interval set by Continuum', url: 'https://doi.org/10.1161/HYP.0000000000000065' };

function activeWith(conditions: readonly Condition[], set: { snomed: string[]; icd10: RegExp }): boolean {
  return conditions.some((c) => {
    const clinical = c.clinicalStatus?.coding?.[0]?.code;
    const verification = c.verificationStatus?.coding?.[0]?.code;
    if (clinical && !['active', 'recurrence', 'relapse'].includes(clinical)) return false;
    if (verification === 'refuted' || verification === 'entered-in-error') return false;
    return (c.code?.coding ?? []).some((k) => (k.system === SNOMED && set.snomed.includes(k.code ?? '')) || (ICD10.includes(k.system ?? '') && set.icd10.test(k.code ?? '')));
  });
}

const whenOf = (o: Observation): number => Date.parse(o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.issued ?? '');
const hasCode = (o: Observation, codes: readonly string[]): boolean => (o.code.coding ?? []).some((c) => c.system === 'http://loinc.org' && codes.includes(c.code ?? ''));

/** The newest time any of `codes` was measured, or undefined. */
function lastMeasured(obs: readonly Observation[], codes: readonly string[]): number | undefined {
  let last: number | undefined;
  for (const o of obs) {
    if (o.status === 'entered-in-error' || o.status === 'cancelled' || !hasCode(o, codes)) continue;
    const t = whenOf(o);
    if (!Number.isNaN(t) && (last === undefined || t > last)) last = t;
  }
  return last;
}

function ageYears(birthDate: string | undefined, now: Date): number | undefined {
  if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return undefined;
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age--;
  return age;
}

const since = (t: number | undefined): string => (t === undefined ? 'none on record' : `last on ${new Date(t).toISOString().slice(0, 10)}`);

export function careReminders(input: { patient: Patient; conditions: readonly Condition[]; observations: readonly Observation[]; now: Date }): Reminder[] {
  const { conditions, observations, now } = input;
  const out: Reminder[] = [];
  const n = now.getTime();
  const a1c = lastMeasured(observations, [HBA1C]);
  if (activeWith(conditions, DIABETES) && (a1c === undefined || n - a1c > 183 * DAY)) {
    out.push({ rule: 'reminder-hba1c', summary: 'Diabetes: HbA1c due (none in the last 6 months)', detail: `HbA1c (LOINC ${HBA1C}): ${since(a1c)}. Assess A1C at least twice a year, every 3 months when therapy changed or goals are not met.`, source: ADA });
  }
  const bp = lastMeasured(observations, BP);
  if (activeWith(conditions, HYPERTENSION) && (bp === undefined || n - bp > 365 * DAY)) {
    out.push({ rule: 'reminder-bp-hypertension', summary: 'Hypertension: no blood pressure recorded in the last 12 months', detail: `Blood pressure: ${since(bp)}. Measure and record blood pressure.`, source: ACC_AHA });
    return out;
  }
  const age = ageYears(input.patient.birthDate, now);
  if (age !== undefined && age >= 18) {
    const years = age >= 40 ? 1 : 3;
    if (bp === undefined || n - bp > years * 365 * DAY) {
      out.push({ rule: 'reminder-bp-adult', summary: `Blood pressure screening due (none in the last ${years === 1 ? 'year' : '3 years'})`, detail: `Blood pressure: ${since(bp)}. Screen ${years === 1 ? 'yearly from age 40' : 'every 3 to 5 years at ages 18 to 39 with normal readings'}.`, source: USPSTF });
    }
  }
  return out;
}

const completedReview = (t: Task): boolean => t.status === 'completed' && (t.code?.coding ?? []).some((c) => c.system === REVIEW.system && c.code === REVIEW.code);

/** Critical laboratory results of the last 30 days with no completed review. */
export function unreviewedCritical(input: { observations: readonly Observation[]; reports: readonly DiagnosticReport[]; reviews: readonly Task[]; now: Date }): Observation[] {
  const reviewed = new Set(input.reviews.filter(completedReview).map((t) => t.focus?.reference).filter((r): r is string => r !== undefined));
  const reviewedObs = new Set<string>();
  for (const r of input.reports) {
    if (!reviewed.has(`DiagnosticReport/${r.id}`)) continue;
    for (const res of r.result ?? []) if (res.reference) reviewedObs.add(res.reference);
  }
  const from = input.now.getTime() - 30 * DAY;
  return input.observations.filter((o) => {
    if (o.status === 'entered-in-error' || o.status === 'cancelled') return false;
    const lab = (o.category ?? []).some((c) => (c.coding ?? []).some((k) => k.code === 'laboratory'));
    const critical = (o.interpretation ?? []).some((i) => (i.coding ?? []).some((k) => CRITICAL.has(k.code ?? '')));
    const t = whenOf(o);
    const ref = `Observation/${o.id}`;
    return lab && critical && !Number.isNaN(t) && t >= from && !reviewed.has(ref) && !reviewedObs.has(ref);
  });
}

/** "Potassium 6.8 mmol/L (critical high) on 2031-03-04". */
export function describeResult(o: Observation): string {
  const name = o.code.text ?? o.code.coding?.[0]?.display ?? o.code.coding?.[0]?.code ?? 'Result';
  const q = o.valueQuantity;
  const value = q?.value !== undefined ? ` ${q.value}${q.unit ?? q.code ? ` ${q.unit ?? q.code}` : ''}` : o.valueString ? ` ${o.valueString}` : '';
  const interp = (o.interpretation ?? []).flatMap((i) => i.coding ?? []).find((k) => CRITICAL.has(k.code ?? ''));
  const label = interp?.code === 'HH' ? 'critical high' : interp?.code === 'LL' ? 'critical low' : 'critical';
  const t = whenOf(o);
  return `${name}${value} (${label})${Number.isNaN(t) ? '' : ` on ${new Date(t).toISOString().slice(0, 10)}`}`;
}
