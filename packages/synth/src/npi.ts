/**
 * National Provider Identifiers for synthetic organizations and clinicians. An NPI is nine digits
 * plus a Luhn check digit computed over the digits prefixed with 80840 (the NPI's ISO card-issuer
 * prefix), exactly as CMS specifies, so generated NPIs pass real validators. They are drawn at
 * random and may coincide with real NPIs; they identify nobody.
 */
import type { Rng } from './prng.ts';

export const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';

/** Luhn check digit for a digit string (the digit that would be appended). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidNpi(npi: string): boolean {
  if (!/^[12]\d{9}$/.test(npi)) return false;
  return luhnCheckDigit(`80840${npi.slice(0, 9)}`) === Number(npi[9]);
}

/** Type 1 NPIs (individuals) start with 1, type 2 (organizations) with 2. */
export function makeNpi(rng: Rng, type: 1 | 2): string {
  const base = `${type}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
  return base + String(luhnCheckDigit(`80840${base}`));
}
