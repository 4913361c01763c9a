/**
 * The intake companion (see store/companions.ts): a QuestionnaireResponse to the pre-visit intake
 * form is checked against the form (intake-validation.ts) and must name, with the
 * intake-appointment extension, an Appointment of its own subject; anything else fails the write
 * with a 422, so no invalid intake is ever stored. When the response becomes `completed`, the
 * same transaction creates a Task `intake-review` for the appointment's practitioner ("Review
 * pre-visit intake", focus the response), which the clinician completes once reviewed. Responses
 * to other forms pass untouched.
 */
import type { Appointment, Practitioner, QuestionnaireResponse, Reference, Task } from '@medplum/fhirtypes';
import { invalidResource, isOutcomeError, unprocessable } from '@continuum/fhir';
import type { Companion, CompanionWrite } from '../../store/companions.ts';
import type { Repository } from '../../store/repository.ts';
import { INTAKE_APPOINTMENT_EXTENSION, INTAKE_QUESTIONNAIRE_URL, INTAKE_REVIEW } from './codes.ts';
import { INTAKE_QUESTIONNAIRE } from './intake-questionnaire.ts';
import { intakeProblems } from './intake-validation.ts';

const isIntake = (qr: QuestionnaireResponse): boolean => (qr.questionnaire ?? '').split('|')[0] === INTAKE_QUESTIONNAIRE_URL;

/** The appointment the intake is for; it must exist and have the response's subject among its participants. */
async function intakeAppointment(repo: Repository, qr: QuestionnaireResponse): Promise<Appointment> {
  const ref = qr.extension?.find((e) => e.url === INTAKE_APPOINTMENT_EXTENSION)?.valueReference?.reference ?? '';
  const [type, id, ...rest] = ref.split('/');
  if (type !== 'Appointment' || !id || rest.length > 0) {
    throw unprocessable('An intake form must name its appointment (extension intake-appointment, a Reference(Appointment))', ['QuestionnaireResponse.extension']);
  }
  const appointment = (await repo.read('Appointment', id).catch((err: unknown) => {
    if (isOutcomeError(err)) throw unprocessable(`The intake form's appointment (${ref}) is not known`, ['QuestionnaireResponse.extension']);
    throw err;
  })) as Appointment;
  const subject = qr.subject?.reference;
  if (!subject?.startsWith('Patient/') || !appointment.participant.some((p) => p.actor?.reference === subject)) {
    throw unprocessable(`The intake form's appointment (${ref}) is not an appointment of its subject`, ['QuestionnaireResponse.subject']);
  }
  if (appointment.status === 'cancelled' || appointment.status === 'noshow' || appointment.status === 'entered-in-error') {
    throw unprocessable(`The intake form's appointment (${ref}) is ${appointment.status}`, ['QuestionnaireResponse.extension']);
  }
  return appointment;
}

const wasCompleted = async (repo: Repository, id: string, previousVersion: number): Promise<boolean> => {
  if (previousVersion === 0) return false;
  const before = await repo.vreadStored('QuestionnaireResponse', id, String(previousVersion));
  return before.content !== null && (JSON.parse(before.content) as QuestionnaireResponse).status === 'completed';
};

export const intakeCompanion: Companion = async ({ resource, id, previousVersion }, repo): Promise<CompanionWrite[]> => {
  if (resource?.resourceType !== 'QuestionnaireResponse' || !isIntake(resource)) return [];
  const problems = intakeProblems(INTAKE_QUESTIONNAIRE, resource);
  if (problems.length > 0) throw invalidResource(problems, 422);
  const appointment = await intakeAppointment(repo, resource);
  if (resource.status !== 'completed' || (await wasCompleted(repo, id, previousVersion))) return [];
  const practitioner = appointment.participant.find((p) => p.actor?.reference?.startsWith('Practitioner/'))?.actor;
  const owner: Reference<Practitioner> | undefined = practitioner ? { reference: practitioner.reference!, ...(practitioner.display ? { display: practitioner.display } : {}) } : undefined;
  const task: Task = {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [INTAKE_REVIEW], text: INTAKE_REVIEW.display! },
    description: INTAKE_REVIEW.display!,
    for: resource.subject!,
    focus: { reference: `QuestionnaireResponse/${id}` },
    ...(owner ? { owner } : {}),
    ...(resource.author ? { requester: resource.author } : {}),
    authoredOn: new Date().toISOString(),
    ...(appointment.start ? { restriction: { period: { end: appointment.start } } } : {}),
  };
  return [{ resource: task }];
};
