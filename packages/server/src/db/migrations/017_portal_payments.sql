-- Card payments made through the patient portal (portal/billing/): the ledger an invoice's paid
-- amount and due balance are computed from, one row per approved payment, beside the
-- PaymentReconciliation resource that records it in FHIR (same id). Amounts are in cents. Only the
-- card's brand and last four digits are kept (`method`, e.g. "Visa ending 4242"), never the card
-- number, expiry or CVC. A client's idempotency key is unique per invoice: a repeated request
-- finds the first payment instead of charging again.
CREATE TABLE IF NOT EXISTS portal_payment (
  tenant_id text NOT NULL,
  id text NOT NULL,
  invoice_id text NOT NULL,
  patient_id text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  currency text NOT NULL CHECK (currency = 'USD'),
  method text NOT NULL,
  processor_reference text NOT NULL,
  idempotency_key text,
  paid_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS portal_payment_invoice ON portal_payment (tenant_id, invoice_id);
CREATE INDEX IF NOT EXISTS portal_payment_patient ON portal_payment (tenant_id, patient_id, paid_at);
CREATE UNIQUE INDEX IF NOT EXISTS portal_payment_idempotency ON portal_payment (tenant_id, invoice_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
