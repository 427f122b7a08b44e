-- Number of measures per care-plan answer (yes | no | unknown; NULL is reported as 'unknown').
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: care_plan, n; ordered by care_plan.
SELECT coalesce(care_plan, 'unknown') AS care_plan, count(*) AS n
FROM measures
WHERE quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
GROUP BY coalesce(care_plan, 'unknown')
ORDER BY care_plan
