/**
 * Money and card entry for the billing page, without I/O: amounts as people read them, an
 * amount typed by the patient parsed to cents-exact dollars, the card form's checks (Luhn, MM/YY
 * not past, CVC) before anything is sent, the `$statement` answer read into rows, and a fresh
 * idempotency key for each payment attempt.
 */
import type { Money, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { partNamed, partsNamed, partText } from '../parameters.ts';

export function formatMoney(money: Money | undefined): string {
  const value = money?.value ?? 0;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: money?.currency ?? 'USD' }).format(value);
}

/** "12.5", "$1,012.50" → 1012.5; undefined unless a positive amount with at most two decimals. */
export function parseAmount(text: string): number | undefined {
  const clean = text.replace(/[$,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return undefined;
  const value = Number(clean);
  return value > 0 ? value : undefined;
}

export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export interface CardForm {
  amount: string;
  cardNumber: string;
  expiry: string;
  cvc: string;
  nameOnCard: string;
}

/** The problems with a card form, by field (empty when it can be sent). */
export function cardFormErrors(form: CardForm, due: number, now: Date): Partial<Record<keyof CardForm, string>> {
  const errors: Partial<Record<keyof CardForm, string>> = {};
  const amount = parseAmount(form.amount);
  if (amount === undefined) errors.amount = 'Enter an amount, like 25.00.';
  else if (amount > due + 1e-9) errors.amount = `You can pay at most ${formatMoney({ value: due, currency: 'USD' })}.`;
  if (!luhnValid(form.cardNumber.replace(/[\s-]/g, ''))) errors.cardNumber = 'Check the card number.';
  const expiry = /^(\d{2})\s*\/\s*(\d{2})$/.exec(form.expiry.trim());
  const month = expiry ? Number(expiry[1]) : 0;
  if (!expiry || month < 1 || month > 12) errors.expiry = 'Use MM/YY, like 04/28.';
  else if (2000 + Number(expiry[2]) < now.getFullYear() || (2000 + Number(expiry[2]) === now.getFullYear() && month < now.getMonth() + 1)) errors.expiry = 'This card has expired.';
  if (!/^\d{3,4}$/.test(form.cvc.trim())) errors.cvc = 'The 3 or 4 digits on the back of the card.';
  if (!form.nameOnCard.trim()) errors.nameOnCard = 'Enter the name on the card.';
  return errors;
}

/**
 * A new key (a random UUID) per payment attempt: a retry of the same attempt (a lost answer)
 * reuses it. Built from `getRandomValues` because `randomUUID` exists only on HTTPS and localhost.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface StatementInvoice {
  invoiceId: string | undefined;
  date: string | undefined;
  description: string;
  total: Money | undefined;
  paid: Money | undefined;
  due: Money | undefined;
  status: string | undefined;
}

export interface StatementPayment {
  date: string | undefined;
  amount: Money | undefined;
  invoiceId: string | undefined;
  method: string | undefined;
  reference: string | undefined;
}

export interface Statement {
  balance: Money | undefined;
  invoices: StatementInvoice[];
  payments: StatementPayment[];
}

const invoiceIdOf = (part: ParametersParameter) => partNamed(part, 'invoice')?.valueReference?.reference?.replace(/^Invoice\//, '');

/** The `$statement` answer as rows: invoices newest first, payments newest first. */
export function readStatement(params: Parameters): Statement {
  const byDate = <T extends { date: string | undefined }>(a: T, b: T) => (b.date ?? '').localeCompare(a.date ?? '');
  return {
    balance: partNamed(params, 'balance')?.valueMoney,
    invoices: partsNamed(params, 'invoice')
      .map((p) => ({
        invoiceId: invoiceIdOf(p),
        date: partText(p, 'date'),
        description: partText(p, 'description') ?? 'Visit',
        total: partNamed(p, 'total')?.valueMoney,
        paid: partNamed(p, 'paid')?.valueMoney,
        due: partNamed(p, 'due')?.valueMoney,
        status: partText(p, 'status'),
      }))
      .sort(byDate),
    payments: partsNamed(params, 'payment')
      .map((p) => ({
        date: partText(p, 'date'),
        amount: partNamed(p, 'amount')?.valueMoney,
        invoiceId: invoiceIdOf(p),
        method: partText(p, 'method'),
        reference: partText(p, 'reference'),
      }))
      .sort(byDate),
  };
}
