/**
 * Patient messages for the clinician's inbox, without React: portal messages (Communications of
 * the portal-message category) addressed to me, grouped into threads (a reply's `partOf` names its
 * thread's first message), unread first, then the most recent; one thread's messages in order; and
 * a file read as an inline Attachment for a reply.
 */
import type { Attachment, Bundle, Communication } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';
import { humanName } from '../fhir/format.ts';

export const PORTAL_MESSAGE = 'urn:continuum:communication-category|portal-message';
/** The files a portal message may carry (the server refuses others, and files over 5 MB). */
export const ATTACHMENT_TYPES = 'application/pdf,image/png,image/jpeg,text/plain';
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

export interface ThreadSummary {
  /** The id of the thread's first message. */
  rootId: string;
  topic: string;
  patientId: string | undefined;
  patientName: string | undefined;
  latest: Communication;
  /** Messages of the thread addressed to me that I have not read. */
  unread: number;
}

const idAfter = (reference: string | undefined, type: string): string | undefined =>
  reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;

/** The id of the first message of the thread `c` belongs to. */
export const threadOf = (c: Communication): string => idAfter(c.partOf?.[0]?.reference, 'Communication') ?? c.id ?? '';

export const isUnreadFor = (c: Communication, me: string): boolean => !c.received && (c.recipient ?? []).some((r) => r.reference === me);

const sentAt = (c: Communication): number => Date.parse(c.sent ?? c.meta?.lastUpdated ?? '') || 0;

/** Threads of `messages`, unread first, then the most recent. */
export function summarizeThreads(messages: readonly Communication[], me: string, patientName: (id: string) => string | undefined): ThreadSummary[] {
  const threads = new Map<string, ThreadSummary>();
  for (const m of messages) {
    const rootId = threadOf(m);
    const patientId = idAfter(m.subject?.reference, 'Patient');
    const known = threads.get(rootId);
    const unread = (known?.unread ?? 0) + (isUnreadFor(m, me) ? 1 : 0);
    const latest = known && sentAt(known.latest) >= sentAt(m) ? known.latest : m;
    // The thread's subject is its first message's; a reply's stands in until that one is seen.
    const topic = (m.id === rootId ? m.topic?.text : known?.topic) ?? m.topic?.text ?? 'Message';
    threads.set(rootId, { rootId, topic, patientId, patientName: (patientId && patientName(patientId)) ?? m.subject?.display, latest, unread });
  }
  return [...threads.values()].sort((a, b) => Number(b.unread > 0) - Number(a.unread > 0) || sentAt(b.latest) - sentAt(a.latest));
}

export async function loadThreads(client: FhirClient, me: string, signal?: AbortSignal): Promise<ThreadSummary[]> {
  const bundle: Bundle = await client.search('Communication', [['recipient', me], ['category', PORTAL_MESSAGE], ['_include', 'Communication:patient'], ['_sort', '-sent'], ['_count', '200']], signal);
  const patients = new Map((bundle.entry ?? []).flatMap((e) => (e.resource?.resourceType === 'Patient' ? [[e.resource.id ?? '', e.resource] as const] : [])));
  const messages = (bundle.entry ?? []).flatMap((e) => (e.search?.mode !== 'include' && e.resource?.resourceType === 'Communication' ? [e.resource] : []));
  return summarizeThreads(messages, me, (id) => (patients.has(id) ? humanName(patients.get(id)?.name) : undefined));
}

/** The thread's messages, first to last. */
export async function loadThread(client: FhirClient, rootId: string, signal?: AbortSignal): Promise<Communication[]> {
  const [root, replies] = await Promise.all([client.read('Communication', rootId, signal), client.searchResources('Communication', [['part-of', `Communication/${rootId}`], ['_sort', 'sent'], ['_count', '200']], signal)]);
  return [root, ...replies].sort((a, b) => sentAt(a) - sentAt(b));
}

/** A file chosen in the browser as an inline Attachment (base64 `data`). */
export async function fileAttachment(file: File): Promise<Attachment> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { contentType: file.type || 'application/octet-stream', data: btoa(binary), title: file.name, size: bytes.length };
}
