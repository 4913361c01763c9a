-- The audit trail in lanes: several independent hash chains, so that several appends can commit
-- at the same time (one chain makes every durable audit commit wait for the one before it).
--
-- lane (0..15) and pos (1, 2, ... within the lane) place an entry in its chain; the hash covers
-- them. audit_head holds one row per lane (id = lane + 1), each the last pos and hash of its lane.
-- seq stays the entry's id (AuditEvent id, report cursor, the order of the report) but now comes
-- from a sequence, so it may have gaps: a deletion shows as a gap in pos, within a lane.
-- Entries written before this migration are lane 0 with pos = seq: their hashes, which covered
-- seq, are unchanged.
ALTER TABLE audit_entry ADD COLUMN lane smallint NOT NULL DEFAULT 0 CHECK (lane >= 0 AND lane < 16);
ALTER TABLE audit_entry ADD COLUMN pos bigint;
ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_update;
UPDATE audit_entry SET pos = seq;
ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_update;
ALTER TABLE audit_entry ALTER COLUMN pos SET NOT NULL;
ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_pos_positive CHECK (pos > 0);
CREATE UNIQUE INDEX audit_entry_lane_pos ON audit_entry (lane, pos);
ALTER TABLE audit_entry ALTER COLUMN lane DROP DEFAULT;

CREATE SEQUENCE audit_entry_seq OWNED BY audit_entry.seq;
SELECT setval('audit_entry_seq', max(seq)) FROM audit_entry HAVING max(seq) IS NOT NULL;
ALTER TABLE audit_entry ALTER COLUMN seq SET DEFAULT nextval('audit_entry_seq');

ALTER TABLE audit_head DROP CONSTRAINT audit_head_id_check;
ALTER TABLE audit_head ADD CONSTRAINT audit_head_lane CHECK (id >= 1 AND id <= 16);
ALTER TABLE audit_head RENAME COLUMN seq TO pos;
INSERT INTO audit_head (id, pos, hash) SELECT id, 0, repeat('0', 64) FROM generate_series(2, 16) AS id;

CREATE OR REPLACE FUNCTION continuum_audit_head_forward() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.pos <= OLD.pos OR NEW.id <> OLD.id THEN
    RAISE EXCEPTION 'the audit head only moves forward (% to %)', OLD.pos, NEW.pos USING ERRCODE = 'CN002';
  END IF;
  RETURN NEW;
END
$fn$;
-- New lanes' rows are inserted here only: afterwards, as before, the head's rows can be neither
-- added nor removed through ordinary SQL.
CREATE TRIGGER audit_head_no_insert BEFORE INSERT ON audit_head FOR EACH ROW EXECUTE FUNCTION continuum_audit_append_only();
