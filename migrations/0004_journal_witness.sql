-- Each checkpoint a witness accepted, with the witness's signature: the journal's proof that its history was seen.
CREATE TABLE journal_witnessed (
  size bigint NOT NULL,
  witness_url text NOT NULL,
  note text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (witness_url, size)
);
CREATE TRIGGER journal_witnessed_append_only BEFORE UPDATE OR DELETE ON journal_witnessed FOR EACH ROW EXECUTE FUNCTION journal_append_only();
