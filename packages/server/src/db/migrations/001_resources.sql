-- Resources, their full history, and the search-index tables maintained on write.
-- `rid` is a surrogate key so index rows stay narrow; (tenant_id, resource_type, id) is the
-- FHIR identity. Every row carries its tenant (the owning organization).

CREATE SEQUENCE resource_rid_seq;

CREATE TABLE resource (
  rid            bigint      NOT NULL,
  tenant_id      text        NOT NULL,
  resource_type  text        NOT NULL,
  id             text        NOT NULL,
  version_id     integer     NOT NULL,
  last_updated   timestamptz NOT NULL,
  deleted        boolean     NOT NULL DEFAULT false,
  content        text,
  compartments   text[]      NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, resource_type, id)
);
CREATE UNIQUE INDEX resource_rid ON resource (rid);
CREATE INDEX resource_type_updated ON resource (tenant_id, resource_type, last_updated, id);
CREATE INDEX resource_compartments ON resource USING gin (compartments);

-- Append-only: one row per version, including deletions (content is null for those).
CREATE TABLE resource_history (
  tenant_id      text        NOT NULL,
  resource_type  text        NOT NULL,
  id             text        NOT NULL,
  version_id     integer     NOT NULL,
  last_updated   timestamptz NOT NULL,
  method         text        NOT NULL,
  content        text,
  PRIMARY KEY (tenant_id, resource_type, id, version_id)
);
CREATE INDEX history_system ON resource_history (tenant_id, last_updated);
CREATE INDEX history_type ON resource_history (tenant_id, resource_type, last_updated);

CREATE TABLE sp_string (
  rid bigint NOT NULL, tenant_id text NOT NULL, resource_type text NOT NULL, param text NOT NULL,
  norm text NOT NULL, exact text NOT NULL
);
CREATE INDEX sp_string_lookup ON sp_string (tenant_id, resource_type, param, norm text_pattern_ops);
CREATE INDEX sp_string_rid ON sp_string (rid);

CREATE TABLE sp_token (
  rid bigint NOT NULL, tenant_id text NOT NULL, resource_type text NOT NULL, param text NOT NULL,
  system text, code text, text text, type_system text, type_code text
);
CREATE INDEX sp_token_lookup ON sp_token (tenant_id, resource_type, param, code, system);
CREATE INDEX sp_token_rid ON sp_token (rid);

CREATE TABLE sp_date (
  rid bigint NOT NULL, tenant_id text NOT NULL, resource_type text NOT NULL, param text NOT NULL,
  low timestamptz NOT NULL, high timestamptz NOT NULL
);
CREATE INDEX sp_date_lookup ON sp_date (tenant_id, resource_type, param, low, high);
CREATE INDEX sp_date_rid ON sp_date (rid);

CREATE TABLE sp_number (
  rid bigint NOT NULL, tenant_id text NOT NULL, resource_type text NOT NULL, param text NOT NULL,
  value numeric NOT NULL, low numeric NOT NULL, high numeric NOT NULL
);
CREATE INDEX sp_number_lookup ON sp_number (tenant_id, resource_type, param, value);
CREATE INDEX sp_number_rid ON sp_number (rid);

CREATE TABLE sp_quantity (
  rid bigint NOT NULL, tenant_id text NOT NULL, resource_type text NOT NULL, param text NOT NULL,
  value numeric NOT NULL, low numeric NOT NULL, high numeric NOT NULL,
  system text, code text, unit text
);
CREATE INDEX sp_quantity_lookup ON sp_quantity (tenant_id, resource_type, param, code, value);
CREATE INDEX sp_quantity_rid ON sp_quantity (rid);

CREATE TABLE sp_reference (
  rid bigint NOT NULL, tenant_id text NOT NULL, resource_type text NOT NULL, param text NOT NULL,
  target_type text, target_id text, url text, identifier_system text, identifier_value text
);
CREATE INDEX sp_reference_lookup ON sp_reference (tenant_id, resource_type, param, target_id);
CREATE INDEX sp_reference_target ON sp_reference (tenant_id, target_type, target_id);
CREATE INDEX sp_reference_rid ON sp_reference (rid);

CREATE TABLE sp_uri (
  rid bigint NOT NULL, tenant_id text NOT NULL, resource_type text NOT NULL, param text NOT NULL,
  value text NOT NULL
);
CREATE INDEX sp_uri_lookup ON sp_uri (tenant_id, resource_type, param, value);
CREATE INDEX sp_uri_rid ON sp_uri (rid);
