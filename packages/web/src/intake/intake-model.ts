/**
 * A pre-visit intake as the clinician reads it (no I/O but `loadIntake`): each question of the
 * form with the patient's answer in words, in the form's order ("Not answered" for a skipped one,
 * nothing for a follow-up question that did not apply), the PHQ-2 score, and the review Task.
 * Everything is read through the FHIR API: the response, its form, patient, appointment and Task.
 */
import type { Appointment, Patient, Questionnaire, QuestionnaireResponse, QuestionnaireResponseItemAnswer, Task } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';
import { TASK_CODES } from '../inbox/review-task.ts';

export const INTAKE_APPOINTMENT_EXTENSION = 'https://continuum.dev/fhir/StructureDefinition/intake-appointment';
export const INTAKE_REVIEW = { system: TASK_CODES, code: 'intake-review' } as const;
const PHQ_POINTS: Readonly<Record<string, number>> = { 'LA6568-5': 0, 'LA6569-3': 1, 'LA6570-1': 2, 'LA6571-9': 3 };

export interface IntakeLine {
  linkId: string;
  question: string;
  answer: string | undefined;
}

function answerText(a: QuestionnaireResponseItemAnswer): string {
  if (a.valueBoolean !== undefined) return a.valueBoolean ? 'Yes' : 'No';
  if (a.valueCoding) return a.valueCoding.display ?? a.valueCoding.code ?? '';
  if (a.valueInteger !== undefined) return String(a.valueInteger);
  return a.valueString ?? a.valueDate ?? a.valueDateTime ?? (a.valueDecimal !== undefined ? String(a.valueDecimal) : '');
}

/** The form's questions with their answers; a follow-up that did not apply (its condition false, no answer) is left out. */
export function intakeLines(form: Questionnaire, response: QuestionnaireResponse): IntakeLine[] {
  const given = new Map((response.item ?? []).map((i) => [i.linkId, i.answer ?? []]));
  return (form.item ?? []).flatMap((item) => {
    const answers = given.get(item.linkId) ?? [];
    const conditional = (item.enableWhen ?? []).length > 0;
    if (conditional && answers.length === 0) return [];
    return [{ linkId: item.linkId, question: item.text ?? item.linkId, answer: answers.length > 0 ? answers.map(answerText).join(', ') : undefined }];
  });
}

/** The PHQ-2 total (0-6) when both questions are answered; 3 or more is a positive screen. */
export function phq2Score(response: QuestionnaireResponse): number | undefined {
  let total = 0;
  for (const linkId of ['phq2-1', 'phq2-2']) {
    const code = response.item?.find((i) => i.linkId === linkId)?.answer?.[0]?.valueCoding?.code;
    const points = code === undefined ? undefined : PHQ_POINTS[code];
    if (points === undefined) return undefined;
    total += points;
  }
  return total;
}

export interface Intake {
  response: QuestionnaireResponse;
  form: Questionnaire;
  patient: Patient | undefined;
  appointment: Appointment | undefined;
  /** The intake-review Tasks of this response (normally one). */
  tasks: Task[];
}

/** The QuestionnaireResponse id an intake-review Task is about, or undefined for any other Task. */
export function intakeOf(task: Task): string | undefined {
  const isIntake = task.code?.coding?.some((c) => c.system === INTAKE_REVIEW.system && c.code === INTAKE_REVIEW.code);
  return isIntake ? idOf(task.focus?.reference, 'QuestionnaireResponse') : undefined;
}

const idOf = (reference: string | undefined, type: string): string | undefined =>
  reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;

export async function loadIntake(client: FhirClient, id: string, signal?: AbortSignal): Promise<Intake> {
  const response = await client.read('QuestionnaireResponse', id, signal);
  const formUrl = (response.questionnaire ?? '').split('|')[0] ?? '';
  const patientId = idOf(response.subject?.reference, 'Patient');
  const appointmentId = idOf(response.extension?.find((e) => e.url === INTAKE_APPOINTMENT_EXTENSION)?.valueReference?.reference, 'Appointment');
  const [forms, patient, appointment, tasks] = await Promise.all([
    client.searchResources('Questionnaire', { url: formUrl, _count: '1' }, signal),
    patientId ? client.read('Patient', patientId, signal) : Promise.resolve(undefined),
    appointmentId ? client.read('Appointment', appointmentId, signal).catch(() => undefined) : Promise.resolve(undefined),
    client.searchResources('Task', { focus: `QuestionnaireResponse/${id}`, code: `${INTAKE_REVIEW.system}|${INTAKE_REVIEW.code}` }, signal),
  ]);
  const form = forms[0];
  if (!form) throw new Error(`The form this intake answers (${formUrl}) is not stored`);
  return { response, form, patient, appointment, tasks };
}
