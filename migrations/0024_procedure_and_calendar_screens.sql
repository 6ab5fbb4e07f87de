-- Issue 15: a procedure is not withdrawn while open dossiers were received under one of its versions; this partial
-- index holds only the open dossiers (a small part of the table), so the check reads the few under its versions.
CREATE INDEX dossiers_open_by_version_idx ON dossiers (procedure_version_id)
  WHERE status IN ('received', 'processing', 'supplement_requested', 'financial_obligation');

-- The year's public-holiday decision (the government's notice the province follows), entered once for the year.
ALTER TABLE calendar_years ADD COLUMN decision text;
ALTER TABLE calendar_years ADD COLUMN updated_at timestamptz;
