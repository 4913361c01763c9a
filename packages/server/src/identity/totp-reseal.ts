/**
 * The start-up step that leaves every stored TOTP secret sealed under the newest data key: secrets
 * stored in plain text by earlier versions, and secrets sealed under a key rotated out since. Run
 * by every node at start (after the migrations); each row is replaced by one conditional UPDATE,
 * so nodes starting together, or a login re-sealing the same row, do not conflict. A secret no
 * key here opens is left as it is and counted: its user cannot use MFA until the key is restored
 * or an admin resets their MFA.
 */
import type { Queryable } from '../db/database.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { SecretBoxError } from '../secrets/secret-box.ts';
import { TotpSecrets } from './totp-secrets.ts';
import { systemClock, type Clock } from './types.ts';
import { UsersRepository } from './users-repository.ts';

export interface ResealResult {
  /** Secrets sealed anew under the newest key. */
  resealed: number;
  /** Secrets no key of this node opens (left untouched). */
  unreadable: number;
}

const BATCH = 500;

export async function resealTotpSecrets(q: Queryable, box: SecretBox, clock: Clock = systemClock): Promise<ResealResult> {
  const repo = new UsersRepository(q);
  const secrets = new TotpSecrets(box);
  const result: ResealResult = { resealed: 0, unreadable: 0 };
  let after: string | null = null;
  for (;;) {
    const rows = await repo.totpSecretsNotUnder(secrets.currentPrefix, after, BATCH);
    for (const row of rows) {
      let secret: string;
      try {
        secret = secrets.open(row, row.stored);
      } catch (err) {
        if (!(err instanceof SecretBoxError)) throw err;
        result.unreadable++;
        continue;
      }
      if (await repo.replaceTotpSecret(row.tenantId, row.id, row.stored, secrets.seal(row, secret), clock())) result.resealed++;
    }
    if (rows.length < BATCH) return result;
    after = rows[rows.length - 1]!.id;
  }
}
