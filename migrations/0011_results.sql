-- Issue 4, item 6 (Decree 45/2020, Circular 01/2023/TT-VPCP): the electronic result of a settled dossier, signed with
-- the processing unit's key, and its reuse as a component of the same citizen's later dossiers.

-- One Ed25519 key per unit, created when the unit issues its first result. The private key is sealed under the
-- master key (AES-256-GCM, bound to the unit and key id); the public key is published for anyone to verify with.
-- A key is never rewritten: results keep the id of the key that signed them.
CREATE TABLE unit_signing_keys (
  -- the C2SP signed-note key id (4 bytes, hex) of `name` and the public key
  id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{8}$'),
  unit_id uuid NOT NULL UNIQUE REFERENCES units(id),
  -- the signer's name in the notes it signs, motcua/<province>/result/<unit id>
  name text NOT NULL UNIQUE,
  algorithm text NOT NULL CHECK (algorithm = 'ed25519'),
  -- the raw 32-byte Ed25519 public key
  public_key bytea NOT NULL CHECK (octet_length(public_key) = 32),
  -- PKCS#8 PEM sealed with Keys.seal: never leaves the server
  sealed_private_key text NOT NULL,
  created_at timestamptz NOT NULL
);

-- An electronic result: <dossier code>-KQ<n>, n = 1, 2… per dossier, and its signed statement.
CREATE TABLE results (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  dossier_id uuid NOT NULL REFERENCES dossiers(id),
  seq integer NOT NULL CHECK (seq > 0),
  -- the processing unit that issued and signed it, with the key it used
  unit_id uuid NOT NULL REFERENCES units(id),
  key_id text NOT NULL REFERENCES unit_signing_keys(id),
  procedure_code text NOT NULL,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  media_type text NOT NULL CHECK (media_type = 'application/pdf'),
  size integer NOT NULL CHECK (size > 0),
  sha256 bytea NOT NULL CHECK (octet_length(sha256) = 32),
  -- keyed hashes (Keys.citizenDigest, as in the journal) of every citizen the dossier names: how a later dossier of
  -- the same person finds it for reuse, without a personal ID in clear here and even after the dossier is purged
  citizens text[] NOT NULL,
  -- the signed statement (a C2SP signed note): what anyone verifies offline with the unit's public key
  statement text NOT NULL,
  issued_by uuid NOT NULL REFERENCES accounts(id),
  issued_at timestamptz NOT NULL,
  UNIQUE (dossier_id, seq)
);
CREATE INDEX results_citizens_idx ON results USING gin (citizens);

-- The bytes, apart, encrypted like documents (a random key per result, wrapped under the documents key, both bound
-- to the result's id).
CREATE TABLE result_contents (
  result_id uuid PRIMARY KEY REFERENCES results(id),
  wrapped_key bytea NOT NULL,
  ciphertext bytea NOT NULL
);
ALTER TABLE result_contents ALTER COLUMN ciphertext SET STORAGE EXTERNAL;

-- A component reused from an earlier result: the documents row points at the result; no copy of the bytes.
ALTER TABLE documents ADD COLUMN reused_result_id uuid REFERENCES results(id);
ALTER TABLE documents ADD CONSTRAINT documents_reused_kind CHECK (reused_result_id IS NULL OR kind = 'reused');
CREATE UNIQUE INDEX documents_reused_result_idx ON documents (dossier_id, reused_result_id) WHERE reused_result_id IS NOT NULL;

-- Issued results, their keys and their bytes do not change: the application adds, never rewrites; keys are never
-- deleted (old results must stay verifiable), result bytes may be removed by a future retention job.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
    GRANT SELECT, INSERT ON unit_signing_keys, results TO motcua_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON unit_signing_keys, results FROM motcua_app;
    GRANT SELECT, INSERT, DELETE ON result_contents TO motcua_app;
    REVOKE UPDATE, TRUNCATE ON result_contents FROM motcua_app;
  END IF;
END;
$$;
