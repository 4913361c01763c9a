/**
 * Identity test helpers: a unique tenant per test (so tests sharing a database never see each
 * other's accounts), a clock the test moves by hand, a secret box under a fresh data key, and
 * synthetic account inputs.
 */
import { randomBytes } from 'node:crypto';
import type { NewAccountInput } from '../../src/identity/accounts.ts';
import { dataKeyring } from '../../src/secrets/data-keys.ts';
import { SecretBox } from '../../src/secrets/secret-box.ts';

export const newTenant = (): string => `t-${randomBytes(5).toString('hex')}`;

export interface TestClock {
  (): Date;
  advance(ms: number): void;
  set(d: Date): void;
}

export function testClock(start = new Date('2031-03-04T05:06:07.000Z')): TestClock {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.advance = (ms) => void (now = new Date(now.getTime() + ms));
  clock.set = (d) => void (now = d);
  return clock;
}

/** Seals under a new random data key (plus `older` keys, which only open). */
export const testSecrets = (...older: Buffer[]): SecretBox => new SecretBox(dataKeyring([randomBytes(32), ...older]));

/** A password the policy accepts (synthetic, used only in tests). */
export const GOOD_PASSWORD = 'Lantern-orbit-harvest-42';

export function staffInput(tenantId: string, overrides: Partial<NewAccountInput> = {}): NewAccountInput {
  return {
    tenantId,
    username: 'dr.rivera',
    kind: 'staff',
    roles: ['physician'],
    fhirUser: 'Practitioner/prac-1',
    organization: 'Organization/org-1',
    password: GOOD_PASSWORD,
    ...overrides,
  };
}
