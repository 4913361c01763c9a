-- The cards Continuum's CDS services issued (cds/card-log.ts), so that feedback about a card
-- (which names only its uuid) is recorded in the audit trail with the patient, the service and
-- the rule that fired. Card uuids are deterministic per hook call and finding, so a card issued
-- twice is one row. Rows older than 30 days are pruned when new cards are logged.
CREATE TABLE IF NOT EXISTS cds_card (
  tenant_id text NOT NULL,
  uuid text NOT NULL,
  service_id text NOT NULL,
  hook_instance text NOT NULL,
  patient_id text NOT NULL,
  rule text NOT NULL,
  indicator text NOT NULL,
  summary text NOT NULL,
  issued_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, uuid)
);
CREATE INDEX IF NOT EXISTS cds_card_issued ON cds_card (issued_at);
