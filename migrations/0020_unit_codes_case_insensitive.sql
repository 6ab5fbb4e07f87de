-- Issue 13 (finding 12): a unit code is unique whatever its case ("a-tiepdan" is "A-TIEPDAN"): officers type codes,
-- printed forms and dossier codes carry them, and two units told apart only by case would be confused.
DO $$
DECLARE
  clashes text;
BEGIN
  SELECT string_agg(codes, '; ') INTO clashes
  FROM (SELECT string_agg(code, ', ' ORDER BY code) AS codes FROM units GROUP BY lower(code) HAVING count(*) > 1) c;
  IF clashes IS NOT NULL THEN
    RAISE EXCEPTION 'unit codes that differ only in case: %', clashes
      USING HINT = 'rename all but one of each (PATCH /api/units/{id} keeps the code: change it in the database as the owner), then start again';
  END IF;
END;
$$;
CREATE UNIQUE INDEX units_code_ci ON units (lower(code));
