/**
 * Card payment processors. The portal charges through the one `CONTINUUM_PAYMENTS` names (`test`
 * by default); a real one (Stripe, Square, ...) implements `PaymentProcessor` and is added to
 * `processorNamed`. The card details pass through to the processor and are never stored or
 * logged: what the clinic keeps of a card is its brand and last four digits (`cardLabel`).
 *
 * The test processor charges nothing: a card number that passes the Luhn check is approved, except
 * 4000000000000002, which is declined (as with the well-known test card of the same number); a
 * card past its expiry month is declined too.
 */
import { createHash } from 'node:crypto';

export interface Card {
  number: string;
  expMonth: number;
  /** Four digits. */
  expYear: number;
  cvc: string;
  name: string;
}

export interface ChargeRequest {
  amountCents: number;
  currency: 'USD';
  card: Card;
  /** Sent to the processor so that a retried charge is not made twice. */
  idempotencyKey: string;
  description: string;
}

export type ChargeResult = { approved: true; reference: string } | { approved: false; reason: string };

export interface PaymentProcessor {
  readonly name: string;
  charge(request: ChargeRequest, now: Date): Promise<ChargeResult>;
}

export const DECLINED_TEST_CARD = '4000000000000002';

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

export function cardBrand(digits: string): string {
  if (/^4/.test(digits)) return 'Visa';
  if (/^(5[1-5]|2[2-7])/.test(digits)) return 'Mastercard';
  if (/^3[47]/.test(digits)) return 'American Express';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'Discover';
  return 'Card';
}

/** What the clinic keeps of a card, e.g. "Visa ending 4242". */
export const cardLabel = (digits: string): string => `${cardBrand(digits)} ending ${digits.slice(-4)}`;

export const expired = (card: Card, now: Date): boolean => card.expYear * 12 + card.expMonth < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;

export const testProcessor: PaymentProcessor = {
  name: 'test',
  charge(request, now) {
    const { card } = request;
    if (!luhnValid(card.number)) return Promise.resolve({ approved: false, reason: 'the card number is not valid' });
    if (card.number === DECLINED_TEST_CARD) return Promise.resolve({ approved: false, reason: 'the card issuer declined the payment' });
    if (expired(card, now)) return Promise.resolve({ approved: false, reason: 'the card has expired' });
    // A reference that depends on the idempotency key only, as a real processor's retried charge would.
    const reference = `test_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24)}`;
    return Promise.resolve({ approved: true, reference });
  },
};

/**
 * The processor `CONTINUUM_PAYMENTS` names, or undefined when it names none this server knows
 * (`none` included). Unset, it is the test processor only while the demo clinic is on
 * (`CONTINUUM_DEMO` not `0`): a server holding real patients never pretends to take their money.
 */
export function processorNamed(name: string | undefined, env: NodeJS.ProcessEnv = process.env): PaymentProcessor | undefined {
  const chosen = name ?? (env.CONTINUUM_DEMO === '0' ? 'none' : 'test');
  return chosen === 'test' ? testProcessor : undefined;
}
