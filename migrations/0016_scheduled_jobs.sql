-- Issue 12: every server process runs the scheduler, and each job runs in one process at a time. A process claims a
-- job that is due for a lease; when it finishes it sets the next due time. A process that dies mid-run leaves its
-- claim to expire, and another takes the job up then (its work, one transaction, was rolled back with the process).
CREATE TABLE scheduled_jobs (
  name text PRIMARY KEY,
  due_at timestamptz NOT NULL,
  claimed_by text,
  claimed_until timestamptz,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_failed boolean NOT NULL DEFAULT false
);
