/**
 * The files a portal message may carry: inline (`data`, base64), of a type a clinic can open
 * safely (PDF, PNG, JPEG, plain text), at most 5 MB each and 5 per message. Each is checked and
 * returned normalised (`size` computed from the data, `title` kept, `url` refused: a message
 * carries its files, it does not point elsewhere). Anything else is a 400 naming the file.
 */
import type { Attachment } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';

export const ATTACHMENT_TYPES: readonly string[] = ['application/pdf', 'image/png', 'image/jpeg', 'text/plain'];
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS = 5;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function checkAttachments(given: readonly Attachment[], operation: string): Attachment[] {
  if (given.length > MAX_ATTACHMENTS) throw badRequest(`${operation}: at most ${MAX_ATTACHMENTS} attachments per message`);
  return given.map((a, i) => {
    const which = `attachment ${i + 1}${a.title ? ` ('${a.title}')` : ''}`;
    const type = a.contentType?.split(';')[0]?.trim().toLowerCase();
    if (!type || !ATTACHMENT_TYPES.includes(type)) throw badRequest(`${operation}: ${which} must be a PDF, PNG, JPEG or plain-text file (got '${a.contentType ?? 'no type'}')`);
    if (a.url !== undefined) throw badRequest(`${operation}: ${which} must carry its content in 'data', not a 'url'`);
    const data = typeof a.data === 'string' ? a.data.replace(/\s+/g, '') : '';
    if (data === '' || data.length % 4 !== 0 || !BASE64.test(data)) throw badRequest(`${operation}: ${which} needs its content as base64 in 'data'`);
    const size = Buffer.byteLength(data, 'base64');
    if (size > MAX_ATTACHMENT_BYTES) throw badRequest(`${operation}: ${which} is larger than 5 MB`);
    if (a.size !== undefined && a.size !== size) throw badRequest(`${operation}: ${which} says it is ${a.size} bytes but its data is ${size}`);
    return { contentType: a.contentType!, data, size, ...(a.title ? { title: a.title } : {}), creation: a.creation ?? new Date().toISOString() };
  });
}
