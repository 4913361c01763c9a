-- Composite search parameters and full-text search.
--
-- A composite parameter (Observation `component-code-value-quantity`) matches only when all of its
-- components hold for the same repeated element. Its component values are stored in the ordinary
-- index tables under `<code>$<component index>`, and `grp` numbers the element they came from, so
-- a search joins the component rows on (rid, grp). Ordinary rows leave `grp` null.
ALTER TABLE sp_string ADD COLUMN grp integer;
ALTER TABLE sp_token ADD COLUMN grp integer;
ALTER TABLE sp_date ADD COLUMN grp integer;
ALTER TABLE sp_number ADD COLUMN grp integer;
ALTER TABLE sp_quantity ADD COLUMN grp integer;
ALTER TABLE sp_reference ADD COLUMN grp integer;
ALTER TABLE sp_uri ADD COLUMN grp integer;

-- `_text` (the narrative) and `_content` (all the resource's text) as English text-search vectors.
-- Only the vector is kept; the text itself is in the resource.
CREATE TABLE sp_text (
  rid bigint NOT NULL, tenant_id text NOT NULL, resource_type text NOT NULL, param text NOT NULL,
  doc tsvector NOT NULL
);
CREATE INDEX sp_text_doc ON sp_text USING gin (doc);
CREATE INDEX sp_text_rid ON sp_text (rid);
-- No planner statistics on the vectors: computing lexeme statistics made every background
-- ANALYZE many times slower, and the planner's default selectivity for @@ serves these searches.
ALTER TABLE sp_text ALTER COLUMN doc SET STATISTICS 0;
