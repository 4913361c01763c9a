/**
 * Saving what the server answered as a file on the patient's device: a Blob behind a temporary
 * object URL and a click on a download link (the page's CSP allows no inline data navigation,
 * and an object URL is this origin's). The base64 of a FHIR Binary is decoded here too.
 */

export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL is not needed after it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The bytes of a base64 string (a Binary's `data`, an attachment's). */
export function base64Bytes(data: string): Uint8Array<ArrayBuffer> {
  const raw = atob(data);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** The text of a base64 UTF-8 attachment (a note's). */
export function base64Text(data: string): string {
  return new TextDecoder().decode(base64Bytes(data));
}
