/**
 * Messages between this organization's clinicians and partner organizations, without React.
 * Received ones are the Communications `$partner-receive` stored: tagged EXTERNAL, with the
 * partner as sender (by reference or only by name). Sent ones are the Communications
 * `$send-to-partner` stored: addressed to a partner Organization. A reply names the message it
 * answers by that message's exchange identifier (`inResponseTo`).
 */
import type { Attachment, Bundle, Communication, ParametersParameter, Patient } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/client.ts';
import { humanName } from '../../fhir/format.ts';
import type { PartnerRow } from '../admin/partners-model.ts';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG, token } from '../referrals/codes.ts';

export const MESSAGE_ID_SYSTEM = 'urn:continuum:message';
/** The files a partner message may carry (the server refuses others, and files over 5 MB). */
export const PARTNER_ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'text/plain'] as const;
export const MAX_PARTNER_ATTACHMENT_BYTES = 5 * 1024 * 1024;

export interface PartnerMessage {
  id: string;
  direction: 'received' | 'sent';
  /** The partner Organization's id here, when known. */
  partnerId: string | undefined;
  partnerName: string;
  topic: string;
  text: string;
  sent: string | undefined;
  attachments: Attachment[];
  patientId: string | undefined;
  patientName: string | undefined;
  /** The exchange identifier a reply names in `inResponseTo`. */
  exchangeId: string | undefined;
  author: string | undefined;
  /** False for a sent message the partner did not receive (status not-done). */
  delivered: boolean;
}

const isExternal = (c: Communication): boolean => c.meta?.tag?.some((t) => t.system === EXTERNAL_TAG.system && t.code === EXTERNAL_TAG.code) ?? false;
const orgId = (ref: string | undefined): string | undefined => (ref?.startsWith('Organization/') ? ref.slice('Organization/'.length) : undefined);

export function partnerMessage(c: Communication, partners: readonly PartnerRow[], patients: ReadonlyMap<string, Patient>): PartnerMessage {
  const received = isExternal(c);
  const source = c.extension?.find((x) => x.url === EXTERNAL_SOURCE_EXT)?.valueReference;
  const partnerRef = received ? (orgId(c.sender?.reference) ? c.sender : source) : c.recipient?.find((r) => orgId(r.reference) && partners.some((p) => p.organizationId === orgId(r.reference)));
  const byName = received ? partners.find((p) => p.name === (c.sender?.display ?? source?.display)) : undefined;
  const partnerId = orgId(partnerRef?.reference) ?? byName?.organizationId;
  const known = partners.find((p) => p.organizationId === partnerId);
  const patientRef = c.subject?.reference;
  const patientId = patientRef?.startsWith('Patient/') ? patientRef.slice('Patient/'.length) : undefined;
  const patient = patientId ? patients.get(patientId) : undefined;
  return {
    id: c.id ?? '',
    direction: received ? 'received' : 'sent',
    partnerId,
    partnerName: known?.name ?? partnerRef?.display ?? c.sender?.display ?? source?.display ?? 'Partner organization',
    topic: c.topic?.text ?? c.topic?.coding?.[0]?.display ?? 'Message',
    text: (c.payload ?? []).map((p) => p.contentString).filter(Boolean).join('\n'),
    sent: c.sent ?? c.meta?.lastUpdated,
    attachments: (c.payload ?? []).flatMap((p) => (p.contentAttachment ? [p.contentAttachment] : [])),
    patientId,
    patientName: patient ? humanName(patient.name) : c.subject?.display,
    exchangeId: (c.identifier?.find((i) => i.system === MESSAGE_ID_SYSTEM) ?? c.identifier?.[0])?.value,
    author: received ? (c.sender?.display ?? source?.display) : c.sender?.display,
    delivered: c.status !== 'not-done',
  };
}

const sentAt = (m: PartnerMessage): number => Date.parse(m.sent ?? '') || 0;

/** Received and sent messages, newest first. */
export async function loadPartnerMessages(client: FhirClient, partners: readonly PartnerRow[], signal?: AbortSignal): Promise<PartnerMessage[]> {
  const common: [string, string][] = [['_include', 'Communication:subject'], ['_sort', '-sent'], ['_count', '100']];
  const searches: Promise<Bundle>[] = [client.search('Communication', [['_tag', token(EXTERNAL_TAG)], ...common], signal)];
  if (partners.length > 0) searches.push(client.search('Communication', [['recipient', partners.map((p) => `Organization/${p.organizationId}`).join(',')], ...common], signal));
  const bundles = await Promise.all(searches);
  const entries = bundles.flatMap((b) => b.entry ?? []);
  const patients = new Map(entries.flatMap((e) => (e.resource?.resourceType === 'Patient' ? [[e.resource.id ?? '', e.resource] as const] : [])));
  const seen = new Set<string>();
  return entries
    .flatMap((e) => (e.search?.mode !== 'include' && e.resource?.resourceType === 'Communication' ? [e.resource] : []))
    .filter((c) => !seen.has(c.id ?? '') && Boolean(seen.add(c.id ?? '')))
    .map((c) => partnerMessage(c, partners, patients))
    .sort((a, b) => sentAt(b) - sentAt(a));
}

export interface ComposeForm {
  partner: string;
  topic: string;
  text: string;
  /** The local patient the message is about, optional. */
  patientId: string | undefined;
  files: readonly { name: string; size: number; type: string }[];
  /** The exchange identifier of the message answered. */
  inResponseTo: string | undefined;
}

/** What is wrong with a message (undefined when it can be sent). */
export function validateCompose(f: ComposeForm): string | undefined {
  if (!f.partner) return 'Choose the partner organization.';
  if (!f.text.trim()) return 'Write the message.';
  for (const file of f.files) {
    if (!(PARTNER_ATTACHMENT_TYPES as readonly string[]).includes(file.type)) return `${file.name}: only PDF, PNG, JPEG or text files can be sent.`;
    if (file.size > MAX_PARTNER_ATTACHMENT_BYTES) return `${file.name} is larger than 5 MB.`;
  }
  return undefined;
}

export function sendParameters(f: ComposeForm, attachments: readonly Attachment[]): ParametersParameter[] {
  return [
    { name: 'partner', valueReference: { reference: `Organization/${f.partner}` } },
    ...(f.patientId ? [{ name: 'patient', valueReference: { reference: `Patient/${f.patientId}` } }] : []),
    { name: 'topic', valueString: f.topic.trim() || 'Message' },
    { name: 'text', valueString: f.text.trim() },
    ...attachments.map((a) => ({ name: 'attachment', valueAttachment: a })),
    ...(f.inResponseTo ? [{ name: 'inResponseTo', valueString: f.inResponseTo }] : []),
  ];
}

/** A reply's subject: "Re: " once. */
export const replyTopic = (topic: string): string => (/^re:/i.test(topic) ? topic : `Re: ${topic}`);
