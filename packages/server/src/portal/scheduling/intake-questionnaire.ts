/**
 * The pre-visit intake form (`Questionnaire/pre-visit-intake`), stored at every start: what brings
 * the patient in, symptoms and for how long, changes to medications and allergies since the last
 * visit, pain (0-10), the PHQ-2 depression screen (LOINC 55757-9 with its answer list LL358-3) and
 * the preferred pharmacy. The intake companion validates answers against this same definition.
 */
import type { Coding, Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { INTAKE_QUESTIONNAIRE_ID, INTAKE_QUESTIONNAIRE_URL } from './codes.ts';

const LOINC = 'http://loinc.org';
const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';

/** PHQ-2 answers (LOINC answer list LL358-3). */
export const PHQ_ANSWERS: readonly Coding[] = [
  { system: LOINC, code: 'LA6568-5', display: 'Not at all' },
  { system: LOINC, code: 'LA6569-3', display: 'Several days' },
  { system: LOINC, code: 'LA6570-1', display: 'More than half the days' },
  { system: LOINC, code: 'LA6571-9', display: 'Nearly every day' },
];

const DURATION_SYSTEM = 'urn:continuum:symptom-duration';
const DURATIONS: readonly Coding[] = [
  { system: DURATION_SYSTEM, code: 'days', display: 'A few days' },
  { system: DURATION_SYSTEM, code: 'weeks', display: 'One to four weeks' },
  { system: DURATION_SYSTEM, code: 'months', display: 'More than a month' },
];

/** A yes/no question and the free-text detail asked only after "yes". */
function withDetail(linkId: string, text: string, detail: string): QuestionnaireItem[] {
  return [
    { linkId, text, type: 'boolean' },
    { linkId: `${linkId}-detail`, text: detail, type: 'text', enableWhen: [{ question: linkId, operator: '=', answerBoolean: true }] },
  ];
}

export const INTAKE_QUESTIONNAIRE: Questionnaire = {
  resourceType: 'Questionnaire',
  id: INTAKE_QUESTIONNAIRE_ID,
  url: INTAKE_QUESTIONNAIRE_URL,
  version: '1',
  name: 'PreVisitIntake',
  title: 'Pre-visit intake',
  status: 'active',
  subjectType: ['Patient'],
  description: 'Questions a patient answers before a visit, reviewed by the clinician beforehand.',
  item: [
    { linkId: 'reason', text: 'What is the main reason for your visit?', type: 'text', required: true },
    { linkId: 'symptoms', text: 'Describe any symptoms you have', type: 'text' },
    { linkId: 'symptom-duration', text: 'How long have you had them?', type: 'choice', answerOption: DURATIONS.map((valueCoding) => ({ valueCoding })) },
    ...withDetail('medication-changes', 'Have your medications changed since your last visit?', 'What changed?'),
    ...withDetail('allergy-changes', 'Do you have any new allergies?', 'Which allergies?'),
    {
      linkId: 'pain',
      text: 'Pain today, from 0 (none) to 10 (worst imaginable)',
      type: 'integer',
      extension: [{ url: MIN_VALUE, valueInteger: 0 }, { url: MAX_VALUE, valueInteger: 10 }],
    },
    {
      linkId: 'phq2-1',
      code: [{ system: LOINC, code: '44250-9', display: 'Little interest or pleasure in doing things' }],
      text: 'Over the last 2 weeks, how often have you had little interest or pleasure in doing things?',
      type: 'choice',
      answerOption: PHQ_ANSWERS.map((valueCoding) => ({ valueCoding })),
    },
    {
      linkId: 'phq2-2',
      code: [{ system: LOINC, code: '44255-8', display: 'Feeling down, depressed, or hopeless' }],
      text: 'Over the last 2 weeks, how often have you been feeling down, depressed, or hopeless?',
      type: 'choice',
      answerOption: PHQ_ANSWERS.map((valueCoding) => ({ valueCoding })),
    },
    { linkId: 'pharmacy', text: 'Preferred pharmacy', type: 'string' },
  ],
};

export const RANGE_EXTENSIONS = { min: MIN_VALUE, max: MAX_VALUE };
