-- `:contains` string search (`name:contains=son`) cannot use the btree prefix index; a trigram
-- index serves it. pg_trgm ships with PostgreSQL (contrib) and with PGlite, and is a trusted
-- extension, so the database owner can create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX sp_string_trgm ON sp_string USING gin (norm gin_trgm_ops);
