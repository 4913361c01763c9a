/**
 * The problem list's rules, without React: the form (ICD-10-CM code, onset, clinical status,
 * note), checking it, building the Condition (category problem-list-item, recorder and asserter
 * the signed-in user), resolving (clinical status resolved with an abatement date),
 * entered-in-error, the fields people read, and status for list order.
 */
import type { Coding, Condition } from '@medplum/fhirtypes';
import { conceptText, formatDate } from '../../fhir/format.ts';
import { ICD10CM } from '../../fhir/terminology.ts';
import type { ListStatus } from './allergy.ts';
import { codeOf, codingFromConcept, conceptFromCoding, hl7Concept, today, validPastDate, type Me } from './coding.ts';
import type { FieldSpec } from './versions.ts';

const CLINICAL = 'condition-clinical';
const VERIFICATION = 'condition-ver-status';

export const PROBLEM_CLINICAL = { active: 'Active', recurrence: 'Recurrence', relapse: 'Relapse', inactive: 'Inactive', remission: 'Remission', resolved: 'Resolved' } as const;
export type ProblemClinical = keyof typeof PROBLEM_CLINICAL;
const ENDED: ReadonlySet<string> = new Set(['inactive', 'remission', 'resolved']);

export interface ProblemForm {
  code: Coding | undefined;
  onset: string;
  clinical: ProblemClinical;
  note: string;
}

export const EMPTY_PROBLEM: ProblemForm = { code: undefined, onset: '', clinical: 'active', note: '' };
export type ProblemErrors = Partial<Record<keyof ProblemForm, string>>;

export function validateProblem(f: ProblemForm, now: Date = new Date()): ProblemErrors {
  const e: ProblemErrors = {};
  if (!f.code?.code) e.code = 'Choose an ICD-10-CM diagnosis';
  if (f.onset && !validPastDate(f.onset, today(now))) e.onset = 'Enter a real date that is not in the future';
  return e;
}

export function problemForm(c: Condition): ProblemForm {
  return {
    code: codingFromConcept(c.code, ICD10CM),
    onset: c.onsetDateTime?.slice(0, 10) ?? '',
    clinical: (Object.keys(PROBLEM_CLINICAL) as ProblemClinical[]).find((k) => k === codeOf(c.clinicalStatus)) ?? 'active',
    note: c.note?.map((n) => n.text).join('\n') ?? '',
  };
}

export function problemResource(f: ProblemForm, patientId: string, me: Me | undefined, base?: Condition, now: Date = new Date()): Condition {
  const { onsetDateTime: _o, note: _n, abatementDateTime: abatement, ...kept } = base ?? ({} as Partial<Condition>);
  const ended = ENDED.has(f.clinical);
  const c: Condition = {
    ...kept,
    resourceType: 'Condition',
    subject: base?.subject ?? { reference: `Patient/${patientId}` },
    category: base?.category ?? [hl7Concept('condition-category', 'problem-list-item', 'Problem List Item')],
    code: conceptFromCoding(f.code ?? { display: '' }),
    clinicalStatus: hl7Concept(CLINICAL, f.clinical, PROBLEM_CLINICAL[f.clinical]),
    verificationStatus: base?.verificationStatus ?? hl7Concept(VERIFICATION, 'confirmed', 'Confirmed'),
    ...(f.onset ? { onsetDateTime: f.onset } : {}),
    // FHIR con-4: an abatement only goes with an ended status.
    ...(ended && abatement ? { abatementDateTime: abatement } : {}),
    ...(f.note.trim() ? { note: [{ text: f.note.trim() }] } : {}),
  };
  if (!base) {
    c.recordedDate = now.toISOString();
    if (me) {
      c.recorder = me;
      c.asserter = me;
    }
  }
  return c;
}

/** Resolved on `date` (today unless told). */
export function resolveProblem(c: Condition, date: string): Condition {
  return { ...c, clinicalStatus: hl7Concept(CLINICAL, 'resolved', 'Resolved'), abatementDateTime: date };
}

/** Recorded by mistake: verification entered-in-error, and (FHIR con-5) no clinical status. */
export function problemEnteredInError(c: Condition): Condition {
  const { clinicalStatus: _c, ...rest } = c;
  return { ...rest, verificationStatus: hl7Concept(VERIFICATION, 'entered-in-error', 'Entered in Error') };
}

export function problemStatus(c: Condition): ListStatus {
  if (codeOf(c.verificationStatus) === 'entered-in-error') return { label: 'Entered in error', tone: 'error' };
  const s = codeOf(c.clinicalStatus);
  if (s && ENDED.has(s)) return { label: PROBLEM_CLINICAL[s as ProblemClinical], tone: 'inactive' };
  return { label: s ? (PROBLEM_CLINICAL[s as ProblemClinical] ?? s) : 'Active', tone: 'active' };
}

export const PROBLEM_FIELDS: readonly FieldSpec<Condition>[] = [
  { label: 'Problem', read: (c) => conceptText(c.code) + (codeOf(c.code, ICD10CM) ? ` (ICD-10-CM ${codeOf(c.code, ICD10CM)})` : '') },
  { label: 'Clinical status', read: (c) => PROBLEM_CLINICAL[codeOf(c.clinicalStatus) as ProblemClinical] ?? codeOf(c.clinicalStatus) },
  { label: 'Verification', read: (c) => (codeOf(c.verificationStatus) === 'entered-in-error' ? 'Entered in error' : c.verificationStatus?.coding?.[0]?.display ?? codeOf(c.verificationStatus)) },
  { label: 'Onset', read: (c) => formatDate(c.onsetDateTime) },
  { label: 'Resolved on', read: (c) => formatDate(c.abatementDateTime) },
  { label: 'Note', read: (c) => c.note?.map((n) => n.text).join('\n') },
];
