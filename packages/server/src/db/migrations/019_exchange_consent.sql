-- Cross-organization exchange, consent and retrieve (exchange/consent, exchange/retrieve).
-- exchange_disclosure: what left this deployment for a partner organization, or was refused, one
-- row per disclosure (no content, only counts): the patient's "who holds my data" and reports.
-- exchange_received: what the receiving side did with items a partner sent (accepted, merged,
-- rejected), keyed by the item's remote URL, so that a later reconciliation shows the decision.
-- exchange_link: which record at a partner this tenant's patient was retrieved from.
CREATE TABLE IF NOT EXISTS exchange_disclosure (
  tenant_id text NOT NULL,
  id bigserial,
  patient_id text NOT NULL,
  organization_id text NOT NULL,
  organization_name text NOT NULL,
  purpose text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('match', 'query', 'referral', 'message', 'notification')),
  resources integer NOT NULL CHECK (resources >= 0),
  outcome text NOT NULL CHECK (outcome IN ('disclosed', 'denied')),
  at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS exchange_disclosure_patient ON exchange_disclosure (tenant_id, patient_id, at);

CREATE TABLE IF NOT EXISTS exchange_received (
  tenant_id text NOT NULL,
  patient_id text NOT NULL,
  source_url text NOT NULL,
  organization_id text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('accepted', 'rejected', 'merged')),
  local_ref text,
  decided_by text NOT NULL,
  decided_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, patient_id, source_url)
);
CREATE INDEX IF NOT EXISTS exchange_received_org ON exchange_received (tenant_id, patient_id, organization_id);

CREATE TABLE IF NOT EXISTS exchange_link (
  tenant_id text NOT NULL,
  patient_id text NOT NULL,
  organization_id text NOT NULL,
  remote_patient text NOT NULL,
  retrieved_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, patient_id, organization_id, remote_patient)
);
