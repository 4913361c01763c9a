/**
 * A token bucket per key (client IP and endpoint), in memory: brute force against the login and
 * token endpoints slows to `perMinute` attempts per key after a `burst`. Account lockout
 * (identity/lockout.ts) is the durable defence; this one protects the node's CPU (argon2).
 */
export interface RateLimit {
  perMinute: number;
  burst: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes one token for `key`; false when the key is over its rate. */
  take(key: string): boolean {
    const now = this.clock();
    const refill = this.limit.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    b.tokens = Math.min(this.limit.burst, b.tokens + (now - b.at) * refill);
    b.at = now;
    if (this.buckets.size > 50_000) this.buckets.clear();
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      return false;
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    return true;
  }
}
