-- Issue 13: who may look up the citizens of a dossier at each stage is part of its procedure version, like the NPD
-- fields it may read: the desk's reception officers while the dossier is received, the officer it is assigned to
-- while it is processed. Versions made before get that rule (a leader or an unassigned officer no longer looks up by
-- the unit tree alone); the default is then dropped, so the application states every new version's rule itself.
-- A unit suspension needs no change of its own: the gateway now matches it against the dossier's desk and
-- processing unit as well as the caller's unit.
ALTER TABLE procedure_versions ADD COLUMN npd_lookup_stages jsonb NOT NULL DEFAULT '{"receiving": ["desk"], "processing": ["assignee"]}';
ALTER TABLE procedure_versions ALTER COLUMN npd_lookup_stages DROP DEFAULT;
ALTER TABLE procedure_versions ADD CONSTRAINT procedure_versions_npd_lookup_stages CHECK (
  jsonb_typeof(npd_lookup_stages) = 'object'
  AND (npd_lookup_stages - 'receiving' - 'processing') = '{}'::jsonb
  AND jsonb_typeof(npd_lookup_stages -> 'receiving') = 'array'
  AND jsonb_typeof(npd_lookup_stages -> 'processing') = 'array'
  AND (npd_lookup_stages -> 'receiving') <@ '["desk"]'::jsonb
  AND (npd_lookup_stages -> 'processing') <@ '["assignee", "desk"]'::jsonb
);
