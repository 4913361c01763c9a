/**
 * Lockout with exponential backoff. The first `threshold` failed attempts in a row are free;
 * the one that reaches it locks the account for `base`, and every further failure (tried after
 * the lock ran out) doubles the lock, up to `max`. A successful login resets the count. While
 * locked, attempts are refused without checking the password, so they neither count nor reveal
 * whether the password was right. Pure: the counts are kept by the users repository.
 */

export interface LockoutPolicy {
  /** Failures in a row that lock the account. */
  threshold: number;
  /** The first lock, in milliseconds. */
  baseMs: number;
  /** The longest lock, in milliseconds. */
  maxMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { threshold: 5, baseMs: 60_000, maxMs: 60 * 60_000 };

/** How long the account locks after its `failures`-th failure in a row (0: not locked). */
export function lockDurationMs(failures: number, policy: LockoutPolicy = DEFAULT_LOCKOUT): number {
  if (failures < policy.threshold) return 0;
  const doublings = failures - policy.threshold;
  // 2^31 ms is beyond any sensible cap; stop doubling long before the float loses meaning.
  if (doublings >= 31) return policy.maxMs;
  return Math.min(policy.baseMs * 2 ** doublings, policy.maxMs);
}

/** When the lock after the `failures`-th failure ends, or null when that failure does not lock. */
export function lockedUntilAfter(failures: number, now: Date, policy: LockoutPolicy = DEFAULT_LOCKOUT): Date | null {
  const ms = lockDurationMs(failures, policy);
  return ms === 0 ? null : new Date(now.getTime() + ms);
}

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}
