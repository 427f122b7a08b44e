-- Number of measures per hour of day of the start (0-23) and category (only combinations with
-- measures), for the start-time chart per main group.
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: start_hour, category, n; ordered by start_hour, category.
SELECT start_hour, category, count(*) AS n
FROM measures
WHERE quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
GROUP BY start_hour, category
ORDER BY start_hour, category
