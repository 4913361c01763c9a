-- Planner statistics across the token and reference index tables' key columns. A search
-- condition names the tenant, the resource type, the parameter and a code (or target type)
-- together, and these are far from independent (`class` is a parameter of Encounter only; `AMB`
-- is a code of `class` only). Multiplying their separate frequencies, the planner took
-- `Encounter?class=AMB` for 33 rows where there were 2,600 and drove a patient's visit search
-- from it (36 ms) instead of from the patient's references (22 rows, 5 ms). Multi-column
-- most-common-value lists give it the frequencies of the combinations; ANALYZE fills them
-- (statistics.ts runs it as the store grows).
-- Tried and left out, measured on 10,000 patients: the same lists on sp_date and sp_string made
-- `Patient?birthdate=...&name=...` read 627 buffers instead of 112 (the birth-date range was then
-- judged against the dates of every type); functional-dependency statistics tripled the ANALYZE
-- time and estimated worse.
CREATE STATISTICS IF NOT EXISTS sp_token_keys (mcv) ON tenant_id, resource_type, param, code FROM sp_token;
CREATE STATISTICS IF NOT EXISTS sp_reference_keys (mcv) ON tenant_id, resource_type, param, target_type FROM sp_reference;
