-- Share links of the patient portal (portal/record/share-store.ts): a patient, a proxy or staff on
-- the patient's behalf lets someone without an account download the patient's summary for a while.
-- Only the SHA-256 of the link's token is stored, so the table alone cannot open a link. The
-- summary itself is not stored: it is built when the link is opened, so a revoked or expired link
-- leaves no copy of the record behind.
CREATE TABLE IF NOT EXISTS portal_share (
  tenant_id text NOT NULL,
  id text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  patient_id text NOT NULL,
  format text NOT NULL CHECK (format IN ('fhir', 'pdf')),
  recipient text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  access_count integer NOT NULL DEFAULT 0,
  last_accessed timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS portal_share_patient ON portal_share (tenant_id, patient_id, created_at);
