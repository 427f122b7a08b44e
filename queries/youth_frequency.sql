-- How many young people had k measures: first the number of measures per pseudonym, then the
-- number of pseudonyms per k (only k that occur).
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: measures (k), youth; ordered by measures.
WITH per_youth AS (
  SELECT youth_pseudonym, count(*) AS k
  FROM measures
  WHERE quarter BETWEEN ? AND ?
    AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
  GROUP BY youth_pseudonym
)
SELECT k AS measures, count(*) AS youth
FROM per_youth
GROUP BY k
ORDER BY k
