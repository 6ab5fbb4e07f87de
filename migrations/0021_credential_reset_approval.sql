-- Issue 13 (finding 4): a unit admin reset an officer's password (and was shown the new one) and one-time code, signed
-- in as the officer and looked citizens up under the officer's name. A reset is now a request that a second admin,
-- neither the one who asked nor the account itself, approves before it takes effect; the requests stay as evidence.
CREATE TABLE credential_reset_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id),
  kind text NOT NULL CHECK (kind IN ('password', 'otp')),
  reason text NOT NULL,
  requested_by uuid NOT NULL REFERENCES accounts(id),
  requested_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'expired')),
  decided_by uuid REFERENCES accounts(id),
  decided_at timestamptz,
  decision_reason text,
  -- where the new one-time password went: shown once to the approver, or e-mailed to the officer
  delivery text CHECK (delivery IN ('approver', 'email')),
  CHECK (requested_by <> account_id),
  -- the separation of duties, held by the database too: whoever approves is neither the requester nor the account
  CHECK (status <> 'approved' OR (decided_by <> requested_by AND decided_by <> account_id)),
  CHECK (delivery IS NULL OR (status = 'approved' AND kind = 'password'))
);
-- one open request per account and kind: a second one answers 409 instead of piling up approvals
CREATE UNIQUE INDEX credential_reset_requests_pending ON credential_reset_requests (account_id, kind) WHERE status = 'pending';
CREATE INDEX credential_reset_requests_open ON credential_reset_requests (requested_at) WHERE status = 'pending';

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_app') THEN
    GRANT SELECT, INSERT, UPDATE ON credential_reset_requests TO motcua_app;
    REVOKE DELETE, TRUNCATE ON credential_reset_requests FROM motcua_app;
  END IF;
END;
$$;
