/**
 * A message between organizations as it travels (the body of `$partner-receive`): Parameters
 * {message (valueResource: the Communication, its identifier `urn:continuum:message|<uuid>`,
 * sender display, topic, text and attachments, `inResponseTo` by identifier), patient
 * (valueResource: the Patient it is about, demographics and identifiers only; absent for a
 * message about no patient)}. Pure: no I/O.
 */
import type { Attachment, Communication, Identifier, Parameters, Patient } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { FhirRequest } from '../../../api/types.ts';
import { checkAttachments } from '../../../portal/messaging/attachments.ts';
import { OperationInputs } from '../../../portal/operation-inputs.ts';
import { parameters, resourceParam } from '../parameters.ts';
import { MESSAGE_ID_SYSTEM } from '../referral-codes.ts';

export const MAX_TEXT = 20_000;
export const MAX_TOPIC = 200;

export interface PartnerMessage {
  messageId: string;
  senderDisplay?: string;
  topic?: string;
  text: string;
  attachments: Attachment[];
  /** The message answered, by its shared identifier value. */
  inResponseTo?: string;
  sent: string;
  patient?: Patient;
}

export function messageIdOf(c: Communication): string | undefined {
  return c.identifier?.find((i) => i.system === MESSAGE_ID_SYSTEM)?.value;
}

/** The Patient as it travels with a message: who they are, nothing of their record. */
export function travellingPatient(p: Patient): Patient {
  const { name, gender, birthDate, identifier, telecom, address } = p;
  return { resourceType: 'Patient', ...(identifier ? { identifier } : {}), ...(name ? { name } : {}), ...(gender ? { gender } : {}), ...(birthDate ? { birthDate } : {}), ...(telecom ? { telecom } : {}), ...(address ? { address } : {}) };
}

export function messageParameters(m: PartnerMessage): Parameters {
  const identifier: Identifier = { system: MESSAGE_ID_SYSTEM, value: m.messageId };
  const message: Communication = {
    resourceType: 'Communication',
    identifier: [identifier],
    status: 'completed',
    sent: m.sent,
    ...(m.senderDisplay ? { sender: { display: m.senderDisplay } } : {}),
    ...(m.topic ? { topic: { text: m.topic } } : {}),
    payload: [{ contentString: m.text }, ...m.attachments.map((contentAttachment) => ({ contentAttachment }))],
    ...(m.inResponseTo ? { inResponseTo: [{ identifier: { system: MESSAGE_ID_SYSTEM, value: m.inResponseTo } }] } : {}),
  };
  return parameters([{ name: 'message', resource: message }, ...(m.patient ? [{ name: 'patient', resource: travellingPatient(m.patient) }] : [])]);
}

/** A received message, checked like one written here (text and topic length, attachments). */
export function readMessage(req: FhirRequest, op: string): PartnerMessage {
  OperationInputs.read(req, op, ['message', 'patient']);
  const c = resourceParam<Communication>(req, op, 'message', 'Communication');
  if (!c) throw badRequest(`${op}: 'message' is required`);
  const patient = resourceParam<Patient>(req, op, 'patient', 'Patient');
  const messageId = messageIdOf(c);
  if (!messageId || messageId.length > 64) throw badRequest(`${op}: the message needs a ${MESSAGE_ID_SYSTEM} identifier`);
  const texts = (c.payload ?? []).filter((p) => typeof p.contentString === 'string');
  if (texts.length !== 1 || !texts[0]!.contentString!.trim()) throw badRequest(`${op}: the message needs its text (one contentString)`);
  const text = texts[0]!.contentString!;
  if (text.length > MAX_TEXT) throw badRequest(`${op}: the text is longer than ${MAX_TEXT} characters`);
  const topic = c.topic?.text;
  if (topic && topic.length > MAX_TOPIC) throw badRequest(`${op}: the topic is longer than ${MAX_TOPIC} characters`);
  const attachments = checkAttachments((c.payload ?? []).flatMap((p) => (p.contentAttachment ? [p.contentAttachment] : [])), op);
  const inResponseTo = c.inResponseTo?.[0]?.identifier;
  const sent = typeof c.sent === 'string' && !Number.isNaN(Date.parse(c.sent)) ? c.sent : new Date().toISOString();
  return {
    messageId,
    text,
    attachments,
    sent,
    ...(c.sender?.display ? { senderDisplay: c.sender.display } : {}),
    ...(topic ? { topic } : {}),
    ...(inResponseTo?.system === MESSAGE_ID_SYSTEM && inResponseTo.value ? { inResponseTo: inResponseTo.value } : {}),
    ...(patient ? { patient } : {}),
  };
}
