/**
 * Deterministic resource ids. Every id is a UUID-shaped hex string hashed from the population
 * seed and a scope (the directory, or one patient index) plus a kind and a counter, so ids are
 * stable across runs, unique in practice, and never depend on generation order across patients.
 */
import { hash128 } from './prng.ts';

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** A UUID-like id (version nibble 4, variant 8) from any text. */
export function idFrom(text: string): string {
  const [a, b, c, d] = hash128(text);
  const h = hex8(a) + hex8(b) + hex8(c) + hex8(d);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Hands out ids for one scope: `next('Observation')` gives a fresh id each call. */
export class IdFactory {
  private readonly counters = new Map<string, number>();

  constructor(private readonly scope: string) {}

  next(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return idFrom(`${this.scope}|${kind}|${n}`);
  }

  /** A named, non-counted id, e.g. `fixed('Patient')`. */
  fixed(name: string): string {
    return idFrom(`${this.scope}|${name}`);
  }
}

export function seedText(seed: string | number): string {
  return typeof seed === 'number' ? `n:${seed}` : `s:${seed}`;
}
