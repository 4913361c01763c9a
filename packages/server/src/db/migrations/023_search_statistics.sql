-- Planner statistics across the search index tables' key columns. A search condition names the
-- tenant, the resource type, the parameter and a value together, and these are far from
-- independent (`class` is a parameter of Encounter only; `AMB` is a code of `class` only).
-- Multiplying their separate frequencies, the planner took `Encounter?class=AMB` for one row
-- and drove a patient's visit search from it (2,600 rows, 36 ms) instead of from the patient's
-- references (22 rows, 5 ms). The multi-column most-common-value lists below give it the
-- frequencies of the combinations (functional dependencies were tried too: three times the
-- ANALYZE time, and rougher estimates). ANALYZE fills them (statistics.ts runs it as the store
-- grows).
CREATE STATISTICS IF NOT EXISTS sp_token_keys (mcv) ON tenant_id, resource_type, param, code FROM sp_token;
CREATE STATISTICS IF NOT EXISTS sp_reference_keys (mcv) ON tenant_id, resource_type, param, target_type FROM sp_reference;
CREATE STATISTICS IF NOT EXISTS sp_quantity_keys (mcv) ON tenant_id, resource_type, param, code FROM sp_quantity;
CREATE STATISTICS IF NOT EXISTS sp_string_keys (mcv) ON tenant_id, resource_type, param FROM sp_string;
CREATE STATISTICS IF NOT EXISTS sp_date_keys (mcv) ON tenant_id, resource_type, param FROM sp_date;
