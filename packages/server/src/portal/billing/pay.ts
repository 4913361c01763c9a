/**
 * `POST /Invoice/{id}/$pay`: pays (part of) an invoice by card. Inputs `amount` (Money, USD, more
 * than 0 and at most what is due: else 422), `cardNumber`, `expiry` (MM/YY), `cvc`, `nameOnCard`
 * and `idempotencyKey` (optional: the same key on the same invoice answers the first payment
 * again and charges nothing). Answers Parameters `status` (approved), `payment`
 * (Reference(PaymentReconciliation)) and `balance` (what the patient still owes in all); a
 * declined card is a 402 and writes nothing.
 *
 * Patients and proxies pay the invoices of the patients they act for (a write they could not make
 * directly, made here after the check); staff need the right to record payments (billing).
 * Everything runs in one transaction holding the invoice's payment lock, so two payments at once
 * are decided in turn and the second sees the first: an invoice is never overpaid. The card goes
 * to the processor (processor.ts) and is never stored or logged: the records keep "Visa ending
 * 4242" and the processor's reference.
 */
import { randomUUID } from 'node:crypto';
import type { Invoice, Parameters, PaymentReconciliation } from '@medplum/fhirtypes';
import { badRequest, conflict, issue, outcome, OutcomeError, unprocessable } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { callerOf, checkActsFor, checkPermits, idOf } from '../messaging/caller.ts';
import { OperationInputs } from '../operation-inputs.ts';
import { centsOf, usd } from './money.ts';
import { PaymentLedger, type LedgerPayment } from './payment-ledger.ts';
import { cardLabel, processorNamed, type Card, type PaymentProcessor } from './processor.ts';
import { patientAccount, invoiceTotalCents } from './statement.ts';

const OP = '$pay';
const INPUTS = ['amount', 'cardNumber', 'expiry', 'cvc', 'nameOnCard', 'idempotencyKey'];

function readCard(inputs: OperationInputs): Card {
  const number = inputs.requiredString('cardNumber').replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number)) throw badRequest(`${OP}: 'cardNumber' must be 12 to 19 digits`);
  const expiry = /^(\d{2})\/(\d{2})$/.exec(inputs.requiredString('expiry'));
  const expMonth = Number(expiry?.[1]);
  if (!expiry || expMonth < 1 || expMonth > 12) throw badRequest(`${OP}: 'expiry' must be MM/YY`);
  const cvc = inputs.requiredString('cvc');
  if (!/^\d{3,4}$/.test(cvc)) throw badRequest(`${OP}: 'cvc' must be 3 or 4 digits`);
  const name = inputs.requiredString('nameOnCard');
  if (name.length > 100) throw badRequest(`${OP}: 'nameOnCard' is longer than 100 characters`);
  return { number, expMonth, expYear: 2000 + Number(expiry[2]), cvc, name };
}

function readAmount(inputs: OperationInputs): number {
  const amount = inputs.money('amount');
  if (!amount) throw badRequest(`${OP}: 'amount' is required`);
  if ((amount.currency ?? 'USD') !== 'USD') throw badRequest(`${OP}: payments are in USD`);
  const cents = centsOf(amount);
  if (cents === undefined) throw badRequest(`${OP}: 'amount' must be in whole cents`);
  if (cents <= 0) throw unprocessable(`${OP}: the amount must be more than 0`);
  return cents;
}

const declined = (reason: string): OutcomeError => new OutcomeError(402, outcome(issue('error', 'processing', `The payment was declined: ${reason}. No charge was made.`)));

function answer(payment: LedgerPayment, balanceCents: number): FhirResponse {
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'status', valueCode: 'approved' },
      { name: 'payment', valueReference: { reference: `PaymentReconciliation/${payment.id}` } },
      { name: 'balance', valueMoney: usd(balanceCents) },
    ],
  };
  return { status: 200, headers: {}, body };
}

function reconciliation(invoice: Invoice, payment: LedgerPayment): PaymentReconciliation {
  const amount = usd(payment.amountCents);
  return {
    resourceType: 'PaymentReconciliation',
    id: payment.id,
    status: 'active',
    created: payment.paidAt,
    paymentDate: payment.paidAt.slice(0, 10),
    paymentAmount: amount,
    paymentIdentifier: { system: 'urn:continuum:payment-reference', value: payment.processorReference },
    outcome: 'complete',
    disposition: `Card payment: ${payment.method}`,
    detail: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/payment-type', code: 'payment', display: 'Payment' }] }, request: { reference: `Invoice/${invoice.id!}` }, date: payment.paidAt.slice(0, 10), amount }],
  };
}

export async function payOperation(ctx: ApiContext, req: FhirRequest, invoiceId: string, processor: PaymentProcessor | undefined = processorNamed(process.env.CONTINUUM_PAYMENTS)): Promise<FhirResponse> {
  const caller = callerOf(ctx, OP);
  const inputs = OperationInputs.read(req, OP, INPUTS);
  const amountCents = readAmount(inputs);
  const card = readCard(inputs);
  const key = inputs.string('idempotencyKey');
  if (key !== undefined && !/^[A-Za-z0-9._:-]{8,100}$/.test(key)) throw badRequest(`${OP}: 'idempotencyKey' must be 8 to 100 letters, digits or . _ : -`);
  if (!processor) throw new OutcomeError(503, outcome(issue('error', 'not-supported', 'Card payments are not available: this server has no payment processor configured (CONTINUUM_PAYMENTS)')));
  return ctx.repo.inTransaction(async (repo) => {
    const tx: ApiContext = { ...ctx, repo };
    const ledger = new PaymentLedger(repo.queryable, repo.tenantId);
    await ledger.lockInvoice(invoiceId);
    const invoice = (await repo.read('Invoice', invoiceId)) as Invoice;
    const patientId = idOf(invoice.subject, 'Patient');
    if (!patientId) throw unprocessable(`${OP}: this invoice is not addressed to a patient`);
    checkActsFor(caller, patientId);
    if (caller.side === 'staff') checkPermits(caller, 'create', 'PaymentReconciliation', OP);
    if (key !== undefined) {
      const first = await ledger.byIdempotencyKey(invoiceId, key);
      if (first) {
        if (first.amountCents !== amountCents) throw conflict(`${OP}: this idempotency key was used for a payment of another amount`);
        return answer(first, (await patientAccount(tx, patientId)).balanceCents);
      }
    }
    if (invoice.status !== 'issued') throw unprocessable(`${OP}: this invoice is ${invoice.status === 'balanced' ? 'paid in full' : invoice.status}; there is nothing to pay`);
    const dueCents = invoiceTotalCents(invoice) - (await ledger.paidCents(invoiceId));
    if (amountCents > dueCents) throw unprocessable(`${OP}: the amount is more than the ${usd(Math.max(0, dueCents)).value!.toFixed(2)} USD due on this invoice`);
    const now = new Date();
    const result = await processor.charge({ amountCents, currency: 'USD', card, idempotencyKey: key ?? randomUUID(), description: `Invoice ${invoiceId}` }, now);
    if (!result.approved) throw declined(result.reason);
    const payment: LedgerPayment = { id: randomUUID(), invoiceId, patientId, amountCents, method: cardLabel(card.number), processorReference: result.reference, ...(key ? { idempotencyKey: key } : {}), paidAt: now.toISOString() };
    await repo.create(reconciliation(invoice, payment), { id: payment.id });
    await ledger.record(payment);
    if (amountCents === dueCents) await repo.update('Invoice', invoiceId, { ...invoice, status: 'balanced' });
    return answer(payment, (await patientAccount(tx, patientId)).balanceCents);
  });
}
