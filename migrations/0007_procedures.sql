-- Issue 4: the national catalogue of administrative procedures, the ones the province offers with their versions,
-- and the working-day calendar deadlines are counted on.

-- The catalogue as published on the National Public Service Portal (reference/procedures-2026.json), refreshed
-- at start-up when the reference file changes. Levels: ministry, province, commune, other.
CREATE TABLE procedure_catalogue (
  code text PRIMARY KEY,
  name text NOT NULL,
  field text NOT NULL,
  levels text[] NOT NULL,
  procedure_type text NOT NULL,
  decision_number text NOT NULL,
  issuing_body text NOT NULL,
  target_subjects text NOT NULL,
  competent_agency text NOT NULL,
  implementing_agency text NOT NULL,
  processing_times jsonb NOT NULL,
  submission_methods text NOT NULL,
  -- from processing_times when the portal states working days; otherwise the province decides
  suggested_working_days integer,
  dossier_text text,
  legal_basis_text text,
  source_url text,
  search_text text NOT NULL,
  source_version text NOT NULL
);
CREATE INDEX procedure_catalogue_field_idx ON procedure_catalogue (field);

-- A catalogued procedure the province offers at one level. Withdrawn ones stay: dossiers refer to their versions.
CREATE TABLE offered_procedures (
  id uuid PRIMARY KEY,
  province_id uuid NOT NULL REFERENCES units(id),
  procedure_code text NOT NULL REFERENCES procedure_catalogue(code),
  level text NOT NULL CHECK (level IN ('province', 'commune')),
  status text NOT NULL CHECK (status IN ('offered', 'withdrawn')),
  current_version integer NOT NULL,
  status_reason text,
  status_changed_at timestamptz NOT NULL,
  status_changed_by uuid REFERENCES accounts(id),
  created_at timestamptz NOT NULL,
  UNIQUE (province_id, procedure_code, level)
);
CREATE INDEX offered_procedures_status_idx ON offered_procedures (province_id, level, status);

-- What a dossier is received under: time limit, papers, purpose and the population-database fields it may read.
-- A change is a new version; a version never changes (the triggers and grants below), so a dossier keeps its rules.
CREATE TABLE procedure_versions (
  id uuid PRIMARY KEY,
  offered_procedure_id uuid NOT NULL REFERENCES offered_procedures(id),
  province_id uuid NOT NULL REFERENCES units(id),
  version integer NOT NULL CHECK (version >= 1),
  processing_days integer NOT NULL CHECK (processing_days BETWEEN 0 AND 365),
  documents jsonb NOT NULL,
  purpose text NOT NULL,
  npd_fields text[] NOT NULL,
  -- null: kept permanently
  retention_years integer CHECK (retention_years BETWEEN 1 AND 100),
  note text NOT NULL,
  created_at timestamptz NOT NULL,
  created_by uuid REFERENCES accounts(id),
  UNIQUE (offered_procedure_id, version)
);

CREATE FUNCTION procedure_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'procedure versions are immutable: % refused (create a new version)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER procedure_versions_no_update_delete BEFORE UPDATE OR DELETE ON procedure_versions FOR EACH ROW EXECUTE FUNCTION procedure_versions_immutable();
CREATE TRIGGER procedure_versions_no_truncate BEFORE TRUNCATE ON procedure_versions FOR EACH STATEMENT EXECUTE FUNCTION procedure_versions_immutable();

-- The province's yearly table of days off and make-up working days. A year present in calendar_years has been set
-- (built in or edited), so start-up never loads the built-in days over the province's edits.
CREATE TABLE calendar_years (
  province_id uuid NOT NULL REFERENCES units(id),
  year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (province_id, year)
);
CREATE TABLE calendar_days (
  province_id uuid NOT NULL REFERENCES units(id),
  day date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('holiday', 'working')),
  name text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (province_id, day)
);

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON procedure_catalogue, offered_procedures, calendar_years, calendar_days TO motcua_app;
    GRANT SELECT, INSERT ON procedure_versions TO motcua_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON procedure_versions FROM motcua_app;
  END IF;
END;
$$;
