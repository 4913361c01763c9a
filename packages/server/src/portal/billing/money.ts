/** US dollars as FHIR Money and as whole cents (the ledger's unit), and back. */
import type { Money } from '@medplum/fhirtypes';

export const usd = (cents: number): Money => ({ value: Math.round(cents) / 100, currency: 'USD' });

/** Whole cents of a Money, or undefined when it has fractions of a cent. */
export function centsOf(m: Money | undefined): number | undefined {
  if (typeof m?.value !== 'number') return undefined;
  const cents = Math.round(m.value * 100);
  return Math.abs(cents - m.value * 100) < 1e-6 ? cents : undefined;
}
