/**
 * A patient's account as the portal shows it: their issued invoices (Invoice.totalGross is the
 * patient's responsibility) with what was paid on each (the payment ledger) and what is still
 * due, their payments, and the balance. `GET /Patient/{id}/$statement` answers it as Parameters:
 * `balance`, `invoice`* (parts invoice, date, description, total, paid, due, status) and
 * `payment`* (parts date, amount, invoice, method, reference: the processor's confirmation, and
 * payment: the PaymentReconciliation), newest first.
 */
import type { Invoice, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { callerOf, checkActsFor, checkPermits } from '../messaging/caller.ts';
import { OperationInputs } from '../operation-inputs.ts';
import { centsOf, usd } from './money.ts';
import { PaymentLedger, type LedgerPayment } from './payment-ledger.ts';

const OP = '$statement';
const MAX_INVOICES = 200;

export interface InvoiceBalance {
  invoice: Invoice;
  totalCents: number;
  paidCents: number;
  dueCents: number;
}

export interface PatientAccount {
  invoices: InvoiceBalance[];
  payments: LedgerPayment[];
  balanceCents: number;
}

export const invoiceTotalCents = (invoice: Invoice): number => centsOf(invoice.totalGross) ?? 0;

export const invoiceDescription = (invoice: Invoice): string => invoice.type?.text ?? invoice.lineItem?.map((l) => l.chargeItemCodeableConcept?.text).filter(Boolean).join(', ') ?? 'Statement';

export async function patientAccount(ctx: ApiContext, patientId: string): Promise<PatientAccount> {
  const page = await ctx.repo.search(ctx.repo.parseCriteria('Invoice', `subject=Patient/${patientId}&status=issued,balanced&_sort=-date`), { count: MAX_INVOICES });
  const payments = await new PaymentLedger(ctx.repo.queryable, ctx.repo.tenantId).forPatient(patientId);
  const invoices = page.matches.map((m) => {
    const invoice = JSON.parse(m.content) as Invoice;
    const totalCents = invoiceTotalCents(invoice);
    const paidCents = payments.filter((p) => p.invoiceId === invoice.id).reduce((sum, p) => sum + p.amountCents, 0);
    return { invoice, totalCents, paidCents, dueCents: Math.max(0, totalCents - paidCents) };
  });
  return { invoices, payments, balanceCents: invoices.reduce((sum, i) => sum + i.dueCents, 0) };
}

function invoicePart(i: InvoiceBalance): ParametersParameter {
  return {
    name: 'invoice',
    part: [
      { name: 'invoice', valueReference: { reference: `Invoice/${i.invoice.id!}` } },
      ...(i.invoice.date ? [{ name: 'date', valueDateTime: i.invoice.date }] : []),
      { name: 'description', valueString: invoiceDescription(i.invoice) },
      { name: 'total', valueMoney: usd(i.totalCents) },
      { name: 'paid', valueMoney: usd(i.paidCents) },
      { name: 'due', valueMoney: usd(i.dueCents) },
      { name: 'status', valueCode: i.dueCents === 0 ? 'balanced' : i.invoice.status },
    ],
  };
}

function paymentPart(p: LedgerPayment): ParametersParameter {
  return {
    name: 'payment',
    part: [
      { name: 'date', valueDateTime: p.paidAt },
      { name: 'amount', valueMoney: usd(p.amountCents) },
      { name: 'invoice', valueReference: { reference: `Invoice/${p.invoiceId}` } },
      { name: 'method', valueString: p.method },
      { name: 'reference', valueString: p.processorReference },
      { name: 'payment', valueReference: { reference: `PaymentReconciliation/${p.id}` } },
    ],
  };
}

export async function statementOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const caller = callerOf(ctx, OP);
  checkActsFor(caller, patientId);
  checkPermits(caller, 'read', 'Invoice', OP);
  OperationInputs.read(req, OP, []);
  const account = await patientAccount(ctx, patientId);
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [{ name: 'balance', valueMoney: usd(account.balanceCents) }, ...account.invoices.map(invoicePart), ...account.payments.map(paymentPart)],
  };
  return { status: 200, headers: {}, body };
}
