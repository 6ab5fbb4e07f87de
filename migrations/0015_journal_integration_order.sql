-- Issue 12: the sequencer and the fail-closed check read only what is new, whatever the journal's size.
--
-- Each entry carries the id of the transaction that wrote it (txid). Ids below the oldest transaction still running
-- (pg_snapshot_xmin) belong to transactions that have ended, so an entry in (txid, seq) order after the last one
-- integrated, with txid below that horizon, can never be preceded later by one that commits late: the sequencer reads
-- the next batch by an index range from where it stopped, and integrates entries in that order. The column is not
-- part of the entry (the leaf does not commit to it, exports do not carry it).
ALTER TABLE journal ADD COLUMN txid xid8 NOT NULL DEFAULT '0';
ALTER TABLE journal ALTER COLUMN txid SET DEFAULT pg_current_xact_id();
CREATE INDEX journal_txid_idx ON journal (txid, seq);

-- Each checkpoint records the last entry it integrated, in (txid, seq) order: where the next batch starts.
-- Entries written before this migration have txid 0 and were integrated in seq order, except those that committed late
-- and wait still: the checkpoints made so far resume from just before the oldest of those (the sequencer skips what is
-- already in the tree). This one scan of the whole journal happens here, once.
DO $$
DECLARE
  resume bigint;
BEGIN
  SELECT coalesce(min(j.seq) - 1, (SELECT max(seq) FROM journal_index), 0) INTO resume
  FROM journal j WHERE NOT EXISTS (SELECT FROM journal_index i WHERE i.seq = j.seq);
  EXECUTE format('ALTER TABLE journal_checkpoints ADD COLUMN last_txid xid8 NOT NULL DEFAULT %L, ADD COLUMN last_seq bigint NOT NULL DEFAULT %s', '0', resume);
  ALTER TABLE journal_checkpoints ALTER COLUMN last_txid DROP DEFAULT, ALTER COLUMN last_seq DROP DEFAULT;
END;
$$;
