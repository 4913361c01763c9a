/**
 * The portal's payment ledger (table `portal_payment`, migration 017): the only code that reads or
 * writes it. Amounts are whole cents. Callers that compute a due balance and then pay hold the
 * invoice's payment lock (`lockInvoice`) in the same transaction, so two payments of one invoice
 * are decided one after the other and never overpay it.
 */
import type { Queryable } from '../../db/database.ts';

export interface LedgerPayment {
  id: string;
  invoiceId: string;
  patientId: string;
  amountCents: number;
  method: string;
  processorReference: string;
  idempotencyKey?: string;
  paidAt: string;
}

interface Row {
  id: string;
  invoice_id: string;
  patient_id: string;
  amount_cents: string | number;
  method: string;
  processor_reference: string;
  idempotency_key: string | null;
  paid_at: Date | string;
}

const COLUMNS = 'id, invoice_id, patient_id, amount_cents, method, processor_reference, idempotency_key, paid_at';

function fromRow(r: Row): LedgerPayment {
  return {
    id: r.id,
    invoiceId: r.invoice_id,
    patientId: r.patient_id,
    amountCents: Number(r.amount_cents),
    method: r.method,
    processorReference: r.processor_reference,
    ...(r.idempotency_key ? { idempotencyKey: r.idempotency_key } : {}),
    paidAt: new Date(r.paid_at).toISOString(),
  };
}

export class PaymentLedger {
  constructor(
    private readonly q: Queryable,
    private readonly tenantId: string,
  ) {}

  /** Inside a transaction: waits for, then holds to commit, the right to pay this invoice. */
  async lockInvoice(invoiceId: string): Promise<void> {
    await this.q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${this.tenantId}\u001fportal-pay\u001f${invoiceId}`]);
  }

  async paidCents(invoiceId: string): Promise<number> {
    const { rows } = await this.q.query<{ paid: string | number | null }>('SELECT sum(amount_cents) AS paid FROM portal_payment WHERE tenant_id = $1 AND invoice_id = $2', [this.tenantId, invoiceId]);
    return Number(rows[0]?.paid ?? 0);
  }

  async byIdempotencyKey(invoiceId: string, key: string): Promise<LedgerPayment | undefined> {
    const { rows } = await this.q.query<Row>(`SELECT ${COLUMNS} FROM portal_payment WHERE tenant_id = $1 AND invoice_id = $2 AND idempotency_key = $3`, [this.tenantId, invoiceId, key]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** A patient's payments, newest first. */
  async forPatient(patientId: string): Promise<LedgerPayment[]> {
    const { rows } = await this.q.query<Row>(`SELECT ${COLUMNS} FROM portal_payment WHERE tenant_id = $1 AND patient_id = $2 ORDER BY paid_at DESC, id`, [this.tenantId, patientId]);
    return rows.map(fromRow);
  }

  async record(p: LedgerPayment): Promise<void> {
    await this.q.query(
      `INSERT INTO portal_payment (tenant_id, id, invoice_id, patient_id, amount_cents, currency, method, processor_reference, idempotency_key, paid_at) VALUES ($1, $2, $3, $4, $5, 'USD', $6, $7, $8, $9)`,
      [this.tenantId, p.id, p.invoiceId, p.patientId, p.amountCents, p.method, p.processorReference, p.idempotencyKey ?? null, p.paidAt],
    );
  }
}
