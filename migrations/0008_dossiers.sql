-- Issue 4: dossiers received at a one-stop desk, processed by a unit, returned to the citizen.

-- The daily sequence of dossier codes per receiving unit (Circular 01/2018: <unit code>-YYMMDD-NNNN); one row per
-- unit and day, incremented in the intake transaction, so concurrent desks never get the same number.
CREATE TABLE dossier_counters (
  unit_id uuid NOT NULL REFERENCES units(id),
  day date NOT NULL,
  last integer NOT NULL,
  PRIMARY KEY (unit_id, day)
);

CREATE TABLE dossiers (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  -- the rules it was received under, kept when the procedure changes
  procedure_version_id uuid NOT NULL REFERENCES procedure_versions(id),
  procedure_code text NOT NULL,
  -- the desk that received it and returns the result; the unit processing it now and the officer assigned
  received_unit_id uuid NOT NULL REFERENCES units(id),
  processing_unit_id uuid REFERENCES units(id),
  assignee_id uuid REFERENCES accounts(id),
  status text NOT NULL CHECK (status IN ('received', 'not_accepted', 'processing', 'supplement_requested', 'financial_obligation', 'withdrawn', 'stopped', 'settled', 'result_returned')),
  status_reason text,
  channel text NOT NULL CHECK (channel IN ('in_person', 'online', 'post')),
  received_at timestamptz NOT NULL,
  received_by uuid NOT NULL REFERENCES accounts(id),
  working_days integer NOT NULL,
  -- the promised return: null while the clock is paused for a supplement
  due_at timestamptz,
  -- the new date given in the apology letter (form 04), at most once
  apology_due_at timestamptz,
  settled_at timestamptz,
  returned_at timestamptz,
  applicant_personal_id text NOT NULL,
  applicant_name text NOT NULL,
  applicant_birth_date date NOT NULL,
  applicant_phone text NOT NULL,
  applicant_email text NOT NULL,
  applicant_address text NOT NULL,
  -- code and applicant name without diacritics, lower case: fragments of a code are found in it (trigrams)
  search_text text NOT NULL,
  -- the same as whole words: a name typed without diacritics is found by word (GIN), fast even for Nguyễn
  search_words text[] NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX dossiers_received_unit_idx ON dossiers (received_unit_id, status, received_at);
CREATE INDEX dossiers_processing_unit_idx ON dossiers (processing_unit_id, status, due_at);
CREATE INDEX dossiers_assignee_idx ON dossiers (assignee_id, status);
CREATE INDEX dossiers_applicant_idx ON dossiers (applicant_personal_id);
-- the reception search: a fragment of a code (LIKE '%…%' on trigrams), or the words of a name
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX dossiers_search_idx ON dossiers USING gin (search_text gin_trgm_ops);
CREATE INDEX dossiers_search_words_idx ON dossiers USING gin (search_words);

-- Other people the procedure concerns (both parents of a newborn, a spouse…): the population-database lookups of
-- the next issue may only ask about the applicant and these.
CREATE TABLE dossier_persons (
  dossier_id uuid NOT NULL REFERENCES dossiers(id),
  relation text NOT NULL,
  personal_id text NOT NULL,
  full_name text NOT NULL,
  birth_date date,
  PRIMARY KEY (dossier_id, personal_id)
);
CREATE INDEX dossier_persons_personal_id_idx ON dossier_persons (personal_id);

-- Waiting for the citizen (supplement, fees): the deadline does not run meanwhile.
CREATE TABLE dossier_pauses (
  dossier_id uuid NOT NULL REFERENCES dossiers(id),
  from_at timestamptz NOT NULL,
  to_at timestamptz,
  kind text NOT NULL CHECK (kind IN ('supplement', 'financial_obligation')),
  PRIMARY KEY (dossier_id, from_at)
);

-- The dossier's own history, shown as its timeline and kept as long as the dossier (the journal is archived after
-- its retention period; this is not).
CREATE TABLE dossier_events (
  id bigserial PRIMARY KEY,
  dossier_id uuid NOT NULL REFERENCES dossiers(id),
  at timestamptz NOT NULL,
  actor_id uuid REFERENCES accounts(id),
  action text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  unit_id uuid REFERENCES units(id),
  note text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX dossier_events_dossier_idx ON dossier_events (dossier_id, id);

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON dossier_counters, dossiers, dossier_persons, dossier_pauses TO motcua_app;
    GRANT SELECT, INSERT ON dossier_events TO motcua_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON dossier_events FROM motcua_app;
    GRANT USAGE, SELECT ON SEQUENCE dossier_events_id_seq TO motcua_app;
  END IF;
END;
$$;
