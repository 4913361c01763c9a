-- The authorization server's state (identity issue, OAuth 2 / SMART slice).
--
-- `oauth_client`: the registered apps (SMART apps, backend services, the bootstrap client). Each
-- belongs to a tenant: its tokens act inside that organization only. `metadata` is the client's
-- OAuth metadata as oidc-provider reads it (RFC 7591 names: redirect_uris, grant_types,
-- token_endpoint_auth_method, jwks or jwks_uri, scope...). A confidential client's secret lives
-- in its metadata because client_secret_basic compares it; prefer private_key_jwt, which keeps
-- only a public key here.
CREATE TABLE oauth_client (
  client_id   text        PRIMARY KEY CHECK (client_id ~ '^[A-Za-z0-9._~-]{1,128}$'),
  tenant_id   text        NOT NULL,
  name        text        NOT NULL,
  metadata    jsonb       NOT NULL,
  disabled    boolean     NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- Everything oidc-provider persists through its adapter: sessions, interactions, grants,
-- authorization codes, access and refresh tokens, client-credentials tokens, replay detection
-- of client assertions. One row per (model, id); the payload is the model's JSON. Expired rows
-- are invisible to the adapter and swept in the background.
CREATE TABLE oauth_entry (
  model       text        NOT NULL,
  id          text        NOT NULL,
  payload     jsonb       NOT NULL,
  grant_id    text,
  uid         text,
  user_code   text,
  expires_at  timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX oauth_entry_grant ON oauth_entry (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oauth_entry_uid ON oauth_entry (uid) WHERE uid IS NOT NULL;
CREATE INDEX oauth_entry_expiry ON oauth_entry (expires_at);

-- SMART launch contexts. An EHR launch hands the app an opaque `launch` value that stands for
-- the patient (and encounter) open in the EHR; a grant records the context the user chose or the
-- launch carried, so that tokens issued from it (refreshes included) carry the same context.
CREATE TABLE smart_launch (
  id          text        PRIMARY KEY,
  tenant_id   text        NOT NULL,
  user_id     uuid,
  patient     text,
  encounter   text,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE TABLE smart_grant_context (
  grant_id    text        PRIMARY KEY,
  tenant_id   text        NOT NULL,
  patient     text,
  encounter   text,
  launched    boolean     NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL
);

-- Break-the-glass: a clinician's time-limited emergency access to one patient's restricted
-- records, with the reason given. Rows are never updated or deleted; an expired grant is inert.
CREATE TABLE break_glass_grant (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   text        NOT NULL,
  user_id     uuid        NOT NULL,
  patient     text        NOT NULL,
  reason      text        NOT NULL CHECK (length(reason) BETWEEN 10 AND 2000),
  granted_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX break_glass_user ON break_glass_grant (tenant_id, user_id, expires_at);

-- What sensitive categories (meta.security codes: R, PSY, SUD, ...) a user may see without
-- breaking the glass. Empty by default: restricted records are hidden unless granted.
ALTER TABLE user_account ADD COLUMN security_rights text[] NOT NULL DEFAULT '{}';
