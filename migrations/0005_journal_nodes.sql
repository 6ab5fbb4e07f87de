-- Roots of the journal tree's perfect subtrees (level ≥ 1; level 0 are the leaves in journal_index), written by
-- the sequencer as it appends, so that a proof needs O(log² n) stored hashes instead of every leaf.
CREATE TABLE journal_nodes (
  level smallint NOT NULL,
  idx bigint NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE TRIGGER journal_nodes_append_only BEFORE UPDATE OR DELETE ON journal_nodes FOR EACH ROW EXECUTE FUNCTION journal_append_only();
