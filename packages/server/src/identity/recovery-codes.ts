/**
 * MFA recovery codes: ten random codes of 10 base32 characters (50 bits), shown to the user once
 * as `XXXXX-XXXXX` and stored only as argon2id hashes. Each works once; the users repository
 * removes the hash that matched, atomically, so two logins cannot both spend the same code.
 */
import { randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from './passwords.ts';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // 32 symbols, no 0/O or 1/I look-alikes

function newCode(): string {
  const bytes = randomBytes(10);
  let s = '';
  for (const b of bytes) s += ALPHABET[b & 31];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** Upper case without spaces or dashes, so "abcde fghij" and "ABCDE-FGHIJ" are one code. */
export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]+/g, '');
}

export async function newRecoveryCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const hashes = await Promise.all(codes.map((c) => hashPassword(normaliseRecoveryCode(c))));
  return { codes, hashes };
}

/** The stored hash `code` matches, if any. */
export async function matchRecoveryCode(hashes: readonly string[], code: string): Promise<string | undefined> {
  const normal = normaliseRecoveryCode(code);
  if (!/^[A-Z0-9]{10}$/.test(normal)) return undefined;
  for (const h of hashes) if (await verifyPassword(h, normal)) return h;
  return undefined;
}
