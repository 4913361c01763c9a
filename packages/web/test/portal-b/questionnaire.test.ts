/**
 * The generic questionnaire form's rules: enableWhen (=, exists, ordering, any/all), required
 * and number checks (whole numbers, min/max extensions) on shown items only, the
 * QuestionnaireResponse a submission posts (hidden items dropped, choices as their codings, the
 * intake-appointment extension), which appointments already have a form, and the server's 422
 * issues placed on their items.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { appointmentsWithIntake, buildResponse, INTAKE_APPOINTMENT_EXT, isEnabled, issuesByItem, validate } from '../../src/portal/b/intake/questionnaire.ts';

const LOINC = 'http://loinc.org';
const QUESTIONNAIRE: Questionnaire = {
  resourceType: 'Questionnaire',
  status: 'active',
  url: 'https://continuum.dev/fhir/Questionnaire/pre-visit-intake',
  item: [
    { linkId: 'reason', type: 'text', text: 'Reason', required: true },
    { linkId: 'medication-changes', type: 'boolean', text: 'Medication changes?' },
    { linkId: 'medication-changes-detail', type: 'text', text: 'Which?', required: true, enableWhen: [{ question: 'medication-changes', operator: '=', answerBoolean: true }] },
    {
      linkId: 'pain',
      type: 'integer',
      text: 'Pain 0-10',
      extension: [
        { url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueInteger: 0 },
        { url: 'http://hl7.org/fhir/StructureDefinition/maxValue', valueInteger: 10 },
      ],
    },
    { linkId: 'phq2-1', type: 'choice', text: 'Little interest', answerOption: [{ valueCoding: { system: LOINC, code: 'LA6568-5', display: 'Not at all' } }, { valueCoding: { system: LOINC, code: 'LA6569-3', display: 'Several days' } }] },
    { linkId: 'pharmacy', type: 'string', text: 'Pharmacy' },
  ],
};
const item = (linkId: string): QuestionnaireItem => QUESTIONNAIRE.item!.find((i) => i.linkId === linkId)!;

describe('enableWhen', () => {
  it('shows a follow-up only for the answer it depends on', () => {
    const detail = item('medication-changes-detail');
    assert.equal(isEnabled(detail, {}), false);
    assert.equal(isEnabled(detail, { 'medication-changes': false }), false);
    assert.equal(isEnabled(detail, { 'medication-changes': true }), true);
  });

  it('supports exists, ordering, and any versus all', () => {
    const when = (extra: Partial<QuestionnaireItem>): QuestionnaireItem => ({ linkId: 'x', type: 'string', ...extra });
    assert.equal(isEnabled(when({ enableWhen: [{ question: 'pharmacy', operator: 'exists', answerBoolean: true }] }), { pharmacy: 'Main St' }), true);
    assert.equal(isEnabled(when({ enableWhen: [{ question: 'pharmacy', operator: 'exists', answerBoolean: false }] }), { pharmacy: 'Main St' }), false);
    assert.equal(isEnabled(when({ enableWhen: [{ question: 'pain', operator: '>=', answerInteger: 7 }] }), { pain: 7 }), true);
    assert.equal(isEnabled(when({ enableWhen: [{ question: 'pain', operator: '>=', answerInteger: 7 }] }), { pain: 6 }), false);
    const two = [
      { question: 'pain', operator: '>' as const, answerInteger: 3 },
      { question: 'phq2-1', operator: '=' as const, answerCoding: { system: LOINC, code: 'LA6569-3' } },
    ];
    assert.equal(isEnabled(when({ enableWhen: two, enableBehavior: 'any' }), { pain: 5 }), true);
    assert.equal(isEnabled(when({ enableWhen: two, enableBehavior: 'all' }), { pain: 5 }), false);
    assert.equal(isEnabled(when({ enableWhen: two, enableBehavior: 'all' }), { pain: 5, 'phq2-1': 'LA6569-3' }), true);
  });
});

describe('validation', () => {
  it('asks for required answers, but not for hidden items', () => {
    assert.deepEqual(validate(QUESTIONNAIRE, {}), { reason: 'Please answer this question.' });
    assert.deepEqual(validate(QUESTIONNAIRE, { reason: 'Cough', 'medication-changes': true }), { 'medication-changes-detail': 'Please answer this question.' });
    assert.deepEqual(validate(QUESTIONNAIRE, { reason: 'Cough', 'medication-changes': true, 'medication-changes-detail': 'Stopped statin' }), {});
  });

  it('checks whole numbers and the min/max range', () => {
    assert.deepEqual(validate(QUESTIONNAIRE, { reason: 'x', pain: 11 }), { pain: 'Please enter 10 or less.' });
    assert.deepEqual(validate(QUESTIONNAIRE, { reason: 'x', pain: -1 }), { pain: 'Please enter 0 or more.' });
    assert.deepEqual(validate(QUESTIONNAIRE, { reason: 'x', pain: 2.5 }), { pain: 'Please enter a whole number.' });
    assert.deepEqual(validate(QUESTIONNAIRE, { reason: 'x', pain: 0 }), {});
  });
});

describe('the response', () => {
  it('answers the shown items, choices as codings, linked to the appointment', () => {
    const answers = { reason: 'Cough for a week', 'medication-changes': false, 'medication-changes-detail': 'left over from before', pain: 3, 'phq2-1': 'LA6569-3', pharmacy: '' };
    const response = buildResponse(QUESTIONNAIRE, answers, { questionnaireUrl: QUESTIONNAIRE.url!, patientId: 'p1', author: 'RelatedPerson/rp1', appointmentId: 'a9', now: new Date('2026-03-10T15:00:00Z') });
    assert.equal(response.status, 'completed');
    assert.equal(response.questionnaire, 'https://continuum.dev/fhir/Questionnaire/pre-visit-intake');
    assert.deepEqual(response.subject, { reference: 'Patient/p1' });
    assert.deepEqual(response.author, { reference: 'RelatedPerson/rp1' });
    assert.equal(response.authored, '2026-03-10T15:00:00.000Z');
    assert.deepEqual(response.extension, [{ url: INTAKE_APPOINTMENT_EXT, valueReference: { reference: 'Appointment/a9' } }]);
    // The detail is hidden (no medication changes) and the pharmacy is blank: neither is sent.
    assert.deepEqual(
      response.item?.map((i) => [i.linkId, i.answer]),
      [
        ['reason', [{ valueString: 'Cough for a week' }]],
        ['medication-changes', [{ valueBoolean: false }]],
        ['pain', [{ valueInteger: 3 }]],
        ['phq2-1', [{ valueCoding: { system: LOINC, code: 'LA6569-3', display: 'Several days' } }]],
      ],
    );
  });

  it('knows which appointments already have a completed form', () => {
    const linked = (appointment: string, status: 'completed' | 'in-progress') => ({ resourceType: 'QuestionnaireResponse' as const, status, extension: [{ url: INTAKE_APPOINTMENT_EXT, valueReference: { reference: `Appointment/${appointment}` } }] });
    assert.deepEqual([...appointmentsWithIntake([linked('a1', 'completed'), linked('a2', 'in-progress'), { resourceType: 'QuestionnaireResponse', status: 'completed' }])], ['a1']);
  });
});

describe("the server's 422", () => {
  it('puts each issue under the item its expression names; the rest are general', () => {
    const issues = issuesByItem(
      {
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'error', code: 'required', diagnostics: 'Reason is required', expression: ["QuestionnaireResponse.item.where(linkId='reason')"] },
          { severity: 'error', code: 'value', diagnostics: 'Pain must be between 0 and 10', location: ['pain'] },
          { severity: 'error', code: 'invalid', diagnostics: 'The appointment is not yours' },
        ],
      },
      ['reason', 'pain', 'pharmacy'],
    );
    assert.deepEqual(issues, { reason: 'Reason is required', pain: 'Pain must be between 0 and 10', '': 'The appointment is not yours' });
  });
});
