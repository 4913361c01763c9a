-- The audit trail in batch rows: one row per appended batch of entries instead of one per entry.
--
-- Each audited request waits for its entry's commit, and the commit's cost was mostly per row:
-- seven indexes, two hash checks and the row itself for every entry. A batch row holds its
-- entries as the exact JSON text that is hashed (chain.ts), so one row, one hash and one set of
-- index entries serve every entry recorded together.
--
-- Place: a batch takes the positions pos .. pos + n - 1 of its lane, continuing the lane's
-- chain where the per-entry rows of audit_entry (written before this migration) end. Its
-- prev_hash is the hash of the lane's previous entry or batch; audit_head keeps the lane's last
-- position and hash exactly as before, so anchors signed earlier stay valid.
--
-- Ids: entry i (from 0) of a batch has id seq + i. seq comes from audit_batch_seq, which steps by
-- 1024 (the most entries a batch holds) and starts above every id audit_entry used, so entry ids
-- stay unique, stay numbers, and keep growing in the order batches are written.
--
-- The report's columns (tenants, patients, users, actions and the time range) are what the
-- entries hold, kept beside them for the indexes. They are not hashed on their own: verification
-- recomputes them from the hashed entries, so changing one to hide a batch from the report is
-- found as surely as changing an entry.
CREATE TABLE audit_batch (
  seq           bigint      PRIMARY KEY CHECK (seq > 0),
  lane          smallint    NOT NULL CHECK (lane >= 0 AND lane < 16),
  pos           bigint      NOT NULL CHECK (pos > 0),
  n             integer     NOT NULL CHECK (n >= 1 AND n <= 1024),
  entries       text        NOT NULL,
  tenants       text[]      NOT NULL,
  patients      text[]      NOT NULL,
  -- User ids and lower-cased usernames.
  users         text[]      NOT NULL,
  actions       text[]      NOT NULL,
  recorded_min  timestamptz NOT NULL,
  recorded_max  timestamptz NOT NULL,
  prev_hash     text        NOT NULL CHECK (octet_length(decode(prev_hash, 'hex')) = 32 AND prev_hash = lower(prev_hash)),
  hash          text        NOT NULL CHECK (octet_length(decode(hash, 'hex')) = 32 AND hash = lower(hash))
-- A batch's row stays in the table's page rather than going to TOAST: most are a few kilobytes.
) WITH (toast_tuple_target = 8160);
CREATE UNIQUE INDEX audit_batch_lane_pos ON audit_batch (lane, pos);
-- Tenants too: in a database shared by many organizations, a small one's report would otherwise
-- walk every batch of the others (the per-entry table had (tenant_id, seq)).
CREATE INDEX audit_batch_tenants ON audit_batch USING gin (tenants);
CREATE INDEX audit_batch_patients ON audit_batch USING gin (patients);
CREATE INDEX audit_batch_users ON audit_batch USING gin (users);
CREATE INDEX audit_batch_recorded ON audit_batch (recorded_max);

CREATE SEQUENCE audit_batch_seq INCREMENT BY 1024 OWNED BY audit_batch.seq;
SELECT setval('audit_batch_seq', (coalesce((SELECT max(seq) FROM audit_entry), 0) / 1024 + 1) * 1024, false);

CREATE TRIGGER audit_batch_no_update BEFORE UPDATE ON audit_batch FOR EACH ROW EXECUTE FUNCTION continuum_audit_append_only();
CREATE TRIGGER audit_batch_no_delete BEFORE DELETE ON audit_batch FOR EACH ROW EXECUTE FUNCTION continuum_audit_append_only();
CREATE TRIGGER audit_batch_no_truncate BEFORE TRUNCATE ON audit_batch FOR EACH STATEMENT EXECUTE FUNCTION continuum_audit_append_only();
-- The per-entry rows are closed: every lane now continues in audit_batch.
CREATE TRIGGER audit_entry_no_insert BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION continuum_audit_append_only();
