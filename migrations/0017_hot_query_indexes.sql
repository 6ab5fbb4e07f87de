-- Queries that run on every request, every lookup or every second read what they need, whatever the age of the
-- system (test/query-plans.test.ts proves each one on a loaded database).

-- R16: at each full sign-in, another live session of the account: those seen within the idle limit, not every
-- session ever left open (a browser closed without signing out keeps its row unended).
CREATE INDEX sessions_account_live_idx ON sessions (account_id, last_seen_at) WHERE ended_at IS NULL;

-- The notification bell's unread count and "mark read", on every page an officer opens: the unread ones, not every
-- notification the officer ever had (notifications_account walks them all to count the unread).
CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL;

-- The mail job, every 10 seconds: the unsent notifications of the last day, by time. notifications_unsent, in id
-- order, walks every notification never sent (an officer without an e-mail address never gets one) to reach them.
CREATE INDEX notifications_unsent_at ON notifications (at) WHERE emailed_at IS NULL;
DROP INDEX notifications_unsent;

-- The first_use rule: "has the officer used this service before?" for every batch of lookups. Through
-- (account_id, started_at) a first use reads every lookup the officer ever made; the procedure question has its
-- own index already (npd_lookups_account_procedure).
CREATE INDEX npd_lookups_account_service ON npd_lookups (account_id, service, started_at);
