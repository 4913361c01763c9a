/**
 * The allergy list's rules, without React: the form's values, checking them, building the
 * AllergyIntolerance they describe (a new one, or an edit that keeps what the form does not
 * show), resolving and marking entered-in-error, how an entry reads for people (its fields, for
 * history and conflicts), and list order (active first).
 */
import type { AllergyIntolerance, Coding } from '@medplum/fhirtypes';
import { conceptText, formatDate } from '../../fhir/format.ts';
import { RXNORM } from '../../fhir/terminology.ts';
import { codeOf, codingFromConcept, conceptFromCoding, hl7Concept, today, validPastDate, type Me } from './coding.ts';
import type { FieldSpec } from './versions.ts';

const CLINICAL = 'allergyintolerance-clinical';
const VERIFICATION = 'allergyintolerance-verification';

export type AllergyClinical = 'active' | 'inactive' | 'resolved';
export type AllergyVerification = 'unconfirmed' | 'confirmed' | 'refuted';

export const CLINICAL_LABELS: Record<AllergyClinical, string> = { active: 'Active', inactive: 'Inactive', resolved: 'Resolved' };
export const VERIFICATION_LABELS: Record<AllergyVerification, string> = { unconfirmed: 'Unconfirmed', confirmed: 'Confirmed', refuted: 'Refuted' };
export const CATEGORY_LABELS = { medication: 'Medication', food: 'Food', environment: 'Environment', biologic: 'Biologic' } as const;
export const CRITICALITY_LABELS = { low: 'Low risk', high: 'High risk', 'unable-to-assess': 'Unable to assess' } as const;
export const SEVERITY_LABELS = { mild: 'Mild', moderate: 'Moderate', severe: 'Severe' } as const;
export const TYPE_LABELS = { allergy: 'Allergy', intolerance: 'Intolerance' } as const;

export interface AllergyForm {
  substance: Coding | undefined;
  type: keyof typeof TYPE_LABELS | '';
  category: keyof typeof CATEGORY_LABELS | '';
  criticality: keyof typeof CRITICALITY_LABELS | '';
  manifestation: string;
  severity: keyof typeof SEVERITY_LABELS | '';
  verification: AllergyVerification;
  clinical: AllergyClinical;
  onset: string;
  note: string;
}

export const EMPTY_ALLERGY: AllergyForm = {
  substance: undefined,
  type: 'allergy',
  category: 'medication',
  criticality: '',
  manifestation: '',
  severity: '',
  verification: 'confirmed',
  clinical: 'active',
  onset: '',
  note: '',
};

export type AllergyErrors = Partial<Record<keyof AllergyForm, string>>;

export function validateAllergy(f: AllergyForm, now: Date = new Date()): AllergyErrors {
  const e: AllergyErrors = {};
  if (!f.substance?.display && !f.substance?.code) e.substance = 'Choose the substance, or type its name and keep it without a code';
  if (f.severity && !f.manifestation.trim()) e.manifestation = 'Describe the reaction to record its severity';
  if (f.onset && !validPastDate(f.onset, today(now))) e.onset = 'Enter a real date that is not in the future';
  return e;
}

export function allergyForm(a: AllergyIntolerance): AllergyForm {
  const reaction = a.reaction?.[0];
  return {
    substance: codingFromConcept(a.code, RXNORM),
    type: a.type ?? '',
    category: a.category?.[0] ?? '',
    criticality: a.criticality ?? '',
    manifestation: reaction?.manifestation.map(conceptText).join(', ') ?? '',
    severity: reaction?.severity ?? '',
    verification: (['unconfirmed', 'confirmed', 'refuted'] as const).find((v) => v === codeOf(a.verificationStatus)) ?? 'unconfirmed',
    clinical: (['active', 'inactive', 'resolved'] as const).find((v) => v === codeOf(a.clinicalStatus)) ?? 'active',
    onset: a.onsetDateTime?.slice(0, 10) ?? '',
    note: a.note?.map((n) => n.text).join('\n') ?? '',
  };
}

/** The AllergyIntolerance the form describes: new (recorded by `me` now), or `base` edited. */
export function allergyResource(f: AllergyForm, patientId: string, me: Me | undefined, base?: AllergyIntolerance, now: Date = new Date()): AllergyIntolerance {
  const { type: _t, category: _c, criticality: _k, reaction: _r, onsetDateTime: _o, note: _n, ...kept } = base ?? ({} as Partial<AllergyIntolerance>);
  const a: AllergyIntolerance = {
    ...kept,
    resourceType: 'AllergyIntolerance',
    patient: base?.patient ?? { reference: `Patient/${patientId}` },
    code: conceptFromCoding(f.substance ?? { display: '' }),
    clinicalStatus: hl7Concept(CLINICAL, f.clinical, CLINICAL_LABELS[f.clinical]),
    verificationStatus: hl7Concept(VERIFICATION, f.verification, VERIFICATION_LABELS[f.verification]),
    ...(f.type ? { type: f.type } : {}),
    ...(f.category ? { category: [f.category] } : {}),
    ...(f.criticality ? { criticality: f.criticality } : {}),
    ...(f.onset ? { onsetDateTime: f.onset } : {}),
    ...(f.manifestation.trim() ? { reaction: [{ manifestation: [{ text: f.manifestation.trim() }], ...(f.severity ? { severity: f.severity } : {}) }] } : {}),
    ...(f.note.trim() ? { note: [{ text: f.note.trim() }] } : {}),
  };
  if (!base) {
    a.recordedDate = now.toISOString();
    if (me) a.recorder = me;
  }
  return a;
}

/** No longer a concern: clinical status resolved (or inactive). */
export function resolveAllergy(a: AllergyIntolerance, status: 'resolved' | 'inactive' = 'resolved'): AllergyIntolerance {
  return { ...a, clinicalStatus: hl7Concept(CLINICAL, status, CLINICAL_LABELS[status]) };
}

/** Recorded by mistake: verification entered-in-error, and (FHIR ait-2) no clinical status. */
export function allergyEnteredInError(a: AllergyIntolerance): AllergyIntolerance {
  const { clinicalStatus: _c, ...rest } = a;
  return { ...rest, verificationStatus: hl7Concept(VERIFICATION, 'entered-in-error', 'Entered in error') };
}

export type ListStatus = { label: string; tone: 'active' | 'inactive' | 'error' | 'warning' };

export function allergyStatus(a: AllergyIntolerance): ListStatus {
  const v = codeOf(a.verificationStatus);
  if (v === 'entered-in-error') return { label: 'Entered in error', tone: 'error' };
  if (v === 'refuted') return { label: 'Refuted', tone: 'inactive' };
  const c = codeOf(a.clinicalStatus);
  if (c === 'resolved') return { label: 'Resolved', tone: 'inactive' };
  if (c === 'inactive') return { label: 'Inactive', tone: 'inactive' };
  return { label: v === 'unconfirmed' ? 'Active · unconfirmed' : 'Active', tone: 'active' };
}

export const ALLERGY_FIELDS: readonly FieldSpec<AllergyIntolerance>[] = [
  { label: 'Substance', read: (a) => conceptText(a.code) + (codeOf(a.code, RXNORM) ? ` (RxNorm ${codeOf(a.code, RXNORM)})` : '') },
  { label: 'Clinical status', read: (a) => CLINICAL_LABELS[codeOf(a.clinicalStatus) as AllergyClinical] ?? codeOf(a.clinicalStatus) },
  { label: 'Verification', read: (a) => (codeOf(a.verificationStatus) === 'entered-in-error' ? 'Entered in error' : (VERIFICATION_LABELS[codeOf(a.verificationStatus) as AllergyVerification] ?? codeOf(a.verificationStatus))) },
  { label: 'Type', read: (a) => (a.type ? TYPE_LABELS[a.type] : undefined) },
  { label: 'Category', read: (a) => a.category?.map((c) => CATEGORY_LABELS[c]).join(', ') },
  { label: 'Criticality', read: (a) => (a.criticality ? CRITICALITY_LABELS[a.criticality] : undefined) },
  { label: 'Reaction', read: (a) => a.reaction?.map((r) => r.manifestation.map(conceptText).join(', ')).join('; ') },
  { label: 'Severity', read: (a) => a.reaction?.map((r) => (r.severity ? SEVERITY_LABELS[r.severity] : '')).join('; ') },
  { label: 'Onset', read: (a) => formatDate(a.onsetDateTime) },
  { label: 'Note', read: (a) => a.note?.map((n) => n.text).join('\n') },
];
