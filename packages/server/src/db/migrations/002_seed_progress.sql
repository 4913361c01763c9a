-- Progress of `continuum seed` runs, one row per (tenant, seed). Patient i of a population
-- depends only on (seed, i), so a run that stopped resumes at next_index; each batch of patients
-- and its progress row commit in the same transaction. lease_until keeps two processes from
-- seeding the same run at once, and lapses by itself when a process is killed.
CREATE TABLE seed_run (
  tenant_id           text        NOT NULL,
  seed                text        NOT NULL,
  patients            integer     NOT NULL,
  next_index          integer     NOT NULL DEFAULT 0,
  resources           bigint      NOT NULL DEFAULT 0,
  directory_patients  integer,
  started_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  lease_until         timestamptz,
  PRIMARY KEY (tenant_id, seed)
);
