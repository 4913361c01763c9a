-- The tamper-evident audit trail (HIPAA audit): one append-only, hash-chained log for all tenants.
--
-- Every entry carries the SHA-256 of the entry before it (prev_hash) and its own (hash, over
-- prev_hash and the entry's fields), so a changed or deleted entry breaks the chain. seq is
-- assigned by the writer from audit_head while it holds the audit advisory lock, not by a
-- sequence: a sequence leaves gaps on rollback, and a gap must mean a deletion. audit_head, one
-- row updated in the same transaction as each append, records the last seq and hash, so a
-- deleted tail (which leaves a valid but shorter chain) is detected too.
-- The triggers refuse UPDATE, DELETE and TRUNCATE of entries through ordinary SQL; an owner or
-- superuser can disable them, which is what the chain is for.
-- Timestamps are written with millisecond precision, the precision the hash is computed over.
CREATE TABLE audit_entry (
  seq          bigint      PRIMARY KEY CHECK (seq > 0),
  tenant_id    text        NOT NULL,
  recorded     timestamptz NOT NULL,
  action       text        NOT NULL CHECK (action IN ('login', 'logout', 'login-failed', 'read', 'vread', 'search',
                 'history', 'create', 'update', 'patch', 'delete', 'transaction', 'operation', 'export',
                 'break-glass', 'permission-change', 'token', 'revoke')),
  outcome      text        NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  priority     text        NOT NULL CHECK (priority IN ('normal', 'high')),
  user_id      text,
  username     text,
  -- The user's FHIR resource (Practitioner/..., Patient/...), kept as it was at the time.
  fhir_user    text,
  role         text,
  client_id    text,
  patients     text[]      NOT NULL DEFAULT '{}' CHECK (array_position(patients, NULL) IS NULL),
  resource     text,
  query        text,
  source_ip    text,
  detail       text,
  prev_hash    text        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash         text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_entry_tenant_seq ON audit_entry (tenant_id, seq);
CREATE INDEX audit_entry_tenant_recorded ON audit_entry (tenant_id, recorded);
CREATE INDEX audit_entry_patients ON audit_entry USING gin (patients);
CREATE INDEX audit_entry_user_id ON audit_entry (tenant_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX audit_entry_username ON audit_entry (tenant_id, lower(username)) WHERE username IS NOT NULL;

CREATE TABLE audit_head (
  id    integer PRIMARY KEY CHECK (id = 1),
  seq   bigint  NOT NULL CHECK (seq >= 0),
  hash  text    NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

CREATE FUNCTION continuum_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'CN002';
END
$fn$;

-- The head only moves forward, one append at a time.
CREATE FUNCTION continuum_audit_head_forward() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.seq <= OLD.seq OR NEW.id <> OLD.id THEN
    RAISE EXCEPTION 'the audit head only moves forward (% to %)', OLD.seq, NEW.seq USING ERRCODE = 'CN002';
  END IF;
  RETURN NEW;
END
$fn$;

CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry FOR EACH ROW EXECUTE FUNCTION continuum_audit_append_only();
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry FOR EACH ROW EXECUTE FUNCTION continuum_audit_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION continuum_audit_append_only();
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head FOR EACH ROW EXECUTE FUNCTION continuum_audit_head_forward();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head FOR EACH ROW EXECUTE FUNCTION continuum_audit_append_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE FUNCTION continuum_audit_append_only();
