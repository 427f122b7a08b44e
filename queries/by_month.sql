-- Number of measures per start month (only months with measures; zero-filling is done by the caller).
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: start_month (YYYY-MM), n; ordered by start_month.
SELECT start_month, count(*) AS n
FROM measures
WHERE quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
GROUP BY start_month
ORDER BY start_month
