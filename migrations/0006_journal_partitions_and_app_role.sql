-- R25, issue 3: the journal is partitioned by month (Vietnam time), so a month past retention can be archived to a
-- file and dropped whole; it gains the keyed hashes (HMAC) of the citizens an entry concerns, searchable, never the IDs.
-- The same script runs on PGlite and PostgreSQL.

ALTER TABLE journal RENAME TO journal_unpartitioned;
DROP INDEX journal_target_idx;
DROP INDEX journal_actor_idx;
DROP INDEX journal_type_idx;

CREATE TABLE journal (
  seq bigint NOT NULL DEFAULT nextval('journal_seq_seq'),
  at timestamptz NOT NULL,
  type text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'refused')),
  actor_account_id uuid,
  actor_unit_id uuid,
  actor_roles text[] NOT NULL DEFAULT '{}',
  target_type text,
  target_id text,
  unit_id uuid,
  reason text,
  details jsonb NOT NULL DEFAULT '{}',
  ip text,
  user_agent text,
  request_id text,
  -- HMAC-SHA-256 (hex) of each citizen personal ID the entry concerns, under a key that never leaves the server
  citizens text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (seq, at)
) PARTITION BY RANGE (at);
ALTER SEQUENCE journal_seq_seq OWNED BY journal.seq;

CREATE INDEX journal_seq_idx ON journal (seq);
CREATE INDEX journal_target_idx ON journal (target_type, target_id);
CREATE INDEX journal_actor_idx ON journal (actor_account_id, at);
CREATE INDEX journal_type_idx ON journal (type, at);
CREATE INDEX journal_unit_idx ON journal (unit_id, at);
CREATE INDEX journal_citizens_idx ON journal USING gin (citizens);

-- Row triggers on the partitioned table are cloned onto every partition; TRUNCATE triggers are not, so each
-- partition gets its own (journal_month_partition below).
CREATE TRIGGER journal_no_update_delete BEFORE UPDATE OR DELETE ON journal FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();

-- A row whose month has no partition (a clock far off) still lands; the partition job keeps this one empty.
CREATE TABLE journal_default PARTITION OF journal DEFAULT;
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal_default FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();

-- The application role holds no right on partitions themselves: it reaches them only through the parent.
CREATE FUNCTION journal_month_partition(month date) RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  first date := date_trunc('month', month)::date;
  name text := format('journal_y%sm%s', to_char(first, 'YYYY'), to_char(first, 'MM'));
BEGIN
  -- rows of that month already in the default partition (a clock that was off) stay there: the month keeps none
  IF to_regclass(name) IS NULL AND NOT EXISTS (
    SELECT FROM journal_default WHERE at >= (first::text || ' 00:00:00+07')::timestamptz AND at < ((first + interval '1 month')::date::text || ' 00:00:00+07')::timestamptz
  ) THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF journal FOR VALUES FROM (%L) TO (%L)', name,
      first::text || ' 00:00:00+07', (first + interval '1 month')::date::text || ' 00:00:00+07');
    EXECUTE format('CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only()', name);
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
      EXECUTE format('REVOKE ALL ON %I FROM motcua_app', name);
    END IF;
  END IF;
  RETURN name;
END;
$$;

SELECT journal_month_partition(m::date)
FROM (
  SELECT DISTINCT date_trunc('month', at AT TIME ZONE '+07') AS m FROM journal_unpartitioned
  UNION SELECT date_trunc('month', now() AT TIME ZONE '+07')
  UNION SELECT date_trunc('month', now() AT TIME ZONE '+07') + interval '1 month'
) months;

INSERT INTO journal (seq, at, type, outcome, actor_account_id, actor_unit_id, actor_roles, target_type, target_id, unit_id, reason, details, ip, user_agent, request_id)
SELECT seq, at, type, outcome, actor_account_id, actor_unit_id, actor_roles, target_type, target_id, unit_id, reason, details, ip, user_agent, request_id
FROM journal_unpartitioned;
DROP TABLE journal_unpartitioned;

-- Months moved out of the database: the file's digest and which tree positions it holds, so `journal verify`
-- tells an archived entry from a deleted one and the checkpoints stay checkable.
CREATE TABLE journal_archives (
  month date PRIMARY KEY,
  entries bigint NOT NULL,
  first_position bigint,
  last_position bigint,
  -- no file for a month without entries
  file_name text,
  file_sha256 bytea,
  archived_at timestamptz NOT NULL
);
CREATE TRIGGER journal_archives_append_only BEFORE UPDATE OR DELETE ON journal_archives FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_archives_no_truncate BEFORE TRUNCATE ON journal_archives FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();

-- The role the server runs as (SET ROLE after migrating, or a login that is a member of it): full rights on the
-- working tables, only SELECT and INSERT on the journal's. Migrations and archiving run as the owner.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
    CREATE ROLE motcua_app NOLOGIN;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'role motcua_app does not exist and this login may not create it'
    USING HINT = 'as a superuser: CREATE ROLE motcua_app NOLOGIN; then start again';
END;
$$;
GRANT USAGE ON SCHEMA public TO motcua_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO motcua_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO motcua_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO motcua_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO motcua_app;
REVOKE UPDATE, DELETE, TRUNCATE ON journal, journal_index, journal_checkpoints, journal_witnessed, journal_nodes, journal_archives, schema_migrations FROM motcua_app;
REVOKE INSERT ON schema_migrations FROM motcua_app;
REVOKE ALL ON journal_default FROM motcua_app;
DO $$
DECLARE p regclass;
BEGIN
  FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'journal'::regclass LOOP
    EXECUTE format('REVOKE ALL ON %s FROM motcua_app', p);
  END LOOP;
END;
$$;
