-- The journal's Merkle tree (RFC 9162): the sequencer gives each committed entry its position (idx) and leaf hash,
-- and publishes signed checkpoints. Both tables are append-only, like the journal itself.
CREATE TABLE journal_index (
  idx bigint PRIMARY KEY,
  seq bigint NOT NULL UNIQUE,
  leaf_hash bytea NOT NULL
);

CREATE TABLE journal_checkpoints (
  size bigint PRIMARY KEY,
  root bytea NOT NULL,
  -- the C2SP signed note, as published to witnesses
  note text NOT NULL,
  -- the perfect-subtree roots of the tree's right edge, so the next batch needs no other node
  -- (hex strings)
  frontier jsonb NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TRIGGER journal_index_append_only BEFORE UPDATE OR DELETE ON journal_index FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_index_no_truncate BEFORE TRUNCATE ON journal_index FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_checkpoints_append_only BEFORE UPDATE OR DELETE ON journal_checkpoints FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_checkpoints_no_truncate BEFORE TRUNCATE ON journal_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
