/**
 * The note templates a clinician starts from: each is a LOINC document type and its sections,
 * with the LOINC section codes the C-CDA and US Core documents use, and a hint of what goes in
 * each. A SOAP note is a progress note (11506-3) laid out Subjective / Objective / Assessment /
 * Plan. It does no I/O.
 */
import type { Coding } from '@medplum/fhirtypes';

export const LOINC = 'http://loinc.org';

export interface SectionTemplate {
  /** Stable key within the template (also the section's id in the editor). */
  key: string;
  title: string;
  /** LOINC section code. */
  code: string;
  hint: string;
}

export interface NoteTemplate {
  id: 'soap' | 'progress' | 'hp' | 'procedure';
  /** What the note is called on screen, and its Composition.title. */
  title: string;
  /** The document type (LOINC). */
  type: Coding;
  sections: SectionTemplate[];
}

const section = (key: string, title: string, code: string, hint: string): SectionTemplate => ({ key, title, code, hint });

export const NOTE_TEMPLATES: readonly NoteTemplate[] = [
  {
    id: 'soap',
    title: 'SOAP note',
    type: { system: LOINC, code: '11506-3', display: 'Progress note' },
    sections: [
      section('subjective', 'Subjective', '61150-9', 'Symptoms and history in the patient’s words'),
      section('objective', 'Objective', '61149-1', 'Examination findings, vitals and results'),
      section('assessment', 'Assessment', '51848-0', 'Diagnoses and clinical impression'),
      section('plan', 'Plan', '18776-5', 'Treatment, orders, education and follow-up'),
    ],
  },
  {
    id: 'progress',
    title: 'Progress note',
    type: { system: LOINC, code: '11506-3', display: 'Progress note' },
    sections: [
      section('interval', 'Interval history', '10164-2', 'What changed since the last visit'),
      section('exam', 'Physical exam', '29545-1', 'Findings'),
      section('assessment-plan', 'Assessment and plan', '51847-2', 'Impression and next steps'),
    ],
  },
  {
    id: 'hp',
    title: 'History and physical',
    type: { system: LOINC, code: '34117-2', display: 'History and physical note' },
    sections: [
      section('chief-complaint', 'Chief complaint', '10154-3', 'Reason for the visit'),
      section('hpi', 'History of present illness', '10164-2', 'Onset, course, character, associated symptoms'),
      section('pmh', 'Past medical history', '11348-0', 'Conditions, surgeries, hospitalisations'),
      section('medications', 'Medications', '10160-0', 'Current medications'),
      section('allergies', 'Allergies', '48765-2', 'Allergies and reactions'),
      section('social', 'Social history', '29762-2', 'Tobacco, alcohol, occupation, living situation'),
      section('family', 'Family history', '10157-6', 'Relevant family conditions'),
      section('ros', 'Review of systems', '10187-3', 'Pertinent positives and negatives'),
      section('exam', 'Physical exam', '29545-1', 'Findings'),
      section('assessment-plan', 'Assessment and plan', '51847-2', 'Impression and next steps'),
    ],
  },
  {
    id: 'procedure',
    title: 'Procedure note',
    type: { system: LOINC, code: '28570-0', display: 'Procedure note' },
    sections: [
      section('indications', 'Indications', '59768-2', 'Why the procedure was done'),
      section('description', 'Procedure description', '29554-3', 'Consent, anaesthesia, technique'),
      section('findings', 'Findings', '59776-5', 'What was found'),
      section('complications', 'Complications', '55109-3', 'None, or what happened'),
      section('specimens', 'Specimens', '59773-2', 'Specimens removed and sent'),
      section('plan', 'Plan', '18776-5', 'Aftercare and follow-up'),
    ],
  },
];

/** The addendum's one section (LOINC 55107-7 "Addendum Document"). */
export const ADDENDUM_SECTION: SectionTemplate = section('addendum', 'Addendum', '55107-7', 'What is added to the signed note');

export function templateById(id: string): NoteTemplate | undefined {
  return NOTE_TEMPLATES.find((t) => t.id === id);
}
