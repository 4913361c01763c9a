-- User accounts (identity issue, accounts slice) and one-time password-reset tokens.
--
-- Accounts belong to a tenant. A username is unique per tenant without regard to case; it is
-- ASCII-only, so lower() folds it the same way on every backend and collation. Staff carry roles
-- and are linked to a Practitioner or PractitionerRole and to an Organization; patients to their
-- Patient; proxies (a parent, a caregiver) to the RelatedPerson that records the relationship.
-- Admins must use MFA: the row cannot hold the admin role with mfa_required off. Only hashes of
-- passwords (argon2id), recovery codes (argon2id) and reset tokens (SHA-256) are stored.
-- The TOTP secret is stored as issued; encrypting it at rest comes with the key store.
CREATE TABLE user_account (
  tenant_id            text        NOT NULL,
  id                   uuid        NOT NULL DEFAULT gen_random_uuid(),
  username             text        NOT NULL
    CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$'),
  kind                 text        NOT NULL
    CHECK (kind IN ('staff', 'patient', 'proxy')),
  roles                text[]      NOT NULL DEFAULT '{}'
    CHECK (roles <@ ARRAY['admin', 'physician', 'nurse', 'front-desk', 'biller', 'auditor']::text[]
           AND array_position(roles, NULL) IS NULL),
  fhir_user            text        NOT NULL,
  organization         text
    CHECK (organization ~ '^Organization/[A-Za-z0-9.-]{1,64}$'),
  password_hash        text        NOT NULL
    CHECK (password_hash LIKE '$argon2id$%'),
  password_changed_at  timestamptz NOT NULL,
  disabled             boolean     NOT NULL DEFAULT false,
  mfa_required         boolean     NOT NULL DEFAULT false,
  mfa_enabled          boolean     NOT NULL DEFAULT false,
  totp_secret          text
    CHECK (totp_secret ~ '^[A-Z2-7]{16,128}$'),
  -- The last TOTP time step accepted: a code is never accepted twice (replay).
  totp_last_step       bigint,
  recovery_code_hashes text[]      NOT NULL DEFAULT '{}',
  failed_attempts      integer     NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until         timestamptz,
  last_login_at        timestamptz,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CHECK (
    (kind = 'staff' AND fhir_user ~ '^(Practitioner|PractitionerRole)/[A-Za-z0-9.-]{1,64}$')
    OR (kind = 'patient' AND fhir_user ~ '^Patient/[A-Za-z0-9.-]{1,64}$')
    OR (kind = 'proxy' AND fhir_user ~ '^RelatedPerson/[A-Za-z0-9.-]{1,64}$')
  ),
  CHECK (kind = 'staff' OR cardinality(roles) = 0),
  CHECK ((kind = 'staff') = (organization IS NOT NULL)),
  CHECK (NOT ('admin' = ANY (roles)) OR mfa_required),
  CHECK (NOT mfa_enabled OR totp_secret IS NOT NULL)
);
CREATE UNIQUE INDEX user_account_username ON user_account (tenant_id, lower(username));
CREATE UNIQUE INDEX user_account_id ON user_account (id);

-- A reset token is shown once (printed by the CLI, later mailed); only its SHA-256 is kept. It is
-- used at most once (used_at), and issuing a new one or changing the password retires the others.
CREATE TABLE password_reset_token (
  token_hash  text        PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  tenant_id   text        NOT NULL,
  user_id     uuid        NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  CHECK (expires_at > created_at),
  FOREIGN KEY (tenant_id, user_id) REFERENCES user_account (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX password_reset_token_user ON password_reset_token (tenant_id, user_id) WHERE used_at IS NULL;
