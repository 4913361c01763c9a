/**
 * Files chosen in the browser as FHIR Attachments (inline base64 `data`, as `$message` takes
 * them), and an attachment opened back as a download through a blob URL (the page's CSP allows
 * no data: links).
 */
import type { Attachment } from '@medplum/fhirtypes';

export async function fileToAttachment(file: File): Promise<Attachment> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { contentType: file.type, title: file.name, size: file.size, data: btoa(binary) };
}

export function downloadAttachment(attachment: Attachment): void {
  const binary = atob(attachment.data ?? '');
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: attachment.contentType ?? 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = attachment.title ?? 'attachment';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
