/**
 * `POST /Patient/{id}/$message`: sends a portal message about a patient. Inputs `text` (required),
 * `topic` (the subject, required for a new thread), `thread` (a message of the thread being
 * answered), `recipient` (a Practitioner, patient side only) and `attachment`* (checked in
 * attachments.ts). Patients and proxies send as themselves to a practitioner: the one named
 * (care team or clinic, recipients.ts), else the thread's other party, else the patient's PCP.
 * Practitioners reply as themselves to the patient side of the thread (the patient, or the proxy
 * who wrote). Answers 201 with the stored Communication.
 */
import type { Communication, Patient, Practitioner, Reference, RelatedPerson } from '@medplum/fhirtypes';
import { badRequest, unprocessable } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { checkAttachments } from './attachments.ts';
import { callerOf, checkActsFor, checkPermits, referenceKey, type Caller } from './caller.ts';
import { OperationInputs } from '../operation-inputs.ts';
import { checkRecipient, primaryCare } from './recipients.ts';
import { nameText, PORTAL_MESSAGE, readPatientMessage, ref, threadRoot } from './thread.ts';

const OP = '$message';
export const MAX_MESSAGE_CHARS = 20_000;
export const MAX_TOPIC_CHARS = 200;
type Recipient = NonNullable<Communication['recipient']>[number];

/** The practitioner of a thread: who wrote the answered message, or whom it was written to. */
function practitionerOf(message: Communication): string | undefined {
  return [message.sender, ...(message.recipient ?? [])].map(referenceKey).find((r) => r?.startsWith('Practitioner/'));
}

async function patientSideRecipient(ctx: ApiContext, patient: Patient, inputs: OperationInputs, answered: Communication | undefined): Promise<Recipient> {
  const named = inputs.reference('recipient', ['Practitioner']);
  const chosen = named ? `Practitioner/${named.id}` : ((answered && practitionerOf(answered)) ?? primaryCare(patient));
  if (!chosen) throw unprocessable(`${OP}: choose a recipient: this patient has no primary care practitioner on record`);
  const practitioner: Practitioner = await checkRecipient(ctx, patient, chosen.slice('Practitioner/'.length), OP);
  return ref(chosen, nameText(practitioner.name));
}

function staffSideRecipient(patient: Patient, inputs: OperationInputs, answered: Communication | undefined): Recipient {
  if (inputs.reference('recipient', ['Practitioner'])) throw badRequest(`${OP}: a practitioner's message goes to the patient; 'recipient' is for patients writing to the clinic`);
  const proxy = answered?.sender?.reference?.startsWith('RelatedPerson/') ? answered.sender : undefined;
  return proxy ?? ref(`Patient/${patient.id!}`, nameText(patient.name));
}

/** The caller as a reference with their name (a practitioner, or a proxy's RelatedPerson). */
async function named(ctx: ApiContext, caller: Caller): Promise<Reference> {
  const [type, id] = caller.fhirUser.split('/') as [string, string];
  const who = (await ctx.repo.read(type, id).catch(() => undefined)) as Practitioner | RelatedPerson | undefined;
  return ref(caller.fhirUser, nameText(who?.name));
}

export async function messageOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const caller = callerOf(ctx, OP);
  checkActsFor(caller, patientId);
  checkPermits(caller, 'create', 'Communication', OP);
  const inputs = OperationInputs.read(req, OP, ['text', 'topic', 'thread', 'recipient', 'attachment']);
  const text = inputs.requiredString('text');
  if (text.length > MAX_MESSAGE_CHARS) throw badRequest(`${OP}: 'text' is longer than ${MAX_MESSAGE_CHARS} characters`);
  const attachments = checkAttachments(inputs.attachments('attachment'), OP);
  const patient = (await ctx.repo.read('Patient', patientId)) as Patient;
  const threadRef = inputs.reference('thread', ['Communication']);
  const answered = threadRef ? await readPatientMessage(ctx, patientId, threadRef.id) : undefined;
  const root = answered ? await threadRoot(ctx, patientId, answered) : undefined;
  const topic = root?.topic?.text ?? inputs.string('topic');
  if (!topic) throw badRequest(`${OP}: 'topic' is required for a new thread`);
  if (topic.length > MAX_TOPIC_CHARS) throw badRequest(`${OP}: 'topic' is longer than ${MAX_TOPIC_CHARS} characters`);
  const recipient = caller.side === 'patient' ? await patientSideRecipient(ctx, patient, inputs, answered) : staffSideRecipient(patient, inputs, answered);
  const sender = caller.fhirUser === `Patient/${patientId}` ? ref(caller.fhirUser, nameText(patient.name)) : await named(ctx, caller);
  const message: Communication = {
    resourceType: 'Communication',
    status: 'completed',
    category: [{ coding: [PORTAL_MESSAGE] }],
    subject: ref(`Patient/${patientId}`, nameText(patient.name)),
    topic: { text: topic },
    sender,
    recipient: [recipient],
    sent: new Date().toISOString(),
    payload: [{ contentString: text }, ...attachments.map((contentAttachment) => ({ contentAttachment }))],
    ...(root ? { partOf: [{ reference: `Communication/${root.id!}` }], inResponseTo: [{ reference: `Communication/${answered!.id!}` }] } : {}),
  };
  const { resource } = await ctx.repo.create(message);
  return { status: 201, headers: { location: `${ctx.baseUrl}/Communication/${resource.id!}/_history/${resource.meta?.versionId ?? '1'}` }, body: resource };
}
