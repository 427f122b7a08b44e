-- Number of measures per hour of day of the start (0-23; only hours with measures).
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: start_hour, n; ordered by start_hour.
SELECT start_hour, count(*) AS n
FROM measures
WHERE quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
GROUP BY start_hour
ORDER BY start_hour
