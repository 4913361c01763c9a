/**
 * Portal messages as threads, without I/O: a thread is its first Communication plus the replies
 * whose `partOf` points at it; unread means addressed to the signed-in user (or the patient they
 * act for) with no `received` yet; a read receipt is the `received` time of a message the user
 * sent. Attachment checks (≤ 5 MB; PDF, PNG, JPEG or plain text) live here too.
 */
import type { Communication, Reference } from '@medplum/fhirtypes';

export const PORTAL_MESSAGE = { system: 'urn:continuum:communication-category', code: 'portal-message' } as const;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const ATTACHMENT_TYPES: Readonly<Record<string, string>> = { 'application/pdf': 'PDF', 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'text/plain': 'text' };

export interface Thread {
  /** The first message's id (replies point at it with `partOf`). */
  id: string;
  topic: string;
  /** Oldest first. */
  messages: Communication[];
  last: Communication;
  /** Messages to me not yet opened. */
  unread: number;
}

/** Who "me" is for a message: the signed-in user, or the patient whose record is shown. */
export type Me = ReadonlySet<string>;

export const meOf = (fhirUser: string, patientId: string): Me => new Set([fhirUser, `Patient/${patientId}`]);

const refIs = (ref: Reference | undefined, me: Me) => ref?.reference !== undefined && me.has(ref.reference);
const sentAt = (c: Communication) => Date.parse(c.sent ?? '') || 0;

export const isFromMe = (c: Communication, me: Me): boolean => refIs(c.sender, me);
export const isToMe = (c: Communication, me: Me): boolean => !isFromMe(c, me) && (c.recipient ?? []).some((r) => refIs(r, me));
export const isUnread = (c: Communication, me: Me): boolean => isToMe(c, me) && !c.received;

/** The id of the thread a message belongs to. */
export function threadIdOf(c: Communication): string {
  const root = c.partOf?.find((p) => p.reference?.startsWith('Communication/'))?.reference;
  return root ? root.slice('Communication/'.length) : (c.id ?? '');
}

/** The messages grouped into threads, the most recently active first. */
export function buildThreads(messages: readonly Communication[], me: Me): Thread[] {
  const groups = new Map<string, Communication[]>();
  for (const m of messages) groups.set(threadIdOf(m), [...(groups.get(threadIdOf(m)) ?? []), m]);
  const threads = [...groups.entries()].map(([id, list]): Thread => {
    const sorted = [...list].sort((a, b) => sentAt(a) - sentAt(b));
    const first = sorted.find((m) => m.id === id) ?? sorted[0]!;
    return { id, topic: first.topic?.text ?? 'Message', messages: sorted, last: sorted[sorted.length - 1]!, unread: sorted.filter((m) => isUnread(m, me)).length };
  });
  return threads.sort((a, b) => sentAt(b.last) - sentAt(a.last));
}

/** The message's text (its string payloads). */
export const messageText = (c: Communication): string =>
  (c.payload ?? [])
    .map((p) => p.contentString)
    .filter(Boolean)
    .join('\n');

/** "Read 10:42" (today) or "Read Nov 3, 10:42" for a message I sent that was opened; else undefined. */
export function readReceipt(c: Communication, me: Me, now: Date, timeZone?: string): string | undefined {
  if (!isFromMe(c, me) || !c.received) return undefined;
  const read = new Date(c.received);
  if (Number.isNaN(read.getTime())) return undefined;
  const zone = timeZone ? { timeZone } : {};
  const time = read.toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...zone });
  const day = (d: Date) => d.toLocaleDateString('en-US', zone);
  return day(read) === day(now) ? `Read ${time}` : `Read ${read.toLocaleDateString('en-US', { month: 'short', day: 'numeric', ...zone })}, ${time}`;
}

/** Why a file cannot be attached, or undefined when it can. */
export function attachmentProblem(file: { name: string; type: string; size: number }): string | undefined {
  if (!ATTACHMENT_TYPES[file.type]) return `${file.name}: only PDF, PNG, JPEG and text files can be attached.`;
  if (file.size > MAX_ATTACHMENT_BYTES) return `${file.name} is larger than 5 MB.`;
  return undefined;
}

/** A file size for people: "820 KB", "1.4 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
