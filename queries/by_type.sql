-- Number of measures per type code, with the category stored with each measure.
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: type_code, category, n; ordered by type_code, category.
SELECT type_code, category, count(*) AS n
FROM measures
WHERE quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
GROUP BY type_code, category
ORDER BY type_code, category
