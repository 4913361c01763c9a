-- Patient portal invitations (issue 8, accounts part).
--
-- Staff invite a patient (or a proxy: a parent, a caregiver, named by a RelatedPerson) to the
-- portal; the invitation is mailed as a one-time link that lets them choose a username and a
-- password. Only the SHA-256 of the token is kept. An invitation works once (used_at), for seven
-- days; a new invitation for the same person voids the earlier ones (voided_at). `fhir_user` is
-- the resource the account will be linked to (Patient/<id> or RelatedPerson/<id>); `patient` is
-- the patient whose record the invitation was made from (the same id for a patient's own).
CREATE TABLE portal_invitation (
  token_hash  text        PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  tenant_id   text        NOT NULL,
  kind        text        NOT NULL CHECK (kind IN ('patient', 'proxy')),
  fhir_user   text        NOT NULL CHECK (fhir_user ~ '^(Patient|RelatedPerson)/[A-Za-z0-9.-]{1,64}$'),
  patient     text        NOT NULL CHECK (patient ~ '^[A-Za-z0-9.-]{1,64}$'),
  email       text        NOT NULL CHECK (length(email) <= 254 AND email ~ '^[^[:space:]@]+@[^[:space:]@]+$'),
  invited_by  uuid,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  voided_at   timestamptz,
  CHECK (expires_at > created_at),
  CHECK ((kind = 'patient') = (fhir_user LIKE 'Patient/%'))
);
CREATE INDEX portal_invitation_open ON portal_invitation (tenant_id, fhir_user) WHERE used_at IS NULL AND voided_at IS NULL;
