-- Keyset paging through one patient's compartment (`Patient/$everything`) in O(page), whatever
-- the table's size or where in it the patient's rows lie. The GIN index on `compartments` finds a
-- patient's rows but not in rid order: every page would fetch and sort the whole compartment, or
-- the planner walks `resource_rid` and filters, which reads every row between two of the
-- patient's (measured: 47k rows skipped for page 1 behind 200 other patients).
--
-- Almost every resource is in at most one compartment, so a btree on the first member orders a
-- patient's rows by rid. The few rows in several compartments (an Observation whose performer is
-- another patient, a linked Patient, a Group) are found through a small partial GIN index; the
-- query takes the union (search/everything.ts). Deleted rows are left out of both.
CREATE INDEX resource_compartment_keyset ON resource (tenant_id, (compartments[1]), rid) WHERE NOT deleted;
CREATE INDEX resource_compartments_shared ON resource USING gin (compartments) WHERE cardinality(compartments) > 1 AND NOT deleted;
