/**
 * The data-encryption keys: AES-256 keys that seal secrets the database keeps (TOTP secrets), so
 * that a copy of the database alone (a backup, a replica, a dump) does not give them away.
 *
 * Where they come from, first match wins:
 * 1. `CONTINUUM_DATA_KEY`: base64 of 32 random bytes; for rotation, several, newest first,
 *    separated by commas or blanks;
 * 2. `CONTINUUM_DATA_KEY_FILE`: a file holding the same (one key a line, `#` comments);
 * 3. `<data folder>/secrets/data-keys`: generated on the first start in that same format, mode
 *    0600 in a 0700 folder, and never replaced once written. Several nodes over one PostgreSQL
 *    must share it (or the variable).
 *
 * The newest key seals; every key listed opens. A key's id is a fingerprint of the key, so every
 * node names a key alike without configuring ids. This module does no encryption (secret-box.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from './private-file.ts';

export const DATA_KEY_BYTES = 32;

export interface DataKey {
  /** 12 base64url characters derived from the key. */
  id: string;
  key: Buffer;
}

export interface DataKeyring {
  /** The key new secrets are sealed with (the first one given). */
  current: DataKey;
  /** Every key, newest first. */
  keys: readonly DataKey[];
}

export interface DataKeySource {
  /** `CONTINUUM_DATA_KEY`. */
  keys?: string;
  /** `CONTINUUM_DATA_KEY_FILE`. */
  keyFile?: string;
  dataDir: string;
}

export const dataKeyFilePath = (dataDir: string): string => join(dataDir, 'secrets', 'data-keys');

export const dataKeyId = (key: Buffer): string => createHash('sha256').update('continuum-data-key\0').update(key).digest('base64url').slice(0, 12);

/** A keyring over raw keys, newest first. */
export function dataKeyring(keys: readonly Buffer[]): DataKeyring {
  const seen = new Map<string, DataKey>();
  for (const key of keys) {
    if (key.length !== DATA_KEY_BYTES) throw new Error(`a data key must be ${DATA_KEY_BYTES} bytes, got ${key.length}`);
    const id = dataKeyId(key);
    if (!seen.has(id)) seen.set(id, { id, key: Buffer.from(key) });
  }
  const list = [...seen.values()];
  if (list.length === 0) throw new Error('no data key');
  return { current: list[0]!, keys: list };
}

/** Standard or URL-safe base64 (Node decodes both alphabets), with or without padding. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Reads keys given as text: base64, newest first, separated by blanks, commas or lines. */
export function parseDataKeys(text: string, where: string): DataKeyring {
  const words = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join(' ')
    .split(/[\s,]+/)
    .filter((w) => w.length > 0);
  if (words.length === 0) throw new Error(`${where} holds no data key`);
  const keys = words.map((w, i) => {
    const key = BASE64.test(w) ? Buffer.from(w, 'base64') : Buffer.alloc(0);
    // The key itself is never echoed: only where it is and which one.
    if (key.length !== DATA_KEY_BYTES) throw new Error(`${where}: key ${i + 1} is not base64 of ${DATA_KEY_BYTES} bytes (make one with: openssl rand -base64 32)`);
    return key;
  });
  return dataKeyring(keys);
}

export function formatDataKeys(keys: readonly Buffer[]): string {
  return [
    '# Continuum data-encryption keys (AES-256, base64), newest first. The first seals new secrets;',
    '# every key listed opens them. Keep an old key until every node has restarted with the new one',
    '# (a start re-seals the stored secrets under the newest key). Losing this file loses the',
    '# secrets it seals (TOTP devices must then be enrolled again).',
    ...keys.map((k) => k.toString('base64')),
    '',
  ].join('\n');
}

/** Loads the keys, generating the key file on the first start when no other source is given. */
export function loadDataKeys(src: DataKeySource): DataKeyring {
  if (src.keys) return parseDataKeys(src.keys, 'CONTINUUM_DATA_KEY');
  if (src.keyFile) return parseDataKeys(readFileSync(src.keyFile, 'utf8'), src.keyFile);
  const path = dataKeyFilePath(src.dataDir);
  if (existsSync(path)) return parseDataKeys(readFileSync(path, 'utf8'), path);
  const key = randomBytes(DATA_KEY_BYTES);
  if (!writePrivateFile(path, formatDataKeys([key]), { exclusive: true })) return parseDataKeys(readFileSync(path, 'utf8'), path);
  return dataKeyring([key]);
}

/** Puts a new key in front of the data folder's keys, keeping every older one (they still open secrets). */
export function rotateDataKeys(dataDir: string): DataKeyring {
  const current = loadDataKeys({ dataDir });
  const keys = [randomBytes(DATA_KEY_BYTES), ...current.keys.map((k) => k.key)];
  writePrivateFile(dataKeyFilePath(dataDir), formatDataKeys(keys));
  return dataKeyring(keys);
}
