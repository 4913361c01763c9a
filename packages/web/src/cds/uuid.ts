/**
 * A random (version 4) UUID, for client-made ids: a draft order's id (the cards name it, and it
 * becomes the order's `urn:uuid` in the signing transaction) and each hook call's `hookInstance`.
 * `crypto.randomUUID` exists only in secure contexts (https or localhost), so the UUID is built
 * from `crypto.getRandomValues`, which exists everywhere.
 */
export function newUuid(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const b = random(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
