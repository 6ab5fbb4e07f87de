-- R25: the journal is append-only: UPDATE, DELETE and TRUNCATE are refused by triggers, on PGlite and PostgreSQL.
-- Someone with DDL rights can still drop them; the signed Merkle checkpoints (issue 3) expose what they then change.
CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journal is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER journal_no_update_delete BEFORE UPDATE OR DELETE ON journal FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
