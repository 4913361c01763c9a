-- Medical record numbers the server assigns to a Patient created without one (store/mrn.ts).
-- One sequence for the whole database: MRNs are unique across tenants as well as within each,
-- and a sequence never blocks concurrent registrations (a number taken by a transaction that
-- rolls back is simply skipped, as with any sequence).
CREATE SEQUENCE IF NOT EXISTS patient_mrn_seq START 1;
