-- R14, the repeated_refusals rule, at every detector batch holding a refusal: the refusals of its callers in the
-- window (refused lookups, and any request refused with 403 or 404 to a signed-in caller). Rare rows, so these
-- indexes are small and read only refusals: an officer's through the account; an integration key has no account,
-- so the journal names it in the entry's details.
CREATE INDEX journal_refusals_by_account ON journal (actor_account_id, at) WHERE type IN ('npd.lookup.refused', 'request.refused');
CREATE INDEX journal_refusals_by_client ON journal ((details ->> 'client'), at) WHERE type IN ('npd.lookup.refused', 'request.refused');
