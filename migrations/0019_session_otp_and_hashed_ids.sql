-- R04 (issue 13, finding 3): a session records when it passed a one-time code, so a role that requires one, granted
-- while the officer is signed in without it, cannot be used in that session.
ALTER TABLE sessions ADD COLUMN otp_verified_at timestamptz;

-- Live sessions from before this column: one created while its account had a code enrolled began at the code step
-- (sign-in asks for the code first), so if it has left that step it passed the code. Any other live session stays
-- unmarked and is ended at its next request if the account's roles require a code (the officer signs in again).
UPDATE sessions s
SET otp_verified_at = s.created_at
FROM accounts a
WHERE a.id = s.account_id
  AND s.ended_at IS NULL
  AND s.stage <> 'otp'
  AND a.otp_enabled_at IS NOT NULL
  AND a.otp_enabled_at <= s.created_at;

-- Journal entries name sessions by a keyed hash from now on (finding 7); entries written before keep the session id
-- (the journal is append-only) and the journal screens mask it. Nothing to change in the schema for that.
