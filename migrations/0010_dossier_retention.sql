-- Issue 4, item 8: when a closed dossier's retention (its procedure version's years) ends, a job deletes its
-- documents and the citizens' personal data, leaving the dossier as a tombstone (code, procedure, dates, status)
-- and a journal entry.
ALTER TABLE dossiers ADD COLUMN closed_at timestamptz;
ALTER TABLE dossiers ADD COLUMN purged_at timestamptz;
ALTER TABLE dossiers ALTER COLUMN applicant_birth_date DROP NOT NULL;
CREATE INDEX dossiers_retention_idx ON dossiers (closed_at) WHERE purged_at IS NULL AND closed_at IS NOT NULL;

-- The papers the desk checked off at intake (names from the procedure version's list): what the receipt lists.
ALTER TABLE dossiers ADD COLUMN received_papers text[] NOT NULL DEFAULT '{}';
