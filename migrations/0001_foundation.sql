-- Units: the official province and communes (codes are the GSO strings) and the organisational units under them.
CREATE TABLE units (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  full_name text NOT NULL,
  full_name_en text,
  kind text NOT NULL CHECK (kind IN ('province', 'commune', 'department', 'desk', 'office')),
  unit_type text,
  parent_id uuid REFERENCES units(id),
  -- materialised path of ids ("/<root>/<child>/"): a subtree is one prefix match
  path text NOT NULL UNIQUE,
  search_text text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_path_idx ON units (path text_pattern_ops);

CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL UNIQUE,
  personal_id char(12) NOT NULL UNIQUE,
  full_name text NOT NULL,
  position text NOT NULL DEFAULT '',
  email text NOT NULL DEFAULT '',
  phone text NOT NULL DEFAULT '',
  search_text text NOT NULL,
  unit_id uuid NOT NULL REFERENCES units(id),
  status text NOT NULL CHECK (status IN ('active', 'locked', 'left')),
  status_reason text,
  -- when an admin last changed the status: an unlocked dormant account gets a fresh 45 days
  status_changed_at timestamptz NOT NULL,
  password_hash text NOT NULL,
  password_changed_at timestamptz NOT NULL,
  must_change_password boolean NOT NULL,
  otp_secret text,
  otp_enabled_at timestamptz,
  otp_last_step bigint,
  last_sign_in_at timestamptz,
  created_at timestamptz NOT NULL,
  created_by uuid REFERENCES accounts(id)
);
CREATE INDEX accounts_unit_idx ON accounts (unit_id);

CREATE TABLE password_history (
  account_id uuid NOT NULL REFERENCES accounts(id),
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX password_history_account_idx ON password_history (account_id, created_at DESC);

CREATE TABLE recovery_codes (
  account_id uuid NOT NULL REFERENCES accounts(id),
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (account_id, code_hash)
);

CREATE TABLE role_grants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id),
  role text NOT NULL,
  unit_id uuid NOT NULL REFERENCES units(id),
  granted_by uuid REFERENCES accounts(id),
  granted_at timestamptz NOT NULL,
  UNIQUE (account_id, role, unit_id)
);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  secret_hash bytea NOT NULL,
  account_id uuid NOT NULL REFERENCES accounts(id),
  stage text NOT NULL CHECK (stage IN ('otp', 'password_change', 'otp_enrollment', 'full')),
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  end_reason text,
  ip text NOT NULL,
  user_agent text NOT NULL,
  -- another live session of the same account from another device existed when this one began (R16)
  concurrent_with text
);
CREATE INDEX sessions_account_idx ON sessions (account_id) WHERE ended_at IS NULL;

-- Failed sign-in budget per username (existing or not, so answers never reveal which) and per address.
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  window_start timestamptz NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  locked_until timestamptz
);

CREATE TABLE setup_tokens (
  token_hash bytea PRIMARY KEY,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

-- Account and system events, written by record() in the same transaction as the change.
-- The tamper-evident journal (Merkle tree, checkpoints) builds on this table.
CREATE TABLE journal (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  type text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'refused')),
  actor_account_id uuid,
  actor_unit_id uuid,
  actor_roles text[] NOT NULL DEFAULT '{}',
  target_type text,
  target_id text,
  unit_id uuid,
  reason text,
  details jsonb NOT NULL DEFAULT '{}',
  ip text,
  user_agent text,
  request_id text
);
CREATE INDEX journal_target_idx ON journal (target_type, target_id);
CREATE INDEX journal_actor_idx ON journal (actor_account_id, at);
CREATE INDEX journal_type_idx ON journal (type, at);
