-- Issue 4, performance: the reception search by name and the statistics of a province-year over a million dossiers.

-- The reception search orders by receipt, newest first. A common name (Nguyễn, Trần…) matches tens of thousands of
-- dossiers, and sorting them all means reading each one from the table; the service first looks only at the
-- newest week (a range of this index ANDed with the words and trigram indexes), which holds the first page whenever
-- the name is common. received_at never changes, so this index costs nothing on the workflow's updates.
CREATE INDEX dossiers_received_at_idx ON dossiers (received_at);

-- Decision 766's digitisation and reuse rates need, per dossier, how many documents it has and of which kinds.
-- Counting them from the documents table (three per dossier) made the statistics of a year join and group millions
-- of rows; the counts are kept on the dossier instead, by the database itself, so that no writer can forget them.
-- "digital" counts the kinds that are digital copies (all of today's kinds): a dossier is digitised when it has at
-- least one document and all are digital.
ALTER TABLE dossiers
  ADD COLUMN papers integer NOT NULL DEFAULT 0,
  ADD COLUMN papers_digital integer NOT NULL DEFAULT 0,
  ADD COLUMN papers_reused integer NOT NULL DEFAULT 0;

UPDATE dossiers d
SET papers = c.total, papers_digital = c.digital, papers_reused = c.reused
FROM (
  SELECT dossier_id, count(*) AS total, count(*) FILTER (WHERE kind IN ('digitized', 'reused', 'from_npd')) AS digital, count(*) FILTER (WHERE kind = 'reused') AS reused
  FROM documents GROUP BY dossier_id
) AS c
WHERE d.id = c.dossier_id;

-- Per statement, not per row: a bulk load of documents updates each dossier once.
CREATE FUNCTION documents_count_papers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE dossiers d
    SET papers = d.papers - c.total, papers_digital = d.papers_digital - c.digital, papers_reused = d.papers_reused - c.reused
    FROM (
      SELECT dossier_id, count(*) AS total, count(*) FILTER (WHERE kind IN ('digitized', 'reused', 'from_npd')) AS digital, count(*) FILTER (WHERE kind = 'reused') AS reused
      FROM removed GROUP BY dossier_id
    ) AS c
    WHERE d.id = c.dossier_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE dossiers d
    SET papers = d.papers + c.total, papers_digital = d.papers_digital + c.digital, papers_reused = d.papers_reused + c.reused
    FROM (
      SELECT dossier_id, count(*) AS total, count(*) FILTER (WHERE kind IN ('digitized', 'reused', 'from_npd')) AS digital, count(*) FILTER (WHERE kind = 'reused') AS reused
      FROM added GROUP BY dossier_id
    ) AS c
    WHERE d.id = c.dossier_id;
  END IF;
  RETURN NULL;
END;
$$;
-- one trigger per event: PostgreSQL allows transition tables only on single-event triggers
CREATE TRIGGER documents_count_added AFTER INSERT ON documents REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION documents_count_papers();
CREATE TRIGGER documents_count_removed AFTER DELETE ON documents REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION documents_count_papers();
CREATE TRIGGER documents_count_changed AFTER UPDATE ON documents REFERENCING OLD TABLE AS removed NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION documents_count_papers();
