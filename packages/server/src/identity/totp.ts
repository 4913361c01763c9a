/**
 * TOTP (RFC 6238, the authenticator-app standard: SHA-1, 6 digits, 30 s steps) via otplib: new
 * secrets, the `otpauth://` URI an app scans (also as a QR code PNG data URL), and verification
 * that accepts the step before and after the current one for clock drift. A code is bound to its
 * time step, and a step at or before the last one accepted is refused, so a code cannot be
 * replayed; remembering that step is the caller's job (the users repository).
 */
import { generate, generateSecret, generateURI, verify } from 'otplib';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'Continuum';

/** A new base32 secret of 160 bits, the size RFC 4226 recommends for SHA-1. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The URI an authenticator app enrols from; the label shows as "Continuum (tenant): username". */
export function totpUri(secret: string, username: string, tenantId: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: `${tenantId}:${username}`, secret, period: TOTP_PERIOD_SECONDS });
}

export async function totpQrDataUrl(uri: string): Promise<string> {
  const { default: QRCode } = await import('qrcode'); // loaded on the first enrolment, not at start-up
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M' });
}

/** The code for the given time (tests, and enrolment checks). */
export function totpCode(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000), period: TOTP_PERIOD_SECONDS });
}

/**
 * The time step `code` belongs to when it is valid at `at` (±1 step) and newer than
 * `afterStep`; undefined otherwise. Anything but six digits is refused without computing.
 */
export async function verifyTotp(secret: string, code: string, at: Date, afterStep: number | null): Promise<number | undefined> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(at.getTime() / 1000),
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOTP_PERIOD_SECONDS,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
