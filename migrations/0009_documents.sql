-- Issue 4, item 5 and 6: the papers of a dossier, uploaded at the desk or by the processing unit (R05: inside the
-- system, never over chat apps), encrypted at rest (R15/R40).

-- What a document is: metadata only, listed without touching the encrypted bytes.
CREATE TABLE documents (
  id uuid PRIMARY KEY,
  dossier_id uuid NOT NULL REFERENCES dossiers(id),
  -- Circular 01/2023/TT-VPCP, Decree 45/2020: digitised from the paper, reused from an earlier result, or taken
  -- from the National Population Database
  kind text NOT NULL CHECK (kind IN ('digitized', 'reused', 'from_npd')),
  -- the paper of the procedure it stands for (Giấy chứng sinh…), when the officer names it
  component text,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  media_type text NOT NULL CHECK (media_type IN (
    'application/pdf', 'image/jpeg', 'image/png',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
  size integer NOT NULL CHECK (size > 0),
  -- SHA-256 of the plaintext, checked on every read
  sha256 bytea NOT NULL CHECK (octet_length(sha256) = 32),
  uploaded_by uuid NOT NULL REFERENCES accounts(id),
  uploaded_at timestamptz NOT NULL
);
CREATE INDEX documents_dossier_idx ON documents (dossier_id, uploaded_at);

-- The bytes, apart, so that lists never read them and the retention job can purge them leaving the metadata's
-- tombstone. AES-256-GCM under a random per-document key; that key wrapped under a key derived from the master key.
CREATE TABLE document_contents (
  document_id uuid PRIMARY KEY REFERENCES documents(id),
  wrapped_key bytea NOT NULL,
  ciphertext bytea NOT NULL
);
-- ciphertext does not compress: store it out of line without trying
ALTER TABLE document_contents ALTER COLUMN ciphertext SET STORAGE EXTERNAL;

-- A stored document does not change: the application may add and (retention) remove, never rewrite.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
    GRANT SELECT, INSERT, DELETE ON documents, document_contents TO motcua_app;
    REVOKE UPDATE, TRUNCATE ON documents, document_contents FROM motcua_app;
  END IF;
END;
$$;
