/**
 * Fellegi–Sunter weights: for each field and agreement level, m = P(level | same person) and
 * u = P(level | different people); the level's weight is log2(m / u), and a pair's weight is the
 * sum over the fields both records have (a missing field weighs 0).
 *
 * m comes from the error rates registration data shows (and the generator in the tests
 * imitates): names mistyped or shortened in a few percent of records, birth dates with swapped
 * day and month or transposed digits in about one in fifty, addresses and phones that change
 * over years. u comes from chance agreement between two random people: one in ~30,000 for a
 * birth date over 80 years, one in ~100 for a common family name, one in two for sex.
 * Identifiers in a system that numbers people (SSN, passport, a driver's licence) are nearly
 * conclusive either way.
 */
import type { Comparison } from './compare.ts';

type Table<L extends string> = Record<L, { m: number; u: number }>;

export const M_U = {
  family: {
    exact: { m: 0.9, u: 0.008 },
    similar: { m: 0.07, u: 0.02 },
    different: { m: 0.03, u: 0.972 },
  },
  given: {
    exact: { m: 0.84, u: 0.012 },
    nickname: { m: 0.06, u: 0.002 },
    similar: { m: 0.06, u: 0.02 },
    initial: { m: 0.015, u: 0.04 },
    different: { m: 0.025, u: 0.926 },
  },
  birthDate: {
    exact: { m: 0.92, u: 0.00004 },
    swapped: { m: 0.02, u: 0.00003 },
    transposed: { m: 0.02, u: 0.0001 },
    typo: { m: 0.02, u: 0.0008 },
    'year-off': { m: 0.01, u: 0.0002 },
    different: { m: 0.01, u: 0.99885 },
  },
  sex: {
    same: { m: 0.98, u: 0.5 },
    different: { m: 0.02, u: 0.5 },
  },
  address: {
    same: { m: 0.6, u: 0.0005 },
    partial: { m: 0.15, u: 0.02 },
    different: { m: 0.25, u: 0.9795 },
  },
  phone: {
    same: { m: 0.7, u: 0.0002 },
    different: { m: 0.3, u: 0.9998 },
  },
  email: {
    same: { m: 0.75, u: 0.0001 },
    different: { m: 0.25, u: 0.9999 },
  },
  identifier: {
    same: { m: 0.95, u: 0.000001 },
    conflict: { m: 0.01, u: 0.98 },
  },
} as const satisfies { [F in keyof Comparison]-?: Table<NonNullable<Comparison[F]>> };

export type FieldWeights = { [F in keyof Comparison]?: number };

/** Each compared field's weight (log2 m/u), and their sum. */
export function weigh(c: Comparison): { total: number; fields: FieldWeights } {
  const fields: FieldWeights = {};
  let total = 0;
  for (const key of Object.keys(c) as (keyof Comparison)[]) {
    const level = c[key];
    if (level === undefined) continue;
    const { m, u } = (M_U[key] as Record<string, { m: number; u: number }>)[level]!;
    const w = Math.log2(m / u);
    fields[key] = w;
    total += w;
  }
  return { total, fields };
}
