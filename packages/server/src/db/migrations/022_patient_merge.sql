-- Patient merges (exchange/merge): which resources a merge moved from the merged-away patient to
-- the survivor, and where in each the reference was rewritten, so that an unmerge moves exactly
-- those back. At most one merge of a patient is in force at a time (unmerged_at null).
CREATE TABLE IF NOT EXISTS patient_merge (
  tenant_id text NOT NULL,
  id text NOT NULL,
  source_id text NOT NULL,
  target_id text NOT NULL,
  merged_at timestamptz NOT NULL,
  merged_by text NOT NULL,
  -- [{type, id, refs: [{path: [...keys], was: "Patient/x"}]}]
  moved jsonb NOT NULL,
  -- The source's `active` before the merge (null: it had none).
  source_active boolean,
  unmerged_at timestamptz,
  unmerged_by text,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS patient_merge_in_force ON patient_merge (tenant_id, source_id) WHERE unmerged_at IS NULL;
CREATE INDEX IF NOT EXISTS patient_merge_target ON patient_merge (tenant_id, target_id);
