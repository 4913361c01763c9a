-- Custom SearchParameters and the reindex job.
--
-- search_param_generation counts, per tenant, every change to what its registry holds: a write of
-- a SearchParameter (via the triggers below) and a finished reindex job. App nodes cache each
-- tenant's registry with the generation it was built at and learn of changes by NOTIFY on
-- channel `continuum_search_params` (payload: the tenant id). Every write passes the tenant's
-- fence first (continuum_search_params_fence in its transaction, or _check inside a single
-- write's statement): a shared advisory lock on the tenant, then the current generation, so a
-- node whose cache is behind re-indexes the write before it commits.
-- A SearchParameter write (and each reindex batch) takes the same lock exclusively, so it waits
-- for writes indexed with the old registry to commit, and no such write can commit after it.
CREATE TABLE search_param_generation (
  tenant_id   text   PRIMARY KEY,
  generation  bigint NOT NULL
);

-- The generation at which each SearchParameter resource was last written: a parameter is
-- searchable once a finished reindex job of its base types started at that generation or later.
CREATE TABLE search_param_revision (
  tenant_id   text   NOT NULL,
  id          text   NOT NULL,
  generation  bigint NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE FUNCTION continuum_search_params_lock_key(p_tenant text) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$ SELECT hashtextextended('continuum.search_params' || chr(31) || p_tenant, 0) $fn$;

-- Volatile: the SELECT after the lock takes a fresh snapshot, so it sees a change that committed
-- while this transaction waited for the lock.
CREATE FUNCTION continuum_search_params_fence(p_tenant text, p_exclusive boolean) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE g bigint;
BEGIN
  IF p_exclusive THEN
    PERFORM pg_advisory_xact_lock(continuum_search_params_lock_key(p_tenant));
  ELSE
    PERFORM pg_advisory_xact_lock_shared(continuum_search_params_lock_key(p_tenant));
  END IF;
  SELECT generation INTO g FROM search_param_generation WHERE tenant_id = p_tenant;
  RETURN coalesce(g, 0);
END
$fn$;

-- The same check inside a single write's statement (the writer's guarded routines): fails with
-- SQLSTATE CN001 when the generation the write was indexed at is no longer current.
CREATE FUNCTION continuum_search_params_check(p_tenant text, p_generation bigint, p_exclusive boolean) RETURNS void
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  IF continuum_search_params_fence(p_tenant, p_exclusive) <> p_generation THEN
    RAISE EXCEPTION 'the search parameters of tenant % changed', p_tenant USING ERRCODE = 'CN001';
  END IF;
END
$fn$;

CREATE FUNCTION continuum_search_params_bump(p_tenant text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE g bigint;
BEGIN
  INSERT INTO search_param_generation AS s (tenant_id, generation) VALUES (p_tenant, 1)
  ON CONFLICT (tenant_id) DO UPDATE SET generation = s.generation + 1
  RETURNING s.generation INTO g;
  PERFORM pg_notify('continuum_search_params', p_tenant);
  RETURN g;
END
$fn$;

CREATE FUNCTION continuum_search_param_written() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE g bigint;
BEGIN
  PERFORM continuum_search_params_fence(NEW.tenant_id, true);
  g := continuum_search_params_bump(NEW.tenant_id);
  INSERT INTO search_param_revision AS v (tenant_id, id, generation) VALUES (NEW.tenant_id, NEW.id, g)
  ON CONFLICT (tenant_id, id) DO UPDATE SET generation = EXCLUDED.generation;
  RETURN NULL;
END
$fn$;

-- `UPDATE OF version_id`: a new version (or a deletion), not the reindex job's compartment fix-ups.
CREATE TRIGGER resource_search_param_insert AFTER INSERT ON resource
  FOR EACH ROW WHEN (NEW.resource_type = 'SearchParameter') EXECUTE FUNCTION continuum_search_param_written();
CREATE TRIGGER resource_search_param_update AFTER UPDATE OF version_id ON resource
  FOR EACH ROW WHEN (NEW.resource_type = 'SearchParameter') EXECUTE FUNCTION continuum_search_param_written();

-- SearchParameters stored before this migration count as written at generation 1.
INSERT INTO search_param_generation (tenant_id, generation)
  SELECT DISTINCT tenant_id, 1 FROM resource WHERE resource_type = 'SearchParameter';
INSERT INTO search_param_revision (tenant_id, id, generation)
  SELECT tenant_id, id, 1 FROM resource WHERE resource_type = 'SearchParameter';

-- One row per reindex job. A job re-extracts the index rows of every current resource of its
-- types (NULL: every type) with rid <= max_rid, in rid order, one batch per transaction; the
-- batch commits cursor_rid and done with its rows, so a job resumes where it stopped. A runner
-- holds a job through a lease renewed with every batch; a job whose lease lapsed (its runner
-- died) is claimed again by any node. `generation` is the registry generation of its first batch.
CREATE TABLE reindex_job (
  id              text        PRIMARY KEY,
  tenant_id       text        NOT NULL,
  resource_types  text[],
  status          text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  batch_size      integer     NOT NULL,
  generation      bigint,
  max_rid         bigint,
  cursor_rid      bigint      NOT NULL DEFAULT 0,
  done            bigint      NOT NULL DEFAULT 0,
  total           bigint,
  attempts        integer     NOT NULL DEFAULT 0,
  runner          text,
  lease_until     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  error           text
);
CREATE INDEX reindex_job_open ON reindex_job (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX reindex_job_tenant ON reindex_job (tenant_id, status);
