/**
 * TOTP secrets as the database keeps them: sealed (AES-256-GCM, secrets/secret-box.ts) and bound
 * to their account, so a secret copied onto another account does not open. Accounts enrolled by
 * versions that stored the base32 secret as issued still work: such a value opens as itself and
 * reports that it needs sealing, which the start-up sweep (totp-reseal.ts) and the next login
 * (login.ts) do. A value sealed under an older data key needs sealing again likewise.
 */
import { SecretBox } from '../secrets/secret-box.ts';

/** A base32 secret stored in plain text by an earlier version. */
const LEGACY_PLAIN = /^[A-Z2-7]{16,128}$/;

export interface SecretOwner {
  tenantId: string;
  id: string;
}

const context = (owner: SecretOwner): string => `totp:${owner.tenantId}:${owner.id}`;

export class TotpSecrets {
  constructor(private readonly box: SecretBox) {}

  seal(owner: SecretOwner, secret: string): string {
    return this.box.seal(secret, context(owner));
  }

  /** The base32 secret; throws SecretBoxError when it cannot be opened here. */
  open(owner: SecretOwner, stored: string): string {
    if (LEGACY_PLAIN.test(stored)) return stored;
    return this.box.open(stored, context(owner));
  }

  /** Plain text from an earlier version, or sealed under a key that is no longer the newest. */
  needsSealing(stored: string): boolean {
    return SecretBox.keyIdOf(stored) !== this.box.currentKeyId;
  }

  /** The prefix every value sealed under the newest key starts with. */
  get currentPrefix(): string {
    return `enc1.${this.box.currentKeyId}.`;
  }
}
