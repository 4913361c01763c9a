-- `near` search on Location (`Location?near=lat|long|distance|units`): positions indexed on write.
--
-- One row per Location.position with both coordinates in range, in WGS84 degrees, like every other
-- index table (tenant, type, param, rid; `grp` for uniformity, always null here). No PostGIS:
-- PGlite has no such extension, and a btree serves well enough. A search first narrows to a
-- latitude band (and, away from the poles, a longitude band) that surely holds every point within
-- the distance, through the lookup index, then keeps the points whose great-circle (haversine)
-- distance is within it (search/near-sql.ts).
CREATE TABLE sp_position (
  rid bigint NOT NULL, tenant_id text NOT NULL, resource_type text NOT NULL, param text NOT NULL,
  latitude double precision NOT NULL, longitude double precision NOT NULL, grp integer
);
CREATE INDEX sp_position_lookup ON sp_position (tenant_id, resource_type, param, latitude, longitude);
CREATE INDEX sp_position_rid ON sp_position (rid);

-- Locations stored before this migration have no position rows: queue one reindex job over
-- Location per tenant that has any. A node with jobs on (the default) claims it at start; so does
-- `continuum reindex --job <id>`. Until it is done, `near` misses those Locations.
INSERT INTO reindex_job (id, tenant_id, resource_types, batch_size)
  SELECT gen_random_uuid()::text, tenant_id, ARRAY['Location'], 250
  FROM (SELECT DISTINCT tenant_id FROM resource WHERE resource_type = 'Location' AND NOT deleted) t;
