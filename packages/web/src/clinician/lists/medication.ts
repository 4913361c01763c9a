/**
 * The medication list's rules, without React. The list shows the patient's active orders
 * (MedicationRequest, prescribed here: read-only on this tab) and their reported medications
 * (MedicationStatement: home or outside medications). This module builds the statements: the
 * form (RxNorm drug, dosage text, start date), checking it, discontinuing (status stopped with a
 * reason and an end date), entered-in-error, the fields people read, and status.
 */
import type { Coding, MedicationRequest, MedicationStatement } from '@medplum/fhirtypes';
import { conceptText, formatDate } from '../../fhir/format.ts';
import { RXNORM } from '../../fhir/terminology.ts';
import type { ListStatus } from './allergy.ts';
import { codeOf, codingFromConcept, conceptFromCoding, today, validPastDate, type Me } from './coding.ts';
import type { FieldSpec } from './versions.ts';

export interface MedicationForm {
  medication: Coding | undefined;
  dosage: string;
  start: string;
  note: string;
}

export const EMPTY_MEDICATION: MedicationForm = { medication: undefined, dosage: '', start: '', note: '' };
export type MedicationErrors = Partial<Record<keyof MedicationForm | 'reason' | 'end', string>>;

export function validateMedication(f: MedicationForm, now: Date = new Date()): MedicationErrors {
  const e: MedicationErrors = {};
  if (!f.medication?.code && !f.medication?.display) e.medication = 'Choose the medication';
  if (!f.dosage.trim()) e.dosage = 'Enter how it is taken, e.g. “1 tablet by mouth daily”';
  if (f.start && !validPastDate(f.start, today(now))) e.start = 'Enter a real date that is not in the future';
  return e;
}

export function medicationForm(s: MedicationStatement): MedicationForm {
  return {
    medication: codingFromConcept(s.medicationCodeableConcept, RXNORM),
    dosage: s.dosage?.map((d) => d.text).filter(Boolean).join('; ') ?? '',
    start: s.effectivePeriod?.start?.slice(0, 10) ?? s.effectiveDateTime?.slice(0, 10) ?? '',
    note: s.note?.map((n) => n.text).join('\n') ?? '',
  };
}

export function medicationResource(f: MedicationForm, patientId: string, me: Me | undefined, base?: MedicationStatement, now: Date = new Date()): MedicationStatement {
  const { dosage: _d, effectivePeriod: period, effectiveDateTime: _e, note: _n, ...kept } = base ?? ({} as Partial<MedicationStatement>);
  const end = period?.end;
  const s: MedicationStatement = {
    ...kept,
    resourceType: 'MedicationStatement',
    status: base?.status ?? 'active',
    subject: base?.subject ?? { reference: `Patient/${patientId}` },
    medicationCodeableConcept: conceptFromCoding(f.medication ?? { display: '' }),
    dosage: [{ text: f.dosage.trim() }],
    ...(f.start || end ? { effectivePeriod: { ...(f.start ? { start: f.start } : {}), ...(end ? { end } : {}) } } : {}),
    ...(f.note.trim() ? { note: [{ text: f.note.trim() }] } : {}),
  };
  if (!base) {
    s.dateAsserted = now.toISOString();
    if (me) s.informationSource = me;
  }
  return s;
}

export function validateDiscontinue(reason: string, end: string, start: string | undefined, now: Date = new Date()): MedicationErrors {
  const e: MedicationErrors = {};
  if (!reason.trim()) e.reason = 'Say why it was stopped';
  if (!validPastDate(end, today(now))) e.end = 'Enter a real date that is not in the future';
  else if (start && end < start.slice(0, 10)) e.end = 'The end date cannot be before the start date';
  return e;
}

/** Stopped on `end` for `reason`. */
export function discontinueMedication(s: MedicationStatement, reason: string, end: string): MedicationStatement {
  const start = s.effectivePeriod?.start ?? s.effectiveDateTime;
  const { effectiveDateTime: _e, ...rest } = s;
  return { ...rest, status: 'stopped', statusReason: [{ text: reason.trim() }], effectivePeriod: { ...(start ? { start } : {}), end } };
}

export function medicationEnteredInError(s: MedicationStatement): MedicationStatement {
  return { ...s, status: 'entered-in-error' };
}

const STATEMENT_STATUS: Record<MedicationStatement['status'], string> = {
  active: 'Active',
  completed: 'Completed',
  'entered-in-error': 'Entered in error',
  intended: 'Intended',
  stopped: 'Stopped',
  'on-hold': 'On hold',
  unknown: 'Unknown',
  'not-taken': 'Not taken',
};

export function medicationStatus(s: MedicationStatement | MedicationRequest): ListStatus {
  const label = s.resourceType === 'MedicationStatement' ? STATEMENT_STATUS[s.status] : s.status === 'active' ? 'Active' : s.status.replace(/-/g, ' ');
  if (s.status === 'entered-in-error') return { label, tone: 'error' };
  if (s.status === 'active' || s.status === 'intended') return { label, tone: 'active' };
  if (s.status === 'on-hold') return { label, tone: 'warning' };
  return { label: label.charAt(0).toUpperCase() + label.slice(1), tone: 'inactive' };
}

export const MEDICATION_FIELDS: readonly FieldSpec<MedicationStatement>[] = [
  { label: 'Medication', read: (s) => conceptText(s.medicationCodeableConcept) + (codeOf(s.medicationCodeableConcept, RXNORM) ? ` (RxNorm ${codeOf(s.medicationCodeableConcept, RXNORM)})` : '') },
  { label: 'Status', read: (s) => STATEMENT_STATUS[s.status] },
  { label: 'Dosage', read: (s) => s.dosage?.map((d) => d.text).join('; ') },
  { label: 'Started', read: (s) => formatDate(s.effectivePeriod?.start ?? s.effectiveDateTime) },
  { label: 'Ended', read: (s) => formatDate(s.effectivePeriod?.end) },
  { label: 'Reason stopped', read: (s) => s.statusReason?.map(conceptText).join('; ') },
  { label: 'Note', read: (s) => s.note?.map((n) => n.text).join('\n') },
];
