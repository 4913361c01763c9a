/** The intake as the clinician reads it: answers in words in the form's order, follow-ups only when they applied, the PHQ-2 score, and which Tasks are intake reviews. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Questionnaire, QuestionnaireResponse, Task } from '@medplum/fhirtypes';
import { intakeLines, intakeOf, phq2Score } from '../../src/intake/intake-model.ts';

const form: Questionnaire = {
  resourceType: 'Questionnaire',
  status: 'active',
  item: [
    { linkId: 'reason', text: 'Reason', type: 'text', required: true },
    { linkId: 'medication-changes', text: 'Medication changes?', type: 'boolean' },
    { linkId: 'medication-changes-detail', text: 'What changed?', type: 'text', enableWhen: [{ question: 'medication-changes', operator: '=', answerBoolean: true }] },
    { linkId: 'pain', text: 'Pain', type: 'integer' },
    { linkId: 'pharmacy', text: 'Pharmacy', type: 'string' },
  ],
};

const phq = (first: string, second?: string): QuestionnaireResponse => ({
  resourceType: 'QuestionnaireResponse',
  status: 'completed',
  item: [
    { linkId: 'phq2-1', answer: [{ valueCoding: { system: 'http://loinc.org', code: first } }] },
    ...(second ? [{ linkId: 'phq2-2', answer: [{ valueCoding: { system: 'http://loinc.org', code: second } }] }] : []),
  ],
});

it("lists the form's questions with the answers in words, leaving out a follow-up that did not apply", () => {
  const response: QuestionnaireResponse = {
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    item: [
      { linkId: 'pain', answer: [{ valueInteger: 4 }] },
      { linkId: 'reason', answer: [{ valueString: 'Cough' }] },
      { linkId: 'medication-changes', answer: [{ valueBoolean: false }] },
    ],
  };
  assert.deepEqual(intakeLines(form, response), [
    { linkId: 'reason', question: 'Reason', answer: 'Cough' },
    { linkId: 'medication-changes', question: 'Medication changes?', answer: 'No' },
    { linkId: 'pain', question: 'Pain', answer: '4' },
    { linkId: 'pharmacy', question: 'Pharmacy', answer: undefined },
  ]);
});

it('scores the PHQ-2 from its LOINC answers (0 to 3 each), only when both are answered', () => {
  assert.equal(phq2Score(phq('LA6568-5', 'LA6569-3')), 1);
  assert.equal(phq2Score(phq('LA6571-9', 'LA6570-1')), 5);
  assert.equal(phq2Score(phq('LA6571-9')), undefined);
});

it('finds the response an intake-review Task is about, and nothing for other Tasks', () => {
  const task = (code: string): Task => ({ resourceType: 'Task', status: 'requested', intent: 'order', code: { coding: [{ system: 'urn:continuum:task-code', code }] }, focus: { reference: 'QuestionnaireResponse/qr1' } });
  assert.equal(intakeOf(task('intake-review')), 'qr1');
  assert.equal(intakeOf(task('result-review')), undefined);
});
