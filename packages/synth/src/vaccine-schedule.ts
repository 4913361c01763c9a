/**
 * The CDC child and adolescent immunization schedule (2024), as doses at recommended ages, and
 * the adult vaccines the generator gives: seasonal influenza, Td/Tdap boosters, recombinant
 * zoster from 50 and pneumococcal conjugate from 65. Coverage figures (CDC NIS-Child and
 * NIS-Teen 2022, FluVaxView 2022-23, NHIS 2021 for adults) set how often doses happen, so the
 * histories have realistic gaps.
 */
export interface ScheduledDose {
  cvx: string;
  /** Recommended age in months. */
  months: number;
  /** Probability the dose is given, for a child who is not vaccine-hesitant. */
  coverage: number;
}

const dose = (cvx: string, months: number, coverage = 0.93): ScheduledDose => ({ cvx, months, coverage });

export const CHILD_SCHEDULE: readonly ScheduledDose[] = [
  dose('08', 0, 0.8), dose('08', 1.5), dose('08', 6.5),
  dose('116', 2, 0.78), dose('116', 4, 0.75), dose('116', 6, 0.72),
  dose('20', 2), dose('20', 4), dose('20', 6), dose('20', 16, 0.83), dose('20', 54, 0.88),
  dose('49', 2), dose('49', 4), dose('49', 13, 0.85),
  dose('133', 2), dose('133', 4), dose('133', 6), dose('133', 13, 0.85),
  dose('10', 2), dose('10', 4), dose('10', 9), dose('10', 54, 0.88),
  dose('03', 13, 0.91), dose('03', 54, 0.9),
  dose('21', 13, 0.9), dose('21', 54, 0.88),
  dose('83', 12, 0.85), dose('83', 18, 0.75),
  dose('115', 137, 0.9), dose('165', 137, 0.76), dose('165', 145, 0.63),
  dose('136', 137, 0.89), dose('136', 194, 0.6),
];

/** CVX for a season's flu shot by age (quadrivalent until the 2024-25 trivalent switch). */
export function fluCvx(seasonYear: number, age: number): string {
  if (seasonYear >= 2024) return age >= 65 ? '135' : '140';
  return age >= 65 ? '197' : '150';
}

/** FluVaxView 2022-23 season coverage by age group. */
export function fluCoverage(age: number): number {
  if (age < 0.5) return 0;
  if (age < 5) return 0.62;
  if (age < 18) return 0.5;
  if (age < 50) return 0.36;
  if (age < 65) return 0.5;
  return 0.7;
}
