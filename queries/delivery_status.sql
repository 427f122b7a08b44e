-- Which delivery counts per location and quarter: the latest accepted attempt (ordered by
-- processed_at, then attempt_id) for every location and quarter in range. Rejected attempts
-- are ignored. A location/quarter without any accepted attempt has no row ("missing").
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: location, quarter, scope ('all' | 'seclusion'), rows, attempt_id, processed_at,
--          codebook_version; ordered by location, quarter.
WITH ranked AS (
  SELECT
    location,
    quarter,
    scope,
    rows,
    attempt_id,
    processed_at,
    codebook_version,
    row_number() OVER (PARTITION BY location, quarter ORDER BY processed_at DESC, attempt_id DESC) AS rn
  FROM delivery_log
  WHERE status = 'accepted'
    AND quarter BETWEEN ? AND ?
    AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
)
SELECT location, quarter, scope, rows, attempt_id, processed_at, codebook_version
FROM ranked
WHERE rn = 1
ORDER BY location, quarter
