-- Issue 5: the NPD gateway. Connection settings (R34), lookups with their write-ahead record (R01, R24, R36),
-- the kill switch and the upstream state (R43), integration clients (R35).

-- R34: the connection is sealed (AES-256-GCM under the secrets key, bound to the row id) and never read back by
-- anyone; a rotation adds a row and clears the sealed settings of the one it replaces.
CREATE TABLE npd_connections (
  id uuid PRIMARY KEY,
  sealed text,
  fingerprint text NOT NULL,
  certificate_expires_at timestamptz NOT NULL,
  set_by uuid NOT NULL REFERENCES accounts(id),
  set_at timestamptz NOT NULL,
  replaced_at timestamptz,
  CHECK (replaced_at IS NULL OR sealed IS NULL)
);
CREATE UNIQUE INDEX npd_connections_current ON npd_connections ((true)) WHERE replaced_at IS NULL;

-- R43: suspensions of lookups for the whole system, a unit subtree or one account, lifted with a reason.
CREATE TABLE npd_suspensions (
  id uuid PRIMARY KEY,
  scope text NOT NULL CHECK (scope IN ('system', 'unit', 'account')),
  unit_id uuid REFERENCES units(id),
  account_id uuid REFERENCES accounts(id),
  reason text NOT NULL,
  suspended_by uuid REFERENCES accounts(id),
  suspended_at timestamptz NOT NULL,
  lifted_by uuid REFERENCES accounts(id),
  lifted_at timestamptz,
  lift_reason text,
  CHECK ((scope = 'system' AND unit_id IS NULL AND account_id IS NULL)
      OR (scope = 'unit' AND unit_id IS NOT NULL AND account_id IS NULL)
      OR (scope = 'account' AND account_id IS NOT NULL AND unit_id IS NULL)),
  CHECK ((lifted_at IS NULL) = (lifted_by IS NULL) AND (lifted_at IS NULL) = (lift_reason IS NULL))
);
CREATE INDEX npd_suspensions_active ON npd_suspensions (scope) WHERE lifted_at IS NULL;

-- R43: what the NPD itself last said about our connection (one row): "disconnected by the ministry" is shown to all.
CREATE TABLE npd_upstream (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  disconnected_at timestamptz,
  changed_at timestamptz NOT NULL
);

-- R35: another provincial system calls the gateway with its own key, for named procedures and fields only.
CREATE TABLE integration_clients (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  unit_id uuid NOT NULL REFERENCES units(id),
  -- SHA-256 of a 32-byte random secret: a slow hash protects guessable passwords, not random keys
  key_hash bytea NOT NULL,
  procedures text[] NOT NULL,
  fields text[] NOT NULL,
  created_by uuid NOT NULL REFERENCES accounts(id),
  created_at timestamptz NOT NULL,
  revoked_by uuid REFERENCES accounts(id),
  revoked_at timestamptz
);

-- R36: one row per lookup, written and committed before the NPD is called, completed once after. Partitioned by
-- month (Vietnam time) like the journal, so old months can be moved out whole.
CREATE TABLE npd_lookups (
  id uuid NOT NULL,
  started_at timestamptz NOT NULL,
  account_id uuid REFERENCES accounts(id),
  client_id uuid REFERENCES integration_clients(id),
  unit_id uuid NOT NULL REFERENCES units(id),
  dossier_id uuid NOT NULL REFERENCES dossiers(id),
  procedure_version_id uuid NOT NULL REFERENCES procedure_versions(id),
  procedure_code text NOT NULL,
  service text NOT NULL CHECK (service IN ('verify', 'find')),
  subject text NOT NULL,
  -- the keyed hash of the citizen's personal ID (as in the journal), never the ID itself
  citizen text NOT NULL,
  purpose text NOT NULL,
  completed_at timestamptz,
  outcome text,
  fields_returned text[],
  PRIMARY KEY (id, started_at),
  CHECK ((account_id IS NULL) <> (client_id IS NULL)),
  CHECK ((completed_at IS NULL) = (outcome IS NULL))
) PARTITION BY RANGE (started_at);
CREATE TABLE npd_lookups_default PARTITION OF npd_lookups DEFAULT;
CREATE INDEX npd_lookups_account ON npd_lookups (account_id, started_at);
CREATE INDEX npd_lookups_unit ON npd_lookups (unit_id, started_at);
CREATE INDEX npd_lookups_client ON npd_lookups (client_id, started_at) WHERE client_id IS NOT NULL;
CREATE INDEX npd_lookups_dossier ON npd_lookups (dossier_id);
CREATE INDEX npd_lookups_citizen ON npd_lookups (citizen, started_at);
CREATE INDEX npd_lookups_account_procedure ON npd_lookups (account_id, procedure_code, started_at);
CREATE INDEX npd_lookups_started ON npd_lookups (started_at);

-- Issue 5 item 5: lookups per caller and per unit in fixed minute and day windows (Vietnam day), counted as they
-- happen: counting the records instead would read a whole busy unit's day at every lookup.
CREATE TABLE npd_lookup_counts (
  key text NOT NULL,
  span text NOT NULL CHECK (span IN ('minute', 'day')),
  window_start timestamptz NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (key, span, window_start)
);

-- A lookup is completed once, and nothing else about it ever changes; no row is deleted.
CREATE FUNCTION npd_lookups_complete_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'npd_lookups is append-only (R36)';
  END IF;
  IF OLD.completed_at IS NOT NULL
     OR (NEW.id, NEW.started_at, NEW.account_id, NEW.client_id, NEW.unit_id, NEW.dossier_id, NEW.procedure_version_id, NEW.procedure_code, NEW.service, NEW.subject, NEW.citizen, NEW.purpose)
        IS DISTINCT FROM
        (OLD.id, OLD.started_at, OLD.account_id, OLD.client_id, OLD.unit_id, OLD.dossier_id, OLD.procedure_version_id, OLD.procedure_code, OLD.service, OLD.subject, OLD.citizen, OLD.purpose) THEN
    RAISE EXCEPTION 'a lookup record is completed once and never rewritten (R36)';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER npd_lookups_complete_once BEFORE UPDATE OR DELETE ON npd_lookups FOR EACH ROW EXECUTE FUNCTION npd_lookups_complete_once();

CREATE FUNCTION npd_lookups_month_partition(month date) RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  first date := date_trunc('month', month)::date;
  name text := format('npd_lookups_y%sm%s', to_char(first, 'YYYY'), to_char(first, 'MM'));
BEGIN
  IF to_regclass(name) IS NULL AND NOT EXISTS (
    SELECT FROM npd_lookups_default WHERE started_at >= (first::text || ' 00:00:00+07')::timestamptz AND started_at < ((first + interval '1 month')::date::text || ' 00:00:00+07')::timestamptz
  ) THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF npd_lookups FOR VALUES FROM (%L) TO (%L)', name,
      first::text || ' 00:00:00+07', (first + interval '1 month')::date::text || ' 00:00:00+07');
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
      EXECUTE format('REVOKE ALL ON %I FROM motcua_app', name);
    END IF;
  END IF;
  RETURN name;
END;
$$;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
    GRANT SELECT, INSERT, UPDATE ON npd_connections, npd_suspensions, npd_upstream, integration_clients TO motcua_app;
    REVOKE DELETE, TRUNCATE ON npd_connections, npd_suspensions, npd_upstream, integration_clients FROM motcua_app;
    GRANT SELECT, INSERT, UPDATE ON npd_lookups TO motcua_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON npd_lookup_counts TO motcua_app;
    REVOKE DELETE, TRUNCATE ON npd_lookups FROM motcua_app;
    REVOKE ALL ON npd_lookups_default FROM motcua_app;
  END IF;
END;
$$;
