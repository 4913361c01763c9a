/**
 * Sealing short secrets for storage with AES-256-GCM under the data keys (data-keys.ts). A sealed
 * value is one ASCII string, `enc1.<key id>.<iv>.<ciphertext and tag>` (base64url parts), so it
 * fits the text column the plain value used to live in and names the key that opens it.
 *
 * Each value is bound to a `context` (for example the account it belongs to) as additional
 * authenticated data: a sealed value copied onto another row does not open there. Opening fails
 * loudly (SecretBoxError) on an unknown key or a value that was altered; it never guesses.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKeyring } from './data-keys.ts';

const PREFIX = 'enc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^enc1\.([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const aad = (context: string): Buffer => Buffer.from(`continuum:${context}`, 'utf8');

export class SecretBox {
  constructor(private readonly ring: DataKeyring) {}

  /** The id of the key new values are sealed with. */
  get currentKeyId(): string {
    return this.ring.current.id;
  }

  /** Whether `value` has the shape of a sealed value (whichever key sealed it). */
  static isSealed(value: string): boolean {
    return SEALED.test(value);
  }

  /** The id of the key that sealed `value`, or undefined when it is not a sealed value. */
  static keyIdOf(value: string): string | undefined {
    return SEALED.exec(value)?.[1];
  }

  seal(plaintext: string, context: string): string {
    const { id, key } = this.ring.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}.${id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  open(sealed: string, context: string): string {
    const m = SEALED.exec(sealed);
    if (!m) throw new SecretBoxError('not a sealed value');
    const entry = this.ring.keys.find((k) => k.id === m[1]);
    if (!entry) throw new SecretBoxError(`sealed under data key ${m[1]!}, which this node does not have (CONTINUUM_DATA_KEY, CONTINUUM_DATA_KEY_FILE or <data>/secrets/data-keys)`);
    const body = Buffer.from(m[3]!, 'base64url');
    if (body.length <= TAG_BYTES) throw new SecretBoxError('sealed value too short');
    const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(m[2]!, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(context));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('a sealed value does not open: altered, or moved from the record it belongs to');
    }
  }
}
