-- Which delivery counts per location and quarter: the current delivery (`current_delivery`:
-- of the accepted attempts, the one uploaded last), for every location and quarter in range.
-- Rejected attempts never count. A location/quarter without any accepted attempt has no row
-- ("missing"). The figures read exactly these deliveries (`measures` is joined on them).
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: location, quarter, scope ('all' | 'seclusion'), rows, attempt_id, processed_at,
--          codebook_version; ordered by location, quarter.
SELECT location, quarter, scope, rows, attempt_id, processed_at, codebook_version
FROM current_delivery
WHERE quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
ORDER BY location, quarter
