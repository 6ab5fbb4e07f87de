-- Issue 13, item 12: a unit's result signing key could be neither replaced nor revoked. A unit now has generations of
-- keys (1, 2…): the newest one not revoked signs, the older ones stay to verify what they signed (results.key_id).
-- Keys are still never rewritten: a rotation is a new row, a revocation an appended row of its own.

-- The keys made so far are each their unit's first.
ALTER TABLE unit_signing_keys ADD COLUMN generation integer NOT NULL DEFAULT 1 CHECK (generation > 0);
ALTER TABLE unit_signing_keys ALTER COLUMN generation DROP DEFAULT;
-- Every generation signs under the unit's one name (motcua/<province>/result/<unit id>, what verifiers check the
-- statement's unit against), so neither the unit nor the name is unique any more; a generation is, so that two
-- creations at once (two first results, a rotation and a replacement) settle on one key.
ALTER TABLE unit_signing_keys DROP CONSTRAINT unit_signing_keys_unit_id_key;
ALTER TABLE unit_signing_keys DROP CONSTRAINT unit_signing_keys_name_key;
ALTER TABLE unit_signing_keys ADD CONSTRAINT unit_signing_keys_unit_generation_key UNIQUE (unit_id, generation);

-- A key suspected stolen: results it signed at or after compromised_since are no longer trusted, those before still
-- are. Append-only: a later row may only move compromised_since earlier (the application checks it), never undo.
CREATE TABLE unit_signing_key_revocations (
  id uuid PRIMARY KEY,
  key_id text NOT NULL REFERENCES unit_signing_keys(id),
  revoked_at timestamptz NOT NULL,
  revoked_by uuid NOT NULL REFERENCES accounts(id),
  reason text NOT NULL CHECK (length(reason) BETWEEN 10 AND 500),
  compromised_since timestamptz NOT NULL CHECK (compromised_since <= revoked_at)
);
CREATE INDEX unit_signing_key_revocations_key_idx ON unit_signing_key_revocations (key_id);

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
    GRANT SELECT, INSERT ON unit_signing_key_revocations TO motcua_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON unit_signing_key_revocations FROM motcua_app;
  END IF;
END;
$$;
