-- Issue 6: monitoring and response (R14, R16, R19, R21, R38, R41, R43).

-- The rules' settings as the security officer changed them; a rule without a row runs with the defaults in code.
CREATE TABLE monitoring_rules (
  rule text PRIMARY KEY,
  enabled boolean NOT NULL,
  severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  params jsonb NOT NULL,
  updated_by uuid NOT NULL REFERENCES accounts(id),
  updated_at timestamptz NOT NULL
);

-- How far the detector has read the journal (one row): the position of the last leaf it read. It follows the
-- journal in the sequencer's order (journal_index), the order entries committed in, so no entry is skipped.
CREATE TABLE monitoring_cursor (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL
);

-- A case gathers the alerts about one account (or integration key, or, for "looked up by many accounts", one citizen)
-- while it is open, so that serial behaviour is seen as one story; once dismissed or confirmed, the next alert opens
-- a new case.
CREATE TABLE monitoring_cases (
  id uuid PRIMARY KEY,
  account_id uuid REFERENCES accounts(id),
  client_id uuid REFERENCES integration_clients(id),
  citizen text,
  unit_id uuid REFERENCES units(id),
  status text NOT NULL CHECK (status IN ('new', 'investigating', 'dismissed', 'confirmed')),
  severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  opened_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (num_nonnulls(account_id, client_id, citizen) = 1)
);
CREATE UNIQUE INDEX monitoring_cases_open_citizen ON monitoring_cases (citizen) WHERE status IN ('new', 'investigating') AND citizen IS NOT NULL;
CREATE UNIQUE INDEX monitoring_cases_open_account ON monitoring_cases (account_id) WHERE status IN ('new', 'investigating') AND account_id IS NOT NULL;
CREATE UNIQUE INDEX monitoring_cases_open_client ON monitoring_cases (client_id) WHERE status IN ('new', 'investigating') AND client_id IS NOT NULL;
CREATE INDEX monitoring_cases_status ON monitoring_cases (status, updated_at);

CREATE TABLE monitoring_alerts (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES monitoring_cases(id),
  rule text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  account_id uuid REFERENCES accounts(id),
  client_id uuid REFERENCES integration_clients(id),
  unit_id uuid REFERENCES units(id),
  at timestamptz NOT NULL,
  raised_at timestamptz NOT NULL,
  explanation_vi text NOT NULL,
  explanation_en text NOT NULL,
  details jsonb NOT NULL,
  citizens text[] NOT NULL,
  seqs bigint[] NOT NULL,
  dedupe_key text NOT NULL UNIQUE
);
CREATE INDEX monitoring_alerts_case ON monitoring_alerts (case_id);
CREATE INDEX monitoring_alerts_raised ON monitoring_alerts (raised_at);

-- The triage trail: every status change and note, by whom and when.
CREATE TABLE monitoring_case_notes (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES monitoring_cases(id),
  author_id uuid REFERENCES accounts(id),
  at timestamptz NOT NULL,
  status text CHECK (status IN ('new', 'investigating', 'dismissed', 'confirmed')),
  note text NOT NULL
);
CREATE INDEX monitoring_case_notes_case ON monitoring_case_notes (case_id, id);

-- R19: a security incident, from a confirmed case or opened by hand, with the 72-hour deadline of the personal-data
-- law for notifying the authority; the citizens it affects are kept as keyed hashes, as everywhere.
CREATE TABLE incidents (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  case_id uuid REFERENCES monitoring_cases(id),
  unit_id uuid NOT NULL REFERENCES units(id),
  title text NOT NULL,
  description text NOT NULL,
  detected_at timestamptz NOT NULL,
  notify_by timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'notified', 'closed')),
  opened_by uuid NOT NULL REFERENCES accounts(id),
  opened_at timestamptz NOT NULL,
  notified_by uuid REFERENCES accounts(id),
  notified_at timestamptz,
  closed_by uuid REFERENCES accounts(id),
  closed_at timestamptz,
  CHECK ((notified_at IS NULL) = (notified_by IS NULL)),
  CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);
CREATE TABLE incident_citizens (
  incident_id uuid NOT NULL REFERENCES incidents(id),
  citizen text NOT NULL,
  PRIMARY KEY (incident_id, citizen)
);

-- In-app notifications (and e-mail when SMTP is configured) for the people who must act.
CREATE TABLE notifications (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id),
  at timestamptz NOT NULL,
  kind text NOT NULL,
  target_type text NOT NULL,
  target_id uuid NOT NULL,
  text_vi text NOT NULL,
  text_en text NOT NULL,
  read_at timestamptz,
  -- sent by e-mail too when SMTP is configured (a job sends what is not yet sent)
  emailed_at timestamptz
);
CREATE INDEX notifications_unsent ON notifications (id) WHERE emailed_at IS NULL;
CREATE INDEX notifications_account ON notifications (account_id, id DESC);

-- the sign-in addresses an account used lately (the new-address rule, at every sign-in)
CREATE INDEX journal_sign_ins ON journal (actor_account_id, at) WHERE type = 'auth.sign_in' AND outcome = 'success';

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
    GRANT SELECT, INSERT, UPDATE ON monitoring_rules, monitoring_cursor, monitoring_cases, incidents, notifications TO motcua_app;
    GRANT SELECT, INSERT ON monitoring_alerts, monitoring_case_notes, incident_citizens TO motcua_app;
    -- alerts, the triage trail and incidents are evidence: nothing of them is deleted; notes never change
    REVOKE UPDATE, DELETE, TRUNCATE ON monitoring_alerts, monitoring_case_notes, incident_citizens FROM motcua_app;
    REVOKE DELETE, TRUNCATE ON monitoring_cases, incidents FROM motcua_app;
    -- while a behaviour goes on, its alert gathers the citizens, entries and latest figures of each new run
    GRANT UPDATE (citizens, seqs, details, explanation_vi, explanation_en) ON monitoring_alerts TO motcua_app;
    GRANT USAGE, SELECT ON SEQUENCE monitoring_case_notes_id_seq, notifications_id_seq TO motcua_app;
  END IF;
END;
$$;
