-- Number of measures and number of unique young people (distinct pseudonyms).
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns one row: total, unique_youth.
SELECT
  count(*) AS total,
  count(DISTINCT youth_pseudonym) AS unique_youth
FROM measures
WHERE quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
